"""Staff sessions: Flask's signed-cookie session (respondents carry none), with its serializer
made once rather than on every request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if "survey.session_serializer" not in app.extensions:
            app.extensions["survey.session_serializer"] = super().get_signing_serializer(app)
        return app.extensions["survey.session_serializer"]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
