"""Finding surveys for the pages that show them: one with its questionnaire loaded, the staff
dashboard's list and the public list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import Session, selectinload

from survey.core.window import SLUG_PATTERN, Phase, Status
from survey.surveys.models import Answer, Option, Question, Quota, Response, Survey

SEARCH_MAX_LENGTH = 100


def has_answers(session: Session, question: Question) -> bool:
    """Whether anyone answered the question (what the designer may no longer change)."""
    return bool(session.scalar(select(exists().where(Answer.question_id == question.id))))


def option_has_answers(session: Session, option: Option) -> bool:
    return bool(session.scalar(select(exists().where(Answer.option_id == option.id))))


def _with_questionnaire(statement: Select[Survey]) -> Select[Survey]:
    return statement.options(
        selectinload(Survey.questions).selectinload(Question.options),
        selectinload(Survey.quotas).selectinload(Quota.options),
    )


def load_survey(session: Session, slug: str) -> Survey | None:
    """The survey at ``slug`` with its questions and options, loaded in three queries."""
    if not SLUG_PATTERN.match(slug):
        return None
    return session.scalar(_with_questionnaire(select(Survey).where(Survey.slug == slug)))


def survey_by_id(session: Session, survey_id: int) -> Survey | None:
    """The survey with its questions and options."""
    return session.scalar(_with_questionnaire(select(Survey).where(Survey.id == survey_id)))


def response_by_id(session: Session, response_id: int) -> Response | None:
    return session.get(Response, response_id)


def question_by_id(session: Session, question_id: int) -> Question | None:
    return session.get(Question, question_id)


_PHASES = {phase.value for phase in Phase}


def dashboard(
    session: Session,
    now: datetime,
    search: str = "",
    shown: str = "",
    reach: ColumnElement[bool] | None = None,
) -> Sequence[Survey]:
    """The staff's list, newest first: surveys in phase ``shown`` ("archived": the archived
    ones), else every survey but the archived, their titles containing ``search`` (and
    ``reach`` picking those a person acts on)."""
    statement = select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())
    if reach is not None:
        statement = statement.where(reach)
    if shown == "archived":
        statement = statement.where(Survey.status == Status.ARCHIVED)
    else:
        statement = statement.where(Survey.status != Status.ARCHIVED)
        if shown in _PHASES:
            statement = statement.where(Survey.in_phase(Phase(shown), now))
    if search:
        statement = statement.where(Survey.title.contains(search, autoescape=True))
    return session.scalars(statement).all()


def public_list(session: Session, *, published: bool = False) -> Sequence[Survey]:
    """The surveys the public list shows: neither drafts nor archived (whose pages stay for
    those who have the link), newest first; ``published``: only those with 结果反馈, newest
    publication first."""
    statement = select(Survey).where(Survey.status.not_in([Status.DRAFT, Status.ARCHIVED]))
    if published:
        statement = statement.where(Survey.results_published_at.is_not(None)).order_by(
            Survey.results_published_at.desc(), Survey.id.desc()
        )
    else:
        statement = statement.order_by(Survey.opens_at.desc(), Survey.id.desc())
    return session.scalars(statement).all()


def titles(session: Session) -> list[tuple[int, str]]:
    """Every survey's id and title, newest first (for filters)."""
    return [
        (survey_id, title)
        for survey_id, title in session.execute(
            select(Survey.id, Survey.title).order_by(Survey.id.desc())
        )
    ]
