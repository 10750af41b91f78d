"""The published documents as a declared, versioned schema (Pydantic models).

A result table is made of ``Row`` (选项 | 小计 | 比例) or, for two-way questions, a ``Grid``;
live tables (the staff report) and frozen ones (the public page) share these types, so every
renderer reads one shape. ``ResultFeedback`` is a survey's 结果反馈 document, format
``result-feedback/v1``. Documents are written by ``dump`` and read back by ``load`` only: a
stored document that does not fit its schema fails loudly instead of rendering half a page.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from survey.core.numbers import format_ratio, percent


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SummaryLine(_Model):
    """A figure printed under a table: 本题平均分：3.25, NPS值：20%."""

    label: str
    value: str

    def __str__(self) -> str:
        return f"{self.label}：{self.value}"


class Row(_Model):
    """One row of 选项 | 小计 | 比例. In a published table a hidden count has ``count`` and
    ``percent`` None and ``shown`` "<k" or "—"."""

    label: str
    count: int | None
    shown: str  # 小计 as printed
    ratio: str  # 比例 as printed, e.g. "33.33%"
    percent: float | None  # for the bar in the 比例 cell and the chart

    @classmethod
    def counted(cls, label: str, count: int, respondents: int) -> Row:
        """A row of ``count`` answers among ``respondents`` (本题有效填写人次)."""
        return cls(
            label=label,
            count=count,
            shown=str(count),
            ratio=format_ratio(count, respondents),
            percent=float(percent(count, respondents)),
        )


class GridRow(_Model):
    """A row of a two-way table (a matrix row, a ranked option): its cells as printed."""

    label: str
    cells: list[str]  # "3(75%)" per column, then any trailing figure such as 平均分
    percents: list[float]  # per column, for the chart
    score: float | None = None  # 平均分 or 平均综合得分, for the chart


class Grid(_Model):
    """The table of a matrix or ranking question: a corner heading, column headings, rows."""

    corner: str  # "题目\\选项" or "选项"
    columns: list[str]
    rows: list[GridRow]


# The figure a question's type draws: a pie (one answer, few options), columns (a scale's
# points in order), horizontal bars, a matrix's stacked bars, a ranking's scores.
Chart = Literal["pie", "columns", "bars", "stacked", "scores"]


class QuestionResult(_Model):
    """One published question: its table (``rows``, or ``grid`` with ``rows`` empty), or for a
    fill-in question the answers chosen for publication (``answers``, and ``rows`` None)."""

    number: int
    key: str
    title: str
    type: str
    label: str  # [单选题]
    chart: Chart
    rows: list[Row] | None = None
    grid: Grid | None = None
    summary: list[SummaryLine] = []
    respondents: int = 0  # 本题有效填写人次
    suppressed: bool = False  # some counts hidden under the minimum cell size
    withheld: bool = False  # the whole table hidden
    answers: list[str] | None = None

    @property
    def has_table(self) -> bool:
        return self.rows is not None


class ResultFeedback(_Model):
    """A survey's 结果反馈: {主题}调查结果反馈, 一、调查基本情况, 二、调查结果, the summary."""

    format: Literal["result-feedback/v1"] = "result-feedback/v1"
    title: str
    feedback_title: str
    issuer: str
    window: str  # 征集时间 as printed
    question_count: int
    responses: int  # 有效答卷
    min_cell_size: int
    summary_html: str  # sanitised, masked
    questions: list[QuestionResult]

    @property
    def tables(self) -> list[QuestionResult]:
        return [item for item in self.questions if item.has_table]


def dump(document: ResultFeedback) -> dict[str, Any]:
    """The document as stored (JSON)."""
    return document.model_dump(mode="json")


def load(content: dict[str, Any]) -> ResultFeedback:
    """A stored document, checked against its schema."""
    return ResultFeedback.model_validate(content)
