"""Every valid response as a row (CSV or XLSX), streamed: responses are read in keyset-paged batches
and each batch's answers in one range query, so memory does not grow with the survey."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session

from survey.core import spreadsheet
from survey.core.timeutil import to_local
from survey.surveys.analysis import source_name
from survey.surveys.models import Invitation, Option, Question, Survey
from survey.surveys.personal import Reader
from survey.surveys.questions import get_type

BATCH = 5_000
SEPARATOR = "┋"  # between the choices of one multiple-choice answer, as wjx exports them
CODINGS = ("text", "number")


def answered_questions(survey: Survey, reader: Reader | None = None) -> list[Question]:
    """The export's columns: every question but description blocks, which take no answer, and
    personal questions unless there is a ``reader`` to unseal them."""
    return [
        q for q in survey.questions
        if get_type(q.type).answerable and (reader is not None or not q.is_personal)
    ]  # fmt: skip


def question_columns(survey: Survey, reader: Reader | None = None) -> dict[int, list[str]]:
    """Each exported question's column headings, in order: one per question, one per row of a
    matrix and one per place of a ranking, as wjx exports them."""
    return {q.id: get_type(q.type).export_columns(q) for q in answered_questions(survey, reader)}


def header(survey: Survey, enterprises: bool = False, reader: Reader | None = None) -> list[str]:
    first = ["序号", "提交时间", "答题用时（秒）", "来源"] + (["企业名称"] if enterprises else [])
    return first + [name for names in question_columns(survey, reader).values() for name in names]


def has_invitations(session: Session, survey: Survey) -> bool:
    """Whether the export names the invited enterprise that gave each response."""
    return bool(session.scalar(select(exists().where(Invitation.survey_id == survey.id))))


RESPONSES = text(
    "SELECT id, submitted_at, duration_seconds, source FROM response WHERE survey_id = :survey "
    "AND id > :after AND invalid_at IS NULL ORDER BY id LIMIT :limit"
)
# The same with the invited enterprise's name (empty for a response through the public link);
# a separate statement so that surveys without invitations pay for no join.
RESPONSES_WITH_ENTERPRISES = text(
    "SELECT response.id, response.submitted_at, response.duration_seconds, response.source, "
    "COALESCE(invitation.enterprise, '') "
    "FROM response LEFT JOIN invitation ON invitation.id = response.invitation_id "
    "WHERE response.survey_id = :survey AND response.id > :after "
    "AND response.invalid_at IS NULL ORDER BY response.id LIMIT :limit"
)
# By the response_id index: the answers of one batch of responses, in the order they were given.
ANSWERS = text(
    "SELECT response_id, question_id, option_id, text, number, sealed FROM answer "
    "WHERE response_id BETWEEN :first AND :last ORDER BY response_id, id"
)


def rows(
    session: Session,
    survey: Survey,
    zone: ZoneInfo,
    coding: str = "text",
    enterprises: bool = False,
    reader: Reader | None = None,
) -> Iterator[list[Any]]:
    """One list per response, in the order they were submitted, numbered from 1 (序号, the
    survey's own count, as 问卷星 numbers them), with its submission time, 答题用时 in seconds
    and 来源; with ``enterprises``, the invited enterprise's name after them. Personal answers
    are unsealed by ``reader``; without one, their questions are left out.

    Plain SQL without ORM objects: two queries per batch of responses, whatever the total.
    """
    column: dict[int, int] = {}  # question id -> its first column
    width = 0
    for question_id, names in question_columns(survey, reader).items():
        column[question_id] = width
        width += len(names)
    coded = coding == "number"
    questions = {q.id: q for q in survey.questions}
    options = {o.id: o for q in survey.questions for o in q.options}
    if coded:
        # Coded by position: a copy of each option whose label is its number in the question.
        options = {
            o.id: Option(id=o.id, label=str(position))
            for q in survey.questions
            for position, o in enumerate(q.options, start=1)
        }
    # Where an answer without a text or a number (a chosen option, mostly) goes and how it
    # reads is the same in every response: worked out once per option, not once per answer.
    option_cells: dict[int, tuple[int, str]] = {}
    connection = session.connection()
    statement = RESPONSES_WITH_ENTERPRISES if enterprises else RESPONSES
    after = 0
    serial = 0  # 序号
    while True:
        batch = connection.execute(
            statement, {"survey": survey.id, "after": after, "limit": BATCH}
        ).all()
        if not batch:
            return
        cells: dict[int, list[str]] = {}
        answers = connection.execute(ANSWERS, {"first": batch[0][0], "last": batch[-1][0]}).all()
        for response_id, question_id, option_id, value, number, is_sealed in answers:
            first = column.get(question_id)
            if first is None:  # another survey's response within the id range, or personal
                continue
            if is_sealed and reader is not None:
                value = reader.text(questions[question_id], value, True)
            row = cells.get(response_id)
            if row is None:
                row = cells[response_id] = [""] * width
            if value is None and number is None and option_id in option_cells:
                offset, part = option_cells[option_id]
            else:
                option = options[option_id] if option_id is not None else None
                question = questions[question_id]
                kind = get_type(question.type)
                offset, part = kind.export_cell(question, option, value, number, coded)
                if value is None and number is None and option_id is not None:
                    option_cells[option_id] = offset, part
            index = first + offset
            row[index] = f"{row[index]}{SEPARATOR}{part}" if row[index] else part
        empty = [""] * width
        for response_id, submitted_at, seconds, source, *enterprise in batch:
            serial += 1
            yield [
                serial,
                _local(submitted_at, zone),
                seconds,
                source_name(source),
                *enterprise,
                *cells.get(response_id, empty),
            ]
        after = batch[-1][0]


def _local(moment: datetime | str, zone: ZoneInfo) -> str:
    if isinstance(moment, str):  # SQLite hands back the stored text
        moment = datetime.fromisoformat(moment)
    return str(to_local(moment, zone).replace(microsecond=0))


def csv_chunks(
    session: Session, survey: Survey, zone: ZoneInfo, coding: str = "text",
    reader: Reader | None = None,
) -> Iterator[str]:  # fmt: skip
    """The CSV text in chunks, starting with a BOM so that Excel reads the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    enterprises = has_invitations(session, survey)
    writer.writerow(spreadsheet.row(header(survey, enterprises, reader)))
    exported = rows(session, survey, zone, coding, enterprises, reader)
    for count, row in enumerate(exported, start=1):
        writer.writerow(spreadsheet.row(row))
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(
    session: Session, survey: Survey, zone: ZoneInfo, path: Path, coding: str = "text",
    reader: Reader | None = None,
) -> None:  # fmt: skip
    """An XLSX workbook at ``path``, written row by row (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("答卷")
    enterprises = has_invitations(session, survey)
    sheet.append(spreadsheet.row(header(survey, enterprises, reader)))
    for row in rows(session, survey, zone, coding, enterprises, reader):
        sheet.append(spreadsheet.row(row))
    workbook.save(path)
