"""矩阵题: several rows (小题) answered on the same columns.

The rows are the question's ``Option``s, so they are edited, retired and counted like options
(``Option.answer_count``); an answer names its row in ``option_id`` and its column by position
(1, 2, ...) in ``number``. For a 矩阵量表题 that position is the score.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.datastructures import MultiDict

from survey.core.errors import MalformedPost
from survey.core.i18n import _, _l
from survey.core.numbers import count_with_ratio, mean, percent
from survey.publishing.documents import Grid, GridRow, SummaryLine
from survey.surveys.questions.base import (
    AnswerError,
    AnswerRow,
    Counts,
    QuestionType,
    ResultTable,
    SampleRow,
    Setting,
    fill_in_name,
    position,
)
from survey.surveys.questions.choice import skipped

if TYPE_CHECKING:
    from survey.surveys.models import Option, Question

MAX_COLUMNS = 11


class Matrix(QuestionType):
    """矩阵单选题: one column per row."""

    name = "matrix"
    report_label = "[矩阵单选题]"
    display_name = _l("矩阵单选题")
    template = "surveys/questions/matrix.html"
    input_type = "radio"
    has_options = True
    options_label = _l("行（每行一个小题）")
    counts_cells = True
    row_variables = True
    chart = "stacked"
    settings: ClassVar[tuple[Setting, ...]] = (Setting("columns", list, _l("列（每行一个选项）")),)
    default_settings: ClassVar[Mapping[str, Any]] = {"columns": ["选项1", "选项2", "选项3"]}

    def columns(self, question: Question) -> list[str]:
        return question.settings.get("columns") or []

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        columns = settings.get("columns")
        if not columns:
            return [("columns", _("请填写列（至少两项）"))]
        if len(columns) > MAX_COLUMNS:
            return [("columns", _("最多 %(n)s 列", n=MAX_COLUMNS))]
        return []

    def field_names(self, question: Question) -> set[str]:
        # Retired rows too: a form opened before the row was retired gets a message, not a 400.
        return {fill_in_name(question, row.id) for row in question.options}

    def chosen_columns(
        self, question: Question, row: Option, form: MultiDict[str, str]
    ) -> list[int]:
        name = fill_in_name(question, row.id)
        values = form.getlist(name)
        width = len(self.columns(question))
        if len(values) > width:
            raise MalformedPost(f"{name}: too many values")
        columns = []
        for value in values:
            column = position(value, width)
            if column is None:
                raise MalformedPost(f"{name}: column {value[:20]!r} not offered")
            columns.append(column)
        if len(set(columns)) != len(columns):
            raise MalformedPost(f"{name}: column repeated")
        if len(columns) > 1 and self.input_type == "radio":
            raise MalformedPost(f"{name}: several columns for one choice")
        return columns

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        answers, missing = [], []
        for row in question.options:
            columns = self.chosen_columns(question, row, form)
            if columns and not row.is_active:
                raise AnswerError(_("“%(label)s”已不再提供，请重新选择", label=row.label))
            if row.is_active and not columns:
                missing.append(row.label)
            answers += [
                AnswerRow(question_id=question.id, option_id=row.id, number=float(column))
                for column in columns
            ]
        if question.required and missing:
            shown = "、".join(f"“{label}”" for label in missing[:3])
            more = _("等 %(n)s 行", n=len(missing)) if len(missing) > 3 else ""
            raise AnswerError(_("请回答每一行：%(rows)s%(more)s还没有选择", rows=shown, more=more))
        return answers

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng):
            return []
        width = len(self.columns(question))
        rows: list[SampleRow] = []
        for row in question.active_options:
            count = 1 if self.input_type == "radio" else rng.randint(1, width)
            rows += [
                (row.id, None, float(c)) for c in sorted(rng.sample(range(1, width + 1), count))
            ]
        return rows

    def row_figures(self, row: Option, counts: Counts, answered: int) -> list[str]:
        """Cells after the columns: none, or 平均分 for a scale matrix."""
        return []

    def tabulate(self, question: Question, counts: Counts) -> ResultTable:
        columns = self.columns(question)
        rows = []
        for row in question.options:
            answered = counts.option_respondents.get(row.id, 0)
            if not (row.is_active or answered):
                continue  # a retired row without answers
            numbers = [counts.cells.get((row.id, c), 0) for c in range(1, len(columns) + 1)]
            rows.append(
                GridRow(
                    label=row.label,
                    cells=[count_with_ratio(n, answered) for n in numbers]
                    + self.row_figures(row, counts, answered),
                    percents=[float(percent(n, answered)) for n in numbers],
                    score=self.row_score(row, counts, answered),
                )
            )
        return ResultTable(
            question=question,
            rows=[],
            respondents=counts.respondents,
            grid=Grid(corner="题目\\选项", columns=columns + self.figure_columns(), rows=rows),
            summary=self.summary(question, counts),
        )

    def figure_columns(self) -> list[str]:
        return []

    def row_score(self, row: Option, counts: Counts, answered: int) -> float | None:
        return None

    def summary(self, question: Question, counts: Counts) -> list[SummaryLine]:
        return []

    def hint(self, question: Question) -> str:
        return _("每行选择一项") if self.input_type == "radio" else _("每行可选多项")

    def export_text(
        self, question: Question, option: Option | None, text: str | None, number: float | None
    ) -> str:
        return f"{option.label if option else ''}：{self._column_label(question, number)}"

    def _column_label(self, question: Question, number: float | None) -> str:
        columns = self.columns(question)
        column = int(number or 0)
        return columns[column - 1] if 1 <= column <= len(columns) else str(column)

    def export_columns(self, question: Question) -> list[str]:
        """A column per row, "N.行", as wjx exports a matrix (retired rows too: their
        answers stay exported)."""
        return [f"{question.number}.{row.label}" for row in question.options]

    def export_cell(
        self,
        question: Question,
        option: Option | None,
        text: str | None,
        number: float | None,
        coded: bool = False,
    ) -> tuple[int, str]:
        """The row's column, holding the chosen column's label (or its position, coded)."""
        rows = [row.id for row in question.options]
        index = rows.index(option.id) if option is not None and option.id in rows else 0
        if coded:
            return index, str(int(number or 0))
        return index, self._column_label(question, number)


class MatrixScale(Matrix):
    """矩阵量表题: the columns are the points of a scale, scored 1, 2, ... in their order."""

    name = "matrix_scale"
    ordered = True
    report_label = "[矩阵量表题]"
    display_name = _l("矩阵量表题")
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("columns", list, _l("列（从低分到高分，每行一个）")),
    )
    default_settings: ClassVar[Mapping[str, Any]] = {
        "columns": ["非常不满意", "不满意", "一般", "满意", "非常满意"]
    }

    def scores(self, row: Option, counts: Counts, columns: int) -> dict[int, int]:
        return {c: counts.cells.get((row.id, c), 0) for c in range(1, columns + 1)}

    def row_score(self, row: Option, counts: Counts, answered: int) -> float:
        width = len(row.question.settings.get("columns") or [])
        return float(mean(self.scores(row, counts, width), answered))

    def row_figures(self, row: Option, counts: Counts, answered: int) -> list[str]:
        width = len(row.question.settings.get("columns") or [])
        return [f"{mean(self.scores(row, counts, width), answered)}"]

    def figure_columns(self) -> list[str]:
        return ["平均分"]

    def summary(self, question: Question, counts: Counts) -> list[SummaryLine]:
        """The mean over every answered row of every respondent."""
        width = len(self.columns(question))
        total: dict[int, int] = {}
        for row in question.options:
            for column, n in self.scores(row, counts, width).items():
                total[column] = total.get(column, 0) + n
        return [SummaryLine(label="本题平均分", value=f"{mean(total, sum(total.values()))}")]

    def hint(self, question: Question) -> str:
        columns = self.columns(question)
        return _(
            "每行选择一项，从“%(low)s”（1 分）到“%(high)s”（%(n)s 分）",
            low=columns[0],
            high=columns[-1],
            n=len(columns),
        )


class MatrixMultiple(Matrix):
    """矩阵多选题: any columns per row; a row's 比例 is over the respondents who answered it."""

    name = "matrix_multiple"
    report_label = "[矩阵多选题]"
    display_name = _l("矩阵多选题")
    input_type = "checkbox"
