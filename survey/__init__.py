"""Online survey and public-feedback platform: 调查征集, 意见征集 and 结果反馈."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from survey import collect, config, db

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parent.parent

csrf = CSRFProtect()
babel = Babel()

# The app serves every asset itself; nothing may be loaded from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config.load(app.instance_path, test_config))
    app.session_interface = SessionInterface()
    configure_extensions(app)
    db.init_app(app)
    app.extensions["survey.questionnaires"] = collect.Questionnaires()
    configure_blueprints(app)
    configure_templates(app)
    configure_security_headers(app)
    configure_cli(app)
    return app


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session (staff only: respondents carry none), with its serializer
    made once rather than on every request."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if "survey.session_serializer" not in app.extensions:
            app.extensions["survey.session_serializer"] = super().get_signing_serializer(app)
        return app.extensions["survey.session_serializer"]


def configure_extensions(app: Flask) -> None:
    from survey.web import ratelimit
    from survey.web.auth import login_manager

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    ratelimit.init_app(app)
    login_manager.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def select_locale() -> str:
    """The request's language: its ``lang`` cookie if that names one of ours. (Also the key of
    the pages kept per language, cheaper than Flask-Babel's parsed locale.)"""
    from flask import current_app, has_request_context

    # The shell (CLI commands) speaks the default language.
    choice = request.cookies.get("lang") if has_request_context() else None
    if choice in current_app.config["LANGUAGES"]:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def configure_blueprints(app: Flask) -> None:
    from survey.web import admin, auth, errors, public, respond
    from survey.web.safety import reject_nul

    app.before_request(reject_nul)
    app.register_blueprint(public.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    errors.register(app)


def configure_templates(app: Flask) -> None:
    from survey.web import template_helpers

    template_helpers.register(app)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def configure_security_headers(app: Flask) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]


class SecurityHeaders:
    """Adds the security headers to every response that does not set its own (the designer's
    preview allows framing by the same site). A WSGI wrapper, as it appends to the header list
    the server gets: cheaper than editing each response's headers."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _value in headers}
            headers.extend(h for h in SECURITY_HEADERS if h[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def configure_cli(app: Flask) -> None:
    from survey import cli

    cli.register(app)
