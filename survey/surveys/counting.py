"""The counters behind every result table: 小计 per option, 本题有效填写人次 per question, and
valid responses per survey, and the one rule of what a response adds to them. Every writer goes
through here: storing a submission (``answering.storage``, whose statements for each database
make the ``Increments`` computed here), generating responses, marking one invalid or restoring
it, deleting responses. They change only by SQL increments in the transaction that stores (or
removes) the answers, so concurrent submissions cannot lose a count; ``recount`` rebuilds them
from the answer rows and reports any difference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, distinct, exists, func, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from survey.core.i18n import _
from survey.surveys.models import Answer, Option, Question, Quota, Response, Survey

_PLAIN = {"synchronize_session": False}
# The tables themselves: counters change by plain UPDATEs, without the ORM's bookkeeping.
_SURVEYS, _QUESTIONS, _OPTIONS, _QUOTAS = (
    cast(Table, model.__table__) for model in (Survey, Question, Option, Quota)
)


def quotas_held(quotas: Iterable[Quota], chosen: set[int]) -> list[int]:
    """The ids of the quotas a response that chose the options ``chosen`` counts toward, in
    id order (the order their rows are locked in)."""
    return sorted(quota.id for quota in quotas if quota.holds(chosen))


@dataclass
class Increments:
    """What some responses add to the counters (or, negated, take away)."""

    responses: int = 0
    respondents: Counter[int] = field(default_factory=Counter)  # question id -> n
    options: Counter[int] = field(default_factory=Counter)  # option id -> answers naming it
    quotas: Counter[int] = field(default_factory=Counter)  # quota id -> responses it holds

    def count_response(self, rows: Iterable[Sequence[Any]]) -> list[bool]:
        """Count one response from its answer rows (question id first, option id second), in
        the order they are stored. Returns each row's ``Answer.counts_respondent``: True on the
        first row of each question, the one that counts the respondent (本题有效填写人次)."""
        self.responses += 1
        # Plain dict lookups: this runs for every submission, and Counter's missing-key hook
        # is a Python call per new key.
        respondents, options = self.respondents, self.options
        seen: set[int] = set()
        flags = []
        for row in rows:
            question_id, option_id = row[0], row[1]
            first = question_id not in seen
            flags.append(first)
            if first:
                seen.add(question_id)
                respondents[question_id] = respondents.get(question_id, 0) + 1
            if option_id is not None:
                options[option_id] = options.get(option_id, 0) + 1
        return flags

    def negated(self) -> Increments:
        return Increments(
            -self.responses,
            Counter({key: -n for key, n in self.respondents.items()}),
            Counter({key: -n for key, n in self.options.items()}),
            Counter({key: -n for key, n in self.quotas.items()}),
        )


def apply(
    session: Session, survey_id: int, increments: Increments, latest: datetime | None
) -> None:
    """Change the counters by SQL (never read, add, write back), one UPDATE per table and
    increment, the survey's row first and the others in id order, so that concurrent
    transactions lock rows in the same order. Without ``latest``, the last response time is
    read again from the valid responses."""
    surveys = _SURVEYS.c
    session.execute(
        update(_SURVEYS)
        .where(surveys.id == survey_id)
        .values(
            response_count=surveys.response_count + increments.responses,
            last_response_at=latest
            if latest is not None
            else _last_valid(survey_id).scalar_subquery(),
        )
    )
    for table, column, counts in (
        (_QUESTIONS, _QUESTIONS.c.respondent_count, increments.respondents),
        (_OPTIONS, _OPTIONS.c.answer_count, increments.options),
        (_QUOTAS, _QUOTAS.c.taken, increments.quotas),
    ):
        for increment, ids in by_increment(counts).items():
            session.execute(
                update(table).where(table.c.id.in_(ids)).values({column: column + increment})
            )


def uncount_response(session: Session, response: Response, *, restore: bool = False) -> None:
    """Take a stored response out of the counters (``restore``: put it back), reading its
    answers in SQL; the caller flips its validity in the same transaction."""
    rows = session.execute(
        select(Answer.question_id, Answer.option_id)
        .where(Answer.response_id == response.id)
        .order_by(Answer.id)
    ).all()
    increments = Increments()
    increments.count_response(rows)
    quotas = session.scalars(
        select(Quota)
        .where(Quota.survey_id == response.survey_id)
        .options(selectinload(Quota.options))
    )
    chosen = {option_id for _question, option_id in rows if option_id is not None}
    increments.quotas.update(quotas_held(quotas, chosen))
    apply(session, response.survey_id, increments if restore else increments.negated(), None)


def _last_valid(survey_id: int) -> Select[datetime | None]:
    return select(func.max(Response.submitted_at)).where(
        Response.survey_id == survey_id, Response.invalid_at.is_(None)
    )


def by_increment(counts: Mapping[int, int]) -> dict[int, list[int]]:
    """Keys grouped by their increment, each group in key order: one UPDATE per increment."""
    grouped: dict[int, list[int]] = {}
    for key, increment in sorted(counts.items()):
        grouped.setdefault(increment, []).append(key)
    return grouped


@dataclass
class Difference:
    what: str  # "有效答卷", "第 1 题 本题有效填写人次", "第 1 题 国企"
    kept: int
    counted: int

    def __str__(self) -> str:
        return _("%(what)s: 计数器 %(kept)s，实际 %(counted)s", what=self.what, kept=self.kept,
                 counted=self.counted)  # fmt: skip


def counted(session: Session, survey: Survey) -> tuple[int, Counter[int], Counter[int]]:
    """Valid responses, respondents per question and answers per option, counted from the rows
    by the plainest queries there are (distinct responses per question), as ``recount`` must."""
    valid = Response.invalid_at.is_(None)
    responses = select(func.count()).where(Response.survey_id == survey.id, valid)
    answers = (
        select()
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id.in_([q.id for q in survey.questions]), valid)
    )
    respondents: Counter[int] = Counter(
        dict(
            session.execute(
                answers.add_columns(
                    Answer.question_id, func.count(distinct(Answer.response_id))
                ).group_by(Answer.question_id)
            ).all()
        )
    )
    options: Counter[int] = Counter(
        dict(
            session.execute(
                answers.add_columns(Answer.option_id, func.count())
                .where(Answer.option_id.is_not(None))
                .group_by(Answer.option_id)
            ).all()
        )
    )
    return session.scalar(responses) or 0, respondents, options


def kept(session: Session, survey: Survey) -> tuple[int, dict[int, int], dict[int, int]]:
    """The counters as stored: responses, respondents per question, answers per option."""
    responses = session.scalar(select(Survey.response_count).where(Survey.id == survey.id))
    respondents = dict(
        session.execute(
            select(Question.id, Question.respondent_count).where(Question.survey_id == survey.id)
        ).all()
    )
    options = dict(
        session.execute(
            select(Option.id, Option.answer_count)
            .join(Question, Option.question_id == Question.id)
            .where(Question.survey_id == survey.id)
        ).all()
    )
    return responses or 0, respondents, options


def recount(session: Session, survey: Survey) -> list[Difference]:
    """Set every counter of ``survey`` from the stored answers; return what was wrong.

    Locks the survey row first (on PostgreSQL) so that no submission moves a count meanwhile.
    """
    session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    kept_responses, kept_respondents, kept_options = kept(session, survey)
    responses, respondents, options = counted(session, survey)
    differences = []
    if kept_responses != responses:
        differences.append(Difference(_("有效答卷"), kept_responses, responses))
    last = session.scalar(_last_valid(survey.id))
    session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(response_count=responses, last_response_at=last),
        execution_options=_PLAIN,
    )
    for question in survey.questions:
        if kept_respondents.get(question.id, 0) != respondents[question.id]:
            what = _("第 %(n)s 题 本题有效填写人次", n=question.number)
            differences.append(
                Difference(what, kept_respondents[question.id], respondents[question.id])
            )
            session.execute(
                update(Question)
                .where(Question.id == question.id)
                .values(respondent_count=respondents[question.id]),
                execution_options=_PLAIN,
            )
        for option in question.options:
            if kept_options.get(option.id, 0) != options[option.id]:
                what = _("第 %(n)s 题 %(option)s", n=question.number, option=option.label)
                differences.append(Difference(what, kept_options[option.id], options[option.id]))
                session.execute(
                    update(Option)
                    .where(Option.id == option.id)
                    .values(answer_count=options[option.id]),
                    execution_options=_PLAIN,
                )
    taken = dict(
        session.execute(select(Quota.id, Quota.taken).where(Quota.survey_id == survey.id)).all()
    )
    for quota in survey.quotas:
        actual = session.scalar(quota_count(survey, quota)) or 0
        if taken[quota.id] != actual:
            what = _("名额 %(label)s", label=quota.label)
            differences.append(Difference(what, taken[quota.id], actual))
            session.execute(
                update(Quota).where(Quota.id == quota.id).values(taken=actual),
                execution_options=_PLAIN,
            )
    return differences


def quota_count(survey: Survey, quota: Quota) -> Select[int]:
    """The valid responses that count toward ``quota``, counted from the answer rows."""
    statement = select(func.count()).where(
        Response.survey_id == survey.id, Response.invalid_at.is_(None)
    )
    for option_ids in quota.conditions().values():
        chose = aliased(Answer)
        statement = statement.where(
            exists().where(chose.response_id == Response.id, chose.option_id.in_(option_ids))
        )
    return statement
