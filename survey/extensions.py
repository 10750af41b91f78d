"""The Flask extensions the app uses, made once and bound to the app in ``init_app``."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = ""
login_manager.session_protection = "strong"


def select_locale() -> str:
    """The request's language: its ``lang`` cookie if that names one of ours. (Also the key of
    the pages kept per language, cheaper than Flask-Babel's parsed locale.)"""
    # The shell (CLI commands) speaks the default language.
    choice = request.cookies.get("lang", "") if has_request_context() else ""
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    return choice if choice in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
