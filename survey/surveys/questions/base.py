"""The interface every question type implements.

A type knows its name in the definition format, its report label, how its field is rendered (a
template partial), which type-specific settings it takes, how a submitted value is parsed and
validated into answer rows, how its counts become a result table (with any summary line under
it), which chart draws that table, and how one stored answer reads in a response export.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from werkzeug.datastructures import MultiDict

from survey.core import masking
from survey.core.errors import MalformedPost
from survey.core.i18n import _l
from survey.core.numbers import plain_number
from survey.publishing.documents import Chart, Grid, Row, SummaryLine

if TYPE_CHECKING:
    from survey.surveys.models import Option, Question

# No single value may be longer than this, whatever the question allows: anything longer is not
# a person typing but a malformed or hostile post.
HARD_VALUE_LIMIT = 20_000
# Zero-width characters that a paste may carry: a value made only of them is empty.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


class AnswerRow(NamedTuple):
    """One answer row read from a form, as ``answering`` stores it (a plain tuple: building ORM
    ``Answer`` objects for rows written by Core costs more than validating them)."""

    question_id: int
    option_id: int | None = None
    text: str | None = None
    number: float | None = None
    sealed: bool = False  # ``text`` is sealed (survey.surveys.personal)


# One generated answer row: (option_id, text, number).
SampleRow = tuple[int | None, str | None, float | None]


class AnswerError(Exception):
    """A value the respondent can correct: shown beside the field, the page keeps every answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Setting:
    """A type-specific setting in the definition format: its key, value kind and meaning."""

    key: str
    kind: type  # int, float, bool, str, or list (of labels, one a line in the designer)
    label: str


@dataclass
class ResultTable:
    """One question's publication table: 选项 | 小计 | 比例 and 本题有效填写人次, or a ``grid``
    for two-way questions, and ``summary`` lines under it."""

    question: Question
    rows: list[Row]
    respondents: int
    grid: Grid | None = None
    summary: list[SummaryLine] = field(default_factory=list)


@dataclass
class Counts:
    """What ``results`` counted in SQL for one question."""

    respondents: int  # 本题有效填写人次
    options: Mapping[int, int]  # option id -> answers naming it
    # For types that store a number beside the option (matrix column, rank position):
    cells: Mapping[tuple[int, int], int] = field(default_factory=dict)  # (option, number) -> n
    option_respondents: Mapping[int, int] = field(default_factory=dict)  # option -> respondents


class QuestionType:
    name: ClassVar[str]  # key in the definition format: "single"
    report_label: ClassVar[str]  # "[单选题]"
    display_name: ClassVar[str]  # "单选题", for staff
    template: ClassVar[str]  # partial under templates/questions/
    has_options: ClassVar[bool] = False  # the definition lists its options (or matrix rows)
    options_label: ClassVar[str] = _l("选项")  # what the designer calls those options
    settings: ClassVar[tuple[Setting, ...]] = ()
    answerable: ClassVar[bool] = True  # False: a description block, without a field or number
    title_required: ClassVar[bool] = True  # False: a page break, whose heading is optional
    chooses_options: ClassVar[bool] = False  # posts option ids: display and skip logic read it
    filterable: ClassVar[bool] = False  # offered in 分类统计 and 交叉分析 (one option per answer)
    row_variables: ClassVar[bool] = False  # each row (option) a variable of 交叉分析: a matrix
    counts_cells: ClassVar[bool] = False  # results count (option, number) pairs for it
    chart: ClassVar[Chart] = "bars"  # the figure that draws its table (publishing.charts)
    ordered: ClassVar[bool] = False  # its options are the points of a scale, low to high
    default_settings: ClassVar[Mapping[str, Any]] = {}  # a new question's, in the designer
    script: ClassVar[str] = ""  # a script under static/ that enhances the field, if any
    # Its typed answers are personal information (手机号码, 身份证号 ...): sealed at rest and
    # masked for staff, as those of a question staff mark 个人信息 are.
    personal: ClassVar[bool] = False

    def mask(self, text: str) -> str:
        """A personal answer as staff see it without the permission to reveal it."""
        return masking.mask_text(text)

    def generated_options(self, settings: Mapping[str, Any]) -> list[str] | None:
        """Option labels that follow from the settings (a scale's points), or None when the
        definition lists them."""
        return None

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        """Problems with type-specific settings as (key, message) pairs; kinds are checked."""
        return []

    def settings_from_labels(self, labels: list[str]) -> dict[str, Any]:
        """Settings read from the option lines of plain-text import, for a type without options
        (a scale's points); an empty mapping leaves them to be reported as unexpected."""
        return {"options": labels}

    def hint(self, question: Question) -> str:
        """A short instruction shown under the title, such as 最多选择 3 项."""
        return ""

    def field_names(self, question: Question) -> set[str]:
        """The form fields this question may post."""
        return {field_name(question)}

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        """Turn the posted values into answer rows (empty when unanswered).

        Raises ``AnswerError`` for a value the respondent should correct and ``MalformedPost``
        for a value no honest form could send.
        """
        raise NotImplementedError

    def tabulate(self, question: Question, counts: Counts) -> ResultTable | None:
        """The publication table from counts done in SQL; None for types without one."""
        return None

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        """A random valid answer (its rows), for demos and load tests; [] for no answer."""
        return []

    def export_text(
        self, question: Question, option: Option | None, text: str | None, number: float | None
    ) -> str:
        """One stored answer row as the response export shows it."""
        if option is not None:
            return option.label + (f"〖{text}〗" if text else "")
        if number is not None:
            return plain_number(number)
        return text or ""

    def export_columns(self, question: Question) -> list[str]:
        """Its columns' headings in a response export: one, "N、题目", unless the type gives
        each part of its answer a column of its own (a matrix row, a ranking place)."""
        return [f"{question.number}、{question.title}"]

    def export_cell(
        self,
        question: Question,
        option: Option | None,
        text: str | None,
        number: float | None,
        coded: bool = False,
    ) -> tuple[int, str]:
        """Which of its export columns one stored answer row goes to (from 0), and how it
        reads there; ``coded`` for the export by number, where ``option`` is labelled with its
        position already."""
        return 0, self.export_text(question, option, text, number)


def field_name(question: Question) -> str:
    return f"q{question.id}"


def fill_in_name(question: Question, option_id: int) -> str:
    return f"q{question.id}-o{option_id}"


def single_value(form: MultiDict[str, str], name: str) -> str:
    """The one value posted under ``name`` ("" when absent); several values are malformed."""
    values = form.getlist(name)
    if len(values) > 1:
        raise MalformedPost(f"{name}: several values")
    value = values[0] if values else ""
    if len(value) > HARD_VALUE_LIMIT:
        raise MalformedPost(f"{name}: value too long")
    return value.translate(INVISIBLE).strip()


def position(value: str, highest: int) -> int | None:
    """A posted place or column from 1 to ``highest``, or None when it is not one. ASCII digits
    only (``str.isdigit()`` also takes "²", which ``int()`` refuses), and no longer than
    ``highest`` is written: ``int()`` refuses more than 4,300 digits."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(highest)):
        return None
    number = int(value)
    return number if 1 <= number <= highest else None
