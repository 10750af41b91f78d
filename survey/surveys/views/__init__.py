"""The web side of 调查征集: its blueprints (``blueprints``), the public's pages (``display``),
the staff's pages by area (``manage``), their forms and template helpers."""

from __future__ import annotations

from flask import Flask

from survey.review import views as review
from survey.surveys.answering.copies import Questionnaires
from survey.surveys.views import blueprints, templating
from survey.surveys.views.manage.review import PAGES


def init_app(app: Flask) -> None:
    app.extensions["survey.questionnaires"] = Questionnaires()
    app.register_blueprint(blueprints.public)
    app.register_blueprint(blueprints.staff)
    templating.register(app)
    review.register(PAGES)
