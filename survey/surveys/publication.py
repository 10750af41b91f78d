"""A survey's 结果反馈: its result tables as a ``ResultFeedback`` document, live for the staff
(every table, every count) or frozen for the public as a new ``ResultPublication`` version (the
chosen questions, small counts hidden, personal data masked, the staff's summary rendered)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.masking import mask_personal
from survey.core.numbers import plain_number
from survey.core.window import Status
from survey.publishing import documents, images, versions
from survey.publishing.building import freeze_question
from survey.publishing.disclosure import Bounds
from survey.publishing.documents import QuestionResult, ResultFeedback
from survey.publishing.summary import render_summary
from survey.surveys import events
from survey.surveys.models import Answer, Question, Response, ResultPublication, Survey
from survey.surveys.questions import ResultTable, get_type
from survey.surveys.results import SurveyResults, survey_results

# Fill-in answers published per question, at most (a page, not a data dump).
PUBLISHED_ANSWERS_LIMIT = 500
MIN_CELL_SIZE_RANGE = (1, 100)
THEME_SUFFIXES = ("在线调查问卷", "调查问卷", "问卷调查", "征求意见", "问卷", "调查")


class PublicationError(Refusal):
    """A publication that is refused; the message says why."""


def feedback_title(title: str) -> str:
    """{主题}调查结果反馈: 外贸企业调查问卷 -> 外贸企业调查结果反馈."""
    for suffix in THEME_SUFFIXES:
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)] + "调查结果反馈"
    return title + "调查结果反馈"


def _bounds(table: ResultTable) -> Bounds:
    """What a reader knows of a table's counts besides the cells (see ``Bounds``)."""
    if table.question.type == "multiple":
        settings = table.question.settings
        fewest = settings.get("min_choices") or 1
        most = settings.get("max_choices") or len(table.rows)
        return Bounds.multiple(table.respondents, fewest, most)
    return Bounds.single(table.respondents)


def _answers(session: Session, question: Question) -> list[str]:
    """The fill-in answers of valid responses, oldest first, masked; never a personal one."""
    values = session.execute(
        select(Answer.text, Answer.number)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Answer.question_id == question.id,
            Response.invalid_at.is_(None),
            Answer.sealed.is_(False),
        )
        .order_by(Answer.response_id)
        .limit(PUBLISHED_ANSWERS_LIMIT)
    )
    return [
        mask_personal(text if text is not None else plain_number(number or 0))
        for text, number in values
    ]


def document(
    session: Session,
    results: SurveyResults,
    zone: ZoneInfo,
    *,
    questions: Collection[int] | None = None,
    k: int = 1,
    summary: str = "",
    public: bool = False,
) -> ResultFeedback:
    """The document of ``results``: the given questions (default: every table), counts below
    ``k`` hidden; ``public`` masks personal data and adds the chosen fill-in answers."""
    survey = results.survey
    tables = {table.question.id: table for table in results.tables}
    chosen = set(tables) if questions is None else set(questions)
    items: list[QuestionResult] = []
    for question in survey.questions:
        if question.id not in chosen:
            continue
        kind = get_type(question.type)
        table = tables.get(question.id)
        if table is not None:
            items.append(
                freeze_question(
                    number=question.number,
                    key=question.key,
                    title=question.title,
                    type=question.type,
                    label=kind.report_label,
                    chart=kind.chart,
                    rows=table.rows,
                    grid=table.grid,
                    summary=table.summary,
                    respondents=table.respondents,
                    bounds=_bounds(table),
                    k=k,
                    masked=public,
                    ordered=kind.ordered,
                )
            )
        elif public:
            items.append(
                QuestionResult(
                    number=question.number,
                    key=question.key,
                    title=mask_personal(question.title),
                    type=question.type,
                    label=kind.report_label,
                    chart=kind.chart,
                    answers=_answers(session, question),
                )
            )
    return ResultFeedback(
        title=survey.title,
        feedback_title=feedback_title(survey.title),
        issuer=survey.issuer,
        window=survey.window_text(zone),
        question_count=sum(get_type(q.type).answerable for q in survey.questions),
        responses=results.responses,
        min_cell_size=k,
        summary_html=render_summary(summary),
        questions=items,
    )


def staff_document(session: Session, survey: Survey, zone: ZoneInfo) -> ResultFeedback:
    """Every table with every count, for staff exports, under the summary (调查结论) the
    public page shows."""
    latest = latest_publication(session, survey)
    summary = latest.summary if latest else ""
    return document(session, survey_results(session, survey), zone, summary=summary)


def publications(session: Session, survey: Survey) -> list[ResultPublication]:
    """Every published version, newest first."""
    return versions.versions(session, ResultPublication, ResultPublication.survey_id == survey.id)


def latest_publication(session: Session, survey: Survey) -> ResultPublication | None:
    return versions.latest(session, ResultPublication, ResultPublication.survey_id == survey.id)


def published(publication: ResultPublication) -> ResultFeedback:
    """The document a version froze."""
    return documents.load(publication.content)


def drawings(publication: ResultPublication) -> dict[str, images.ChartImages]:
    """A version's chart drawings, drawn now if they could not be when it was published."""
    if publication.charts is None:
        publication.charts = images.of_document(published(publication))
    return publication.charts or {}


