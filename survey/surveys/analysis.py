"""Staff analysis beyond the result tables: responses per day, the typed answers of a question
(详细作答情况), and pages of single responses. Counted and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload

from survey.core.i18n import _l
from survey.core.models import utcnow
from survey.core.numbers import plain_number
from survey.surveys import screening
from survey.surveys.models import Answer, Invitation, Option, Question, Response, Source, Survey
from survey.surveys.personal import Reader

PAGE_SIZE = 50


def _local_date(session: Session, column: Any, zone: ZoneInfo) -> ColumnElement[Any]:
    """The office-time date of a naive-UTC timestamp, computed by the database.

    PostgreSQL converts with its own zone database; SQLite has none, so the zone's current UTC
    offset is applied (exact for Asia/Shanghai, which keeps no daylight saving time)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, func.timezone("UTC", column)))
    offset = zone.utcoffset(utcnow())
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.date(column, f"{minutes:+d} minutes")


def timeline(session: Session, survey: Survey, zone: ZoneInfo) -> list[tuple[date, int]]:
    """Valid responses per day (office time), the days that have any, in order: one GROUP BY."""
    day = _local_date(session, Response.submitted_at, zone)
    rows = session.execute(
        select(day, func.count())
        .where(Response.survey_id == survey.id, Response.invalid_at.is_(None))
        .group_by(day)
        .order_by(day)
    ).all()
    # SQLite hands the date back as text.
    return [(d if isinstance(d, date) else date.fromisoformat(d), n) for d, n in rows]


@dataclass
class TypedAnswer:
    response_id: int
    submitted_at: datetime
    text: str  # the typed text, number, or the 其他 fill-in with its option


@dataclass
class Page:
    items: list[Any]
    page: int
    has_more: bool


