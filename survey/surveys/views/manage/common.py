"""What the staff's survey views share: the survey, question or response a URL names (404
otherwise), and file downloads with a Chinese name."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from flask import abort, current_app
from flask_login import current_user
from werkzeug.wrappers import Response

from survey.db import get_session
from survey.surveys import queries
from survey.surveys.models import Question, Survey
from survey.surveys.models import Response as SurveyResponse


def survey_or_404(survey_id: int) -> Survey:
    """The survey, if the staff member acts on its department (403 otherwise)."""
    survey = queries.survey_by_id(get_session(), survey_id)
    if survey is None:
        abort(404)
    if not current_user.reaches(survey):
        abort(403)
    return survey


def question_or_404(question_id: int) -> Question:
    question = queries.question_by_id(get_session(), question_id)
    if question is None:
        abort(404)
    survey_or_404(question.survey_id)
    return question


def response_or_404(response_id: int) -> SurveyResponse:
    response = queries.response_by_id(get_session(), response_id)
    if response is None:
        abort(404)
    survey_or_404(response.survey_id)
    return response


def download(body: bytes | Iterable[str], mimetype: str, name: str, ascii_name: str) -> Response:
    """A file (its bytes, or chunks streamed as they come) to save as ``name``
    (``ascii_name`` for clients without RFC 5987). A text type gets "; charset=utf-8" added."""
    disposition = f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(name)}"
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Content-Disposition": disposition}
    )
