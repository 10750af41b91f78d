"""Taking a response: is the survey open, is the form genuine and fresh, are the answers valid;
then one transaction that writes the response and all its answers, or nothing."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from survey import logic, tally
from survey.models import Answer, Phase, Question, Response, Survey
from survey.questions import AnswerError, MalformedAnswer, get_type

TOKEN_FIELD = "submission"
FORM_FIELDS = {"csrf_token", TOKEN_FIELD}


class NotOpen(Exception):
    """The survey does not take answers now; ``phase`` says why."""

    def __init__(self, phase: Phase) -> None:
        super().__init__(phase)
        self.phase = phase


@dataclass
class Outcome:
    """What became of a submission: the stored response (also for a replayed form), or errors
    to correct."""

    errors: dict[int, str] = field(default_factory=dict)  # question id -> message
    response_id: int | None = None

    @property
    def accepted(self) -> bool:
        return not self.errors


SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")


def load_survey(session: Session, slug: str) -> Survey | None:
    """The survey with its questions and options, loaded in three queries."""
    if not SLUG_PATTERN.match(slug):
        return None
    return session.scalar(
        select(Survey)
        .where(Survey.slug == slug)
        .options(selectinload(Survey.questions).selectinload(Question.options))
    )


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="survey.submission")


def issue_token(survey: Survey, secret_key: str) -> str:
    """A one-time token for one rendering of the form: the response it produces is stored once."""
    return _serializer(secret_key).dumps([survey.id, secrets.token_urlsafe(16)])


def _token_key(survey: Survey, token: str, secret_key: str) -> str:
    try:
        survey_id, key = _serializer(secret_key).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise MalformedAnswer("submission token invalid") from None
    if survey_id != survey.id or not isinstance(key, str):
        raise MalformedAnswer("submission token belongs to another survey")
    return key


def submit(
    session: Session, survey: Survey, form: MultiDict[str, str], now: datetime, secret_key: str
) -> Outcome:
    """Validate and store one submitted form.

    Raises ``NotOpen`` when the survey takes no answers now and ``MalformedAnswer`` for a post no
    form of ours produces (forged token, unknown field, option of another question).
    """
    phase = survey.phase(now)
    if phase != Phase.OPEN:
        raise NotOpen(phase)
    key = _token_key(survey, form.get(TOKEN_FIELD, ""), secret_key)
    allowed = set(FORM_FIELDS)
    for question in survey.questions:
        allowed |= get_type(question.type).field_names(question)
    unknown = set(form) - allowed
    if unknown:
        raise MalformedAnswer(f"unknown fields: {sorted(unknown)[:5]}")

    existing = session.scalar(select(Response.id).where(Response.submission_key == key))
    if existing is not None:
        return Outcome(response_id=existing)

    outcome = Outcome()
    answers: list[Answer] = []
    # Display and skip logic decide again what this respondent saw: a hidden question is not
    # required, and whatever was posted for it is not stored (nor counted).
    shown = logic.shown_questions(survey, form)
    for question in survey.questions:
        if question.id not in shown:
            continue
        try:
            answers.extend(get_type(question.type).parse(question, form))
        except AnswerError as error:
            outcome.errors[question.id] = error.message
    if outcome.errors:
        return outcome
    response = Response(survey_id=survey.id, submitted_at=now, submission_key=key, answers=answers)
    session.add(response)
    try:
        session.flush()
        tally.count_response(session, survey.id, answers, now)
        session.commit()
    except IntegrityError:
        # The same form posted twice at once: the other request stored it first.
        session.rollback()
        stored = session.scalar(select(Response.id).where(Response.submission_key == key))
        if stored is None:
            raise
        return Outcome(response_id=stored)
    outcome.response_id = response.id
    return outcome