def typed_answers(
    session: Session, question: Question, reader: Reader, search: str = "", page: int = 1
) -> Page:
    """详细作答情况: what respondents typed for ``question`` (texts, numbers, 其他 fill-ins),
    newest first, optionally only those containing ``search`` (which sealed personal answers
    cannot be searched for); personal ones as ``reader`` shows them."""
    statement = (
        select(
            Answer.response_id,
            Response.submitted_at,
            Answer.text,
            Answer.number,
            Option.label,
            Answer.sealed,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(Option, Option.id == Answer.option_id)
        .where(
            Answer.question_id == question.id,
            or_(Answer.text.is_not(None), Answer.number.is_not(None)),
            Response.invalid_at.is_(None),
        )
        .order_by(Answer.response_id.desc(), Answer.id)
    )
    if search:
        statement = statement.where(
            Answer.sealed.is_(False), Answer.text.contains(search, autoescape=True)
        )
    rows = session.execute(statement.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    items = [
        TypedAnswer(
            response_id,
            submitted_at,
            _typed(reader.text(question, text, is_sealed), number, label),
        )
        for response_id, submitted_at, text, number, label, is_sealed in rows[:PAGE_SIZE]
    ]
    return Page(items, page, len(rows) > PAGE_SIZE)


def _typed(text: str | None, number: float | None, option: str | None) -> str:
    if number is not None:
        return plain_number(number)
    return f"{option}：{text}" if option else text or ""


SOURCE_NAMES: dict[str, Any] = {
    Source.LINK: _l("链接"),
    Source.QR: _l("二维码"),
    Source.INVITATION: _l("邀请"),
}


def source_name(source: str) -> str:
    """来源 as staff read it: 链接, 二维码, 邀请, or 未记录 for responses from before."""
    return str(SOURCE_NAMES.get(source, _l("未记录")))


def responses_page(
    session: Session,
    survey: Survey,
    status: str = "",
    page: int = 1,
    *,
    faster_than: int | None = None,
    slower_than: int | None = None,
    flag: str = "",
    source: str = "",
    enterprise: str = "",
) -> Page:
    """A page of the survey's responses, newest first, with their invitations; ``status``
    "valid" or "invalid" filters, ``faster_than`` keeps those answered in fewer seconds
    (答题用时) and ``slower_than`` in more, ``flag`` those flagged so ("any" for any flag;
    see ``screening``), ``source`` those that came so (来源), and ``enterprise`` those of
    invited enterprises whose name contains it (企业名称)."""
    statement = select(Response).where(Response.survey_id == survey.id)
    condition = screening.flagged(session, survey, flag) if flag else None
    if condition is not None:
        statement = statement.where(condition)
    if faster_than is not None:
        statement = statement.where(Response.duration_seconds < faster_than)
    if slower_than is not None:
        statement = statement.where(Response.duration_seconds > slower_than)
    if status == "valid":
        statement = statement.where(Response.invalid_at.is_(None))
    elif status == "invalid":
        statement = statement.where(Response.invalid_at.is_not(None))
    if source:
        statement = statement.where(Response.source == source)
    if enterprise:
        statement = statement.join(Invitation, Invitation.id == Response.invitation_id).where(
            Invitation.enterprise.contains(enterprise, autoescape=True)
        )
    rows = session.scalars(
        statement.options(joinedload(Response.invitation))
        .order_by(Response.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE)


def serials(session: Session, survey: Survey, responses: list[Response]) -> dict[int, int]:
    """The 序号 of each valid response among ``responses``: its place among the survey's valid
    responses in the order they came, as the response exports number them (from 1)."""
    valid = [r.id for r in responses if r.invalid_at is None]
    if not valid:
        return {}
    in_survey = (Response.survey_id == survey.id) & Response.invalid_at.is_(None)
    before = session.scalar(
        select(func.count(Response.id)).where(in_survey, Response.id < min(valid))
    )
    # The valid ids from the page's first to its last: the page itself unless it is filtered.
    span = session.scalars(
        select(Response.id)
        .where(in_survey, Response.id.between(min(valid), max(valid)))
        .order_by(Response.id)
    )
    wanted = set(valid)
    return {id: (before or 0) + place for place, id in enumerate(span, start=1) if id in wanted}


def response_answers(
    session: Session, survey: Survey, response: Response, reader: Reader
) -> list[tuple[Question, str]]:
    """Each question of the survey with what this response answered ("" when skipped), the
    personal answers as ``reader`` shows them."""
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    questions = {q.id: q for q in survey.questions}
    given: dict[int, list[str]] = {}
    for answer in session.scalars(
        select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)
    ):
        text = reader.text(questions[answer.question_id], answer.text, answer.sealed)
        if answer.option_id is not None:
            part = labels[answer.option_id] + (f"（{text}）" if text else "")
        else:
            part = _typed(text, answer.number, None)
        given.setdefault(answer.question_id, []).append(part)
    return [(q, "；".join(given.get(q.id, []))) for q in survey.questions]


@dataclass(frozen=True)
class SubmittedResponse:
    """A response as submitted: its answers by question key, each a list of parts (an option's
    label with its fill-in, or typed text, or a number)."""

    response: Response
    answers: dict[str, list[dict[str, Any]]]


def responses_after(
    session: Session,
    survey: Survey,
    after: int = 0,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    reader: Reader,
) -> tuple[list[SubmittedResponse], bool]:
    """The responses after response id ``after`` in submission order (a cursor that new
    responses never shift), submitted in [since, until); and whether more follow."""
    statement = select(Response).where(Response.survey_id == survey.id, Response.id > after)
    if since is not None:
        statement = statement.where(Response.submitted_at >= since)
    if until is not None:
        statement = statement.where(Response.submitted_at < until)
    found = list(session.scalars(statement.order_by(Response.id).limit(limit + 1)))
    return as_submitted(session, survey, found[:limit], reader), len(found) > limit


def as_submitted(
    session: Session, survey: Survey, responses: list[Response], reader: Reader
) -> list[SubmittedResponse]:
    """Responses of ``survey`` with their answers as submitted (one query for them all), the
    personal answers as ``reader`` shows them."""
    keys = {q.id: q.key for q in survey.questions}
    questions = {q.id: q for q in survey.questions}
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    given: dict[int, dict[str, list[dict[str, Any]]]] = {r.id: {} for r in responses}
    if responses:
        rows = session.scalars(
            select(Answer)
            .where(Answer.response_id.in_([r.id for r in responses]))
            .order_by(Answer.response_id, Answer.id)
        )
        for answer in rows:
            part: dict[str, Any] = {}
            if answer.option_id is not None:
                part["option"] = labels.get(answer.option_id, "")
            if answer.text is not None:
                text = reader.text(questions[answer.question_id], answer.text, answer.sealed)
                part["text"] = text
            if answer.number is not None:
                part["number"] = answer.number
            key = keys.get(answer.question_id, str(answer.question_id))
            given[answer.response_id].setdefault(key, []).append(part)
    return [SubmittedResponse(r, given[r.id]) for r in responses]
