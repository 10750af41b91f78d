"""The published documents as a declared, versioned schema (Pydantic models).

A result table is made of ``Row`` (选项 | 小计 | 比例) or, for two-way questions, a ``Grid``;
live tables (the staff report) and frozen ones (the public page) share these types, so every
renderer reads one shape. ``ResultFeedback`` is a survey's 结果反馈 document, format
``result-feedback/v1``; ``OpinionFeedback`` a consultation's 意见采纳情况,
``opinion-feedback/v1``.
Documents are written by ``dump`` and read back by ``load`` only: a stored document that does
not fit its schema fails loudly instead of rendering half a page.
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
    # Its options (or a matrix's columns) are the points of a scale, in order: charts colour
    # them light to dark (or red to green) instead of with unrelated colours.
    ordered: bool = False
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
    summary_html: str  # the staff's summary, sanitised; quotations masked
    questions: list[QuestionResult]

    @property
    def tables(self) -> list[QuestionResult]:
        return [item for item in self.questions if item.has_table]


class FeedbackRow(_Model):
    """One row of an 意见采纳情况 table: 序号 | 条款 | 意见内容 | 处理结果 | 理由."""

    number: int
    clause: str  # 第三条, or 整体意见
    opinion: str  # masked; for merged opinions the entry's text, with how many it stands for
    submitter: str  # 朱**, or "" (a name is never published unmasked; contacts never)
    outcome: str
    reason: str


class FeedbackSection(_Model):
    """The rows of one chapter (or of the draft as a whole)."""

    heading: str  # 第二章 支持措施, 整体意见, or "" for a draft without chapters
    rows: list[FeedbackRow]


class OutcomeCount(_Model):
    outcome: str  # 采纳
    count: int


class OpinionFeedback(_Model):
    """A consultation's 意见采纳情况: 关于《…》公开征求意见采纳情况的说明, 一、基本情况,
    二、采纳情况, and a table per chapter."""

    format: Literal["opinion-feedback/v1"] = "opinion-feedback/v1"
    title: str  # the draft's title
    feedback_title: str
    issuer: str
    window: str  # 征集时间 as printed
    channels: list[str]  # 网上提交, 信函 ...
    opinions: int  # 共收到意见 N 条
    submitters: int  # from M 人/单位
    outcomes: list[OutcomeCount]
    by_article: bool  # rows summarise each article instead of listing each opinion
    summary_html: str  # the staff's note, sanitised; quotations masked
    sections: list[FeedbackSection]

    @property
    def outcome_sentence(self) -> str:
        """采纳 2 条，部分采纳 1 条，不予采纳 1 条."""
        return "，".join(f"{item.outcome} {item.count} 条" for item in self.outcomes)


def dump(document: ResultFeedback | OpinionFeedback) -> dict[str, Any]:
    """The document as stored (JSON)."""
    return document.model_dump(mode="json")


def load(content: dict[str, Any]) -> ResultFeedback:
    """A stored 结果反馈, checked against its schema."""
    return ResultFeedback.model_validate(content)


def load_opinion_feedback(content: dict[str, Any]) -> OpinionFeedback:
    """A stored 意见采纳情况, checked against its schema."""
    return OpinionFeedback.model_validate(content)