def default_questions(session: Session, survey: Survey) -> set[int]:
    """The questions published unless staff choose: those of the latest version, else every
    question with a result table (fill-in answers never by default)."""
    latest = latest_publication(session, survey)
    if latest is not None:
        keys = {item.key for item in published(latest).questions}
        return {q.id for q in survey.questions if q.key in keys}
    return {table.question.id for table in survey_results(session, survey).tables}


def resolve(
    session: Session,
    survey: Survey,
    *,
    questions: Collection[int] | None = None,
    summary: str | None = None,
    min_cell_size: int | None = None,
) -> dict[str, Any]:
    """The choices of a publication with the defaults filled in: those of the previous
    version (choice questions and the survey's minimum cell size the first time)."""
    latest = latest_publication(session, survey)
    if questions is None:
        questions = default_questions(session, survey)
    if summary is None:
        summary = latest.summary if latest else ""
    last_response = session.scalar(
        select(func.max(Response.id)).where(Response.survey_id == survey.id)
    )
    return {
        "questions": sorted(questions),
        "summary": summary,
        "min_cell_size": survey.min_cell_size if min_cell_size is None else min_cell_size,
        "responses_up_to": last_response or 0,
    }


def frozen_state(
    session: Session, survey: Survey, zone: ZoneInfo, choices: Mapping[str, Any]
) -> dict[str, Any]:
    """What staff could change about results frozen with ``choices`` (answers arriving later
    are not among it): the questionnaire, the notice's settings, and which of the responses
    then received are valid (an invalidated, restored or deleted one changes it)."""
    count, id_sum = session.execute(
        select(func.count(), func.coalesce(func.sum(Response.id), 0)).where(
            Response.survey_id == survey.id,
            Response.id <= choices.get("responses_up_to", 0),
            Response.invalid_at.is_(None),
        )
    ).one()
    return {
        "design": survey.design_version,
        "window": survey.window_text(zone),
        "valid": [count, id_sum],
    }


def live_hash(session: Session, survey: Survey, version: int) -> str | None:
    """The hash of what the public reads as ``version`` (its content as stored now), while
    it is the version they read."""
    latest = latest_publication(session, survey)
    if not survey.results_published or latest is None or latest.version != version:
        return None
    return versions.content_hash(latest.content)


def freeze(
    session: Session, survey: Survey, zone: ZoneInfo, choices: Mapping[str, Any]
) -> dict[str, Any]:
    """The 结果反馈 document the ``resolve``d choices would publish now, as stored."""
    if survey.status == Status.DRAFT:
        raise PublicationError(_("草稿没有结果可发布"))
    low, high = MIN_CELL_SIZE_RANGE
    if not low <= choices["min_cell_size"] <= high:
        raise PublicationError(_("最少公开人次应在 %(low)s 到 %(high)s 之间", low=low, high=high))
    frozen = document(
        session,
        survey_results(session, survey),
        zone,
        questions=choices["questions"],
        k=choices["min_cell_size"],
        summary=choices["summary"],
        public=True,
    )
    return documents.dump(frozen)


def publish_frozen(
    session: Session,
    survey: Survey,
    actor: audit.Actor | None,
    now: datetime,
    choices: Mapping[str, Any],
    content: dict[str, Any],
) -> ResultPublication:
    """Make ``content`` (as ``freeze`` made it) the next published version (audited)."""
    publication = ResultPublication(
        survey_id=survey.id,
        version=versions.next_number(latest_publication(session, survey)),
        published_at=now,
        published_by=actor.username if actor else audit.SHELL,
        summary=choices["summary"],
        content=content,
        content_hash=versions.content_hash(content),
        charts=images.of_document(documents.load(content)),
    )
    session.add(publication)
    survey.min_cell_size = choices["min_cell_size"]
    survey.publish_results(now)
    audit.record(
        session, actor, "survey.publish", survey,
        version=publication.version, hash=publication.content_hash,
    )  # fmt: skip
    events.published(session, survey, publication.version, publication.content_hash, now)
    return publication


def publish(
    session: Session,
    survey: Survey,
    actor: User | None,
    now: datetime,
    zone: ZoneInfo,
    *,
    questions: Collection[int] | None = None,
    summary: str | None = None,
    min_cell_size: int | None = None,
) -> ResultPublication:
    """Freeze the current results and publish them at once, without review (the demo's
    loader; staff go through ``survey.review``)."""
    choices = resolve(
        session, survey, questions=questions, summary=summary, min_cell_size=min_cell_size
    )
    return publish_frozen(
        session, survey, actor, now, choices, freeze(session, survey, zone, choices)
    )


def withdrawal(session: Session, survey: Survey, reason: str) -> dict[str, Any]:
    """What withdrawing the page would do: which version goes, and why."""
    latest = latest_publication(session, survey)
    if not survey.results_published or latest is None:
        raise PublicationError(_("结果尚未发布"))
    if not reason.strip():
        raise PublicationError(_("请写明撤回的原因，公众页面会显示"))
    return {"version": latest.version, "hash": latest.content_hash, "reason": reason.strip()}


def withdraw(
    session: Session, survey: Survey, actor: audit.Actor | None, now: datetime, reason: str
) -> None:
    """Take the 结果反馈 page down: it then says it was withdrawn, when and why (its versions
    are kept; publishing again makes the next)."""
    survey.unpublish_results()
    latest = latest_publication(session, survey)
    versions.mark_withdrawn(latest, now, reason)
    audit.record(session, actor, "survey.unpublish", survey, reason=reason)
    events.withdrawn(session, survey, latest.version if latest else None, reason, now)
