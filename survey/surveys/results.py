"""Result tables: from the counters kept by ``survey.tally`` for the whole survey, or counted
from the answer rows (through their indexes) for a filtered report and a cross-tabulation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, Select, Subquery, cast, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from survey.core.numbers import format_ratio
from survey.surveys import counting
from survey.surveys.models import Answer, Option, Question, Response, Survey
from survey.surveys.questions import Counts, ResultTable, get_type

MAX_CONDITIONS = 3  # 分类统计 on up to three questions


def filterable_questions(survey: Survey) -> list[Question]:
    """The questions a report can be filtered or cross-tabulated by: one option per answer."""
    return [q for q in survey.questions if get_type(q.type).filterable]


@dataclass
class SurveyResults:
    survey: Survey
    responses: int  # 有效答卷
    tables: list[ResultTable]  # questions that have a publication table, in questionnaire order


@dataclass(frozen=True)
class Filter:
    """Which valid responses a report counts: submitted within a window, arrived by one way
    (来源, a ``Source``), and having chosen (any of) the given options of each of up to three
    questions."""

    since: datetime | None = None
    until: datetime | None = None
    chose: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (question id, option ids)
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.chose or self.source)

    @classmethod
    def of(
        cls,
        since: datetime | None,
        until: datetime | None,
        options: Iterable[Option],
        source: str = "",
    ) -> Filter:
        """The filter keeping responses in [since, until) that came by ``source`` (any, if
        empty) and chose, for each question the ``options`` belong to, any of them.
        ValueError past ``MAX_CONDITIONS`` questions."""
        chosen: dict[int, list[int]] = {}
        for option in options:
            chosen.setdefault(option.question_id, []).append(option.id)
        if len(chosen) > MAX_CONDITIONS:
            raise ValueError(f"at most {MAX_CONDITIONS} questions")
        return cls(since, until, tuple((q, tuple(o)) for q, o in chosen.items()), source)

    def responses(self, survey: Survey) -> Subquery:
        """The ids (column ``id``) of the responses this filter keeps, each once.

        The first chosen-option condition drives (an index range of the answers), the others
        are probes of the per-response index; without one, the survey's responses drive.
        """
        if self.chose:
            (question_id, option_ids), *others = self.chose
            first = aliased(Answer)
            kept = first.response_id
            statement = select(kept.label("id")).where(
                first.question_id == question_id,
                first.option_id.in_(option_ids),
                kept.not_in(invalid_responses(survey)),
            )
            if len(option_ids) > 1:
                statement = statement.distinct()  # one option is chosen once per response
            if self.since or self.until or self.source:
                statement = statement.join(Response, Response.id == kept)
        else:
            others, kept = [], Response.id
            statement = select(kept.label("id")).where(
                Response.survey_id == survey.id, Response.invalid_at.is_(None)
            )
        if self.since:
            statement = statement.where(Response.submitted_at >= self.since)
        if self.until:
            statement = statement.where(Response.submitted_at < self.until)
        if self.source:
            statement = statement.where(Response.source == self.source)
        for question_id, option_ids in others:
            other = aliased(Answer)
            statement = statement.where(
                exists().where(
                    other.response_id == kept,
                    other.question_id == question_id,
                    other.option_id.in_(option_ids),
                )
            )
        return statement.subquery("kept")


def invalid_responses(survey: Survey) -> Select[int]:
    """The ids of the survey's responses marked invalid: few, read from their partial index,
    and left out of every count as an anti-join on that small set."""
    return select(Response.id).where(
        Response.survey_id == survey.id, Response.invalid_at.is_not(None)
    )


def _tables(
    survey: Survey,
    respondents: Mapping[int, int],
    option_counts: Mapping[int, int],
    cells: Cells,
) -> list[ResultTable]:
    tables = []
    for question in survey.questions:
        counts = Counts(
            respondents=respondents.get(question.id, 0),
            options={o.id: option_counts.get(o.id, 0) for o in question.options},
            cells=cells.pairs,
            option_respondents=cells.respondents,
        )
        table = get_type(question.type).tabulate(question, counts)
        if table is not None:
            tables.append(table)
    return tables


@dataclass
class Cells:
    """Answers per (option, number) and respondents per option, for the questions that store a
    number beside the option (a matrix row's column, a ranked option's position)."""

    pairs: dict[tuple[int, int], int] = field(default_factory=dict)
    respondents: dict[int, int] = field(default_factory=dict)


def count_cells(session: Session, survey: Survey, kept: Subquery | None = None) -> Cells:
    """Two GROUP BYs over the answers of those questions (of the responses ``kept``, if given);
    none at all when the survey has no such question."""
    ids = [q.id for q in survey.questions if get_type(q.type).counts_cells]
    if not ids:
        return Cells()
    answers = select().select_from(Answer).where(Answer.question_id.in_(ids))
    if kept is not None:
        answers = answers.join(kept, kept.c.id == Answer.response_id)
    pairs = answers.add_columns(Answer.option_id, Answer.number, func.count()).where(
        Answer.number.is_not(None)
    )
    per_option = answers.add_columns(Answer.option_id, func.count(distinct(Answer.response_id)))
    return Cells(
        pairs={
            (option, int(number)): n
            for option, number, n in session.execute(
                pairs.group_by(Answer.option_id, Answer.number)
            )
        },
        respondents=dict(session.execute(per_option.group_by(Answer.option_id)).all()),
    )


def survey_results(session: Session, survey: Survey, only: Filter | None = None) -> SurveyResults:
    """Every question's table. Unfiltered, from the counters: three small queries whatever the
    number of responses (two more for matrix and ranking questions). Filtered, counted from the
    answer rows of the responses kept."""
    respondents: Mapping[int, int]
    option_counts: Mapping[int, int]
    if only:
        kept = only.responses(survey)
        responses, respondents, option_counts = _counted(session, kept)
        cells = count_cells(session, survey, kept)
    else:
        responses, respondents, option_counts = counting.kept(session, survey)
        cells = count_cells(session, survey)
    return SurveyResults(
        survey=survey,
        responses=responses,
        tables=_tables(survey, respondents, option_counts, cells),
    )


def _counted(session: Session, kept: Subquery) -> tuple[int, Counter[int], Counter[int]]:
    """Responses, respondents per question and answers per option of the responses ``kept``:
    one pass over their answers (and a count of the responses)."""
    respondents: Counter[int] = Counter()
    options: Counter[int] = Counter()
    for question_id, option_id, answers, first in session.execute(
        select(
            Answer.question_id,
            Answer.option_id,
            func.count(),
            func.count().filter(Answer.counts_respondent),
        )
        .select_from(kept)
        .join(Answer, Answer.response_id == kept.c.id)
        .group_by(Answer.question_id, Answer.option_id)
    ):
        respondents[question_id] += first
        if option_id is not None:
            options[option_id] += answers
    return session.scalar(select(func.count()).select_from(kept)) or 0, respondents, options


@dataclass(frozen=True)
class Variable:
    """What the rows or the columns of a cross-tabulation are: the options of a choice question,
    or the columns of one row of a matrix (each matrix row is a variable of its own)."""

    question: Question
    row: Option | None = None

    @property
    def key(self) -> str:
        """How the query string names it: the question's id, or question-row ids."""
        return str(self.question.id) if self.row is None else f"{self.question.id}-{self.row.id}"

    @property
    def title(self) -> str:
        if self.row is None:
            return self.question.title
        return f"{self.question.title}：{self.row.label}"

    @property
    def ordered(self) -> bool:
        """Its categories are the points of a scale, in order."""
        return get_type(self.question.type).ordered

    def answers(self) -> Subquery:
        """Its answers as (response_id, category): the chosen option, or the matrix column."""
        if self.row is None:
            chosen = select(Answer.response_id, Answer.option_id.label("category")).where(
                Answer.question_id == self.question.id
            )
        else:
            chosen = select(
                Answer.response_id, cast(Answer.number, Integer).label("category")
            ).where(Answer.question_id == self.question.id, Answer.option_id == self.row.id)
        return chosen.subquery()

    def categories(self, used: set[int]) -> list[tuple[int, str]]:
        """(category, label) in the questionnaire's order; retired options while they are in
        ``used``."""
        if self.row is None:
            return [(o.id, o.label) for o in self.question.options if o.is_active or o.id in used]
        columns = self.question.settings.get("columns") or []
        return list(enumerate(columns, start=1))


