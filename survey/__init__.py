"""Online survey and public-feedback platform: 调查征集, 意见征集 and 结果反馈."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from survey import config, db, extensions

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config.load(app.instance_path, test_config))
    extensions.init_app(app)
    db.init_app(app)
    configure_web(app)
    configure_features(app)
    configure_cli(app)
    return app


def configure_web(app: Flask) -> None:
    from survey import web

    web.init_app(app)


def configure_features(app: Flask) -> None:
    from survey import feeds, portal
    from survey.accounts import views as accounts
    from survey.api import v1 as api
    from survey.consultations import views as consultations
    from survey.review import views as review
    from survey.surveys import views as surveys
    from survey.webhooks import views as webhooks

    accounts.init_app(app)
    review.init_app(app)
    surveys.init_app(app)
    consultations.init_app(app)
    webhooks.init_app(app)
    app.register_blueprint(portal.bp)
    app.register_blueprint(feeds.bp)
    api.init_app(app)


def configure_cli(app: Flask) -> None:
    from survey import cli

    cli.register(app)
