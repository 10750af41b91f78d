"""The 结果反馈 document: the result tables as a plain dict, frozen into a ``ResultPublication``
when published, and the one shape every result export reads (XLSX, CSV, PDF, open data).

Published documents carry what the public may see only: the chosen questions, small counts
hidden (survey.disclosure), personal data masked, the staff's summary rendered and sanitised."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.disclosure import HIDDEN, Bounds, Cell, mask_personal, suppress
from survey.models import Answer, Question, Response, ResultPublication, Survey, User
from survey.questions import ResultTable, get_type
from survey.results import SurveyResults, question_label, survey_results
from survey.web.template_helpers import window_bound

# Fill-in answers published per question, at most (a page, not a data dump).
PUBLISHED_ANSWERS_LIMIT = 500
SUMMARY_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "table",
                "thead", "tbody", "tr", "th", "td", "hr"}  # fmt: skip
# Raw HTML in the summary is escaped by the Markdown parser; nh3 then keeps only plain tags.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
THEME_SUFFIXES = ("在线调查问卷", "调查问卷", "问卷调查", "征求意见", "问卷", "调查")

Document = dict[str, Any]


def feedback_title(title: str) -> str:
    """{主题}调查结果反馈: 外贸企业调查问卷 -> 外贸企业调查结果反馈."""
    for suffix in THEME_SUFFIXES:
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)] + "调查结果反馈"
    return title + "调查结果反馈"


def render_summary(markdown: str) -> str:
    """The staff's Markdown as sanitised HTML, personal data masked. Masked after rendering:
    the masks' asterisks would otherwise read as Markdown emphasis. The cleaned HTML has no
    attributes, so masking can only touch text."""
    html = nh3.clean(_MARKDOWN.render(markdown), tags=SUMMARY_TAGS, attributes={}, link_rel=None)
    return mask_personal(html)


def default_questions(survey: Survey, session: Session) -> set[int]:
    """The questions published unless staff choose: those of the latest version, else every
    question with a result table (fill-in answers never by default)."""
    latest = latest_publication(session, survey)
    if latest is not None:
        keys = {q["key"] for q in latest.content["questions"]}
        return {q.id for q in survey.questions if q.key in keys}
    return {table.question.id for table in survey_results(session, survey).tables}


def _bounds(table: ResultTable) -> Bounds:
    if table.question.type == "multiple":
        settings = table.question.settings
        fewest = settings.get("min_choices") or 1
        most = settings.get("max_choices") or len(table.rows)
        return Bounds.multiple(table.respondents, fewest, most)
    return Bounds.single(table.respondents)


def _summary(table: ResultTable) -> list[dict[str, str]]:
    return [{"label": line.label, "value": line.value} for line in table.summary]


def _two_way(table: ResultTable, k: int, masked: bool) -> Document:
    """A matrix or ranking as printed. Its cells have no suppression of their own, so with a
    minimum cell size above 1 the whole table is withheld."""
    assert table.grid is not None
    withheld = k > 1

    def label(text: str) -> str:
        return mask_personal(text) if masked else text

    grid = {
        "corner": table.grid.corner,
        "columns": [label(column) for column in table.grid.columns],
        "rows": [
            {"label": label(row.label), "cells": row.cells, "percents": row.percents,
             "score": row.score}
            for row in table.grid.rows
        ],
    }  # fmt: skip
    return {
        "rows": [],
        "grid": None if withheld else grid,
        "summary": [] if withheld else _summary(table),
        "respondents": table.respondents,
        "suppressed": False,
        "withheld": withheld,
    }


def _table(table: ResultTable, k: int, masked: bool) -> Document:
    if table.grid is not None:
        return _two_way(table, k, masked)
    counts = [row.count for row in table.rows]
    marks = suppress(counts, k, _bounds(table)) if k > 1 else [Cell.SHOWN] * len(counts)
    rows = []
    for row, mark in zip(table.rows, marks, strict=True):
        shown = mark == Cell.SHOWN
        rows.append(
            {
                "label": mask_personal(row.label) if masked else row.label,
                "count": row.count if shown else None,
                "shown": str(row.count) if shown else f"<{k}" if mark == Cell.SMALL else HIDDEN,
                "ratio": row.ratio if shown else HIDDEN,
                "percent": row.percent if shown else None,
            }
        )
    suppressed = any(mark != Cell.SHOWN for mark in marks)
    return {
        "rows": rows,
        # An average or NPS value over hidden counts could give them away: not printed then.
        "summary": [] if suppressed else _summary(table),
        "respondents": table.respondents,
        "suppressed": suppressed,
        "withheld": Cell.WITHHELD in marks,
    }


def _answers(session: Session, question: Question) -> list[str]:
    """The fill-in answers of valid responses, oldest first, masked."""
    values = session.execute(
        select(Answer.text, Answer.number)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, Response.invalid_at.is_(None))
        .order_by(Answer.response_id)
        .limit(PUBLISHED_ANSWERS_LIMIT)
    )
    return [mask_personal(text if text is not None else f"{number:g}") for text, number in values]


def _window(survey: Survey) -> str:
    """征集时间 as the page printed it when published."""
    if not (survey.opens_at or survey.closes_at):
        return "长期有效"
    start = window_bound(survey.opens_at) if survey.opens_at else "即日起"
    end = window_bound(survey.closes_at, end=True) if survey.closes_at else "另行通知"
    return f"{start} 至 {end}"


def build(
    session: Session,
    results: SurveyResults,
    *,
    questions: Collection[int] | None = None,
    k: int = 1,
    summary: str = "",
    public: bool = False,
) -> Document:
    """The document of ``results``: the given questions (default: every table), counts below
    ``k`` hidden; ``public`` masks personal data and adds the chosen fill-in answers."""
    survey = results.survey
    tables = {table.question.id: table for table in results.tables}
    chosen = set(tables) if questions is None else set(questions)
    items = []
    for question in survey.questions:
        if question.id not in chosen:
            continue
        item: Document = {
            "number": question.number,
            "key": question.key,
            "title": mask_personal(question.title) if public else question.title,
            "type": question.type,
            "label": question_label(question),
        }
        if question.id in tables:
            item.update(_table(tables[question.id], k, public))
        elif public:
            item["answers"] = _answers(session, question)
        else:
            continue
        items.append(item)
    return {
        "title": survey.title,
        "feedback_title": feedback_title(survey.title),
        "issuer": survey.issuer,
        "window": _window(survey),
        "question_count": sum(get_type(q.type).answerable for q in survey.questions),
        "responses": results.responses,
        "min_cell_size": k,
        "summary_html": render_summary(summary) if summary.strip() else "",
        "questions": items,
    }


def latest_publication(session: Session, survey: Survey) -> ResultPublication | None:
    return session.scalar(
        select(ResultPublication)
        .where(ResultPublication.survey_id == survey.id)
        .order_by(ResultPublication.version.desc())
        .limit(1)
    )


def publications(session: Session, survey: Survey) -> list[ResultPublication]:
    return list(
        session.scalars(
            select(ResultPublication)
            .where(ResultPublication.survey_id == survey.id)
            .order_by(ResultPublication.version.desc())
        )
    )


def publish(
    session: Session,
    survey: Survey,
    actor: User | None,
    now: datetime,
    *,
    questions: Collection[int] | None = None,
    summary: str | None = None,
) -> ResultPublication:
    """Freeze the current results as the next published version (audited)."""
    latest = latest_publication(session, survey)
    if questions is None:
        questions = default_questions(survey, session)
    if summary is None:
        summary = latest.summary if latest else ""
    content = build(
        session,
        survey_results(session, survey),
        questions=questions,
        k=survey.min_cell_size,
        summary=summary,
        public=True,
    )
    publication = ResultPublication(
        survey_id=survey.id,
        version=(latest.version + 1) if latest else 1,
        published_at=now,
        published_by=actor.username if actor else audit.SHELL,
        summary=summary,
        content=content,
    )
    session.add(publication)
    survey.publish_results(now)
    audit.record(session, actor, "survey.publish", survey, version=publication.version)
    return publication