def crosstab_variables(survey: Survey) -> list[Variable]:
    """What a cross-tabulation can be made of: each choice question, and each row of a matrix."""
    found = []
    for question in survey.questions:
        kind = get_type(question.type)
        if kind.filterable:
            found.append(Variable(question))
        elif kind.row_variables:
            found += [Variable(question, row) for row in question.active_options]
    return found


@dataclass
class CrossRow:
    label: str
    cells: list[tuple[int, str]]  # (count, row percentage) per column
    total: int  # 小计: respondents in this row who answered the column variable


@dataclass
class CrossTab:
    """交叉分析: rows are the categories of one variable, columns those of another; each cell
    is count(row%), the share of the row's respondents who chose that column. The 总计 row
    counts each column among everyone who answered both (``total``)."""

    rows_variable: Variable
    columns_variable: Variable
    columns: list[str]
    rows: list[CrossRow] = field(default_factory=list)
    column_totals: list[tuple[int, str]] = field(default_factory=list)  # (count, share of total)
    total: int = 0


def crosstab(
    session: Session,
    survey: Survey,
    rows_variable: Variable | Question,
    columns_variable: Variable | Question,
    only: Filter | None = None,
) -> CrossTab:
    """GROUP BYs over a self-join of the answers on the response (both sides indexed): the
    cells, then the respondents of each row, of each column and of the whole table, counted
    once each (a multiple choice names several options in one response)."""
    across = rows_variable if isinstance(rows_variable, Variable) else Variable(rows_variable)
    down = (
        columns_variable if isinstance(columns_variable, Variable) else Variable(columns_variable)
    )
    row, column = across.answers(), down.answers()
    joined = select().select_from(row).join(column, column.c.response_id == row.c.response_id)
    if only:
        kept = only.responses(survey)
        joined = joined.join(kept, kept.c.id == row.c.response_id)
    else:
        joined = joined.where(row.c.response_id.not_in(invalid_responses(survey)))
    respondents = func.count(distinct(row.c.response_id))
    counts = {
        (r, c): n
        for r, c, n in session.execute(
            joined.add_columns(row.c.category, column.c.category, func.count()).group_by(
                row.c.category, column.c.category
            )
        )
    }
    row_totals: dict[int, int] = dict(
        session.execute(
            joined.add_columns(row.c.category, respondents).group_by(row.c.category)
        ).all()
    )
    column_totals: dict[int, int] = dict(
        session.execute(
            joined.add_columns(column.c.category, respondents).group_by(column.c.category)
        ).all()
    )
    total = session.scalar(joined.add_columns(respondents)) or 0
    columns = down.categories(set(column_totals))
    table = CrossTab(across, down, [label for _, label in columns], total=total)
    for category, label in across.categories(set(row_totals)):
        in_row = row_totals.get(category, 0)
        cells = [counts.get((category, c), 0) for c, _ in columns]
        table.rows.append(CrossRow(label, [(n, format_ratio(n, in_row)) for n in cells], in_row))
    table.column_totals = [
        (n, format_ratio(n, total)) for n in (column_totals.get(c, 0) for c, _ in columns)
    ]
    return table
