"""The interface every question type implements.

A type knows its name in the definition format, its report label, how its field is rendered (a
template partial), which type-specific settings it takes, how a submitted value is parsed and
validated into ``Answer`` rows, and how its counts become a result table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from survey.models import Answer, Question

# No single value may be longer than this, whatever the question allows: anything longer is not
# a person typing but a malformed or hostile post.
HARD_VALUE_LIMIT = 20_000
# Zero-width characters that a paste may carry: a value made only of them is empty.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


class AnswerError(Exception):
    """A value the respondent can correct: shown beside the field, the page keeps every answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedAnswer(Exception):
    """A post no form of ours produces (unknown option, several values for one): refused, 400."""


@dataclass(frozen=True)
class Setting:
    """A type-specific setting in the definition format: its key, value kind and meaning."""

    key: str
    kind: type  # int, float, bool or str
    label: str


@dataclass
class ResultRow:
    label: str
    count: int
    ratio: str  # formatted, e.g. "33.33%"
    percent: float  # for the bar in the 比例 cell and the chart


@dataclass
class ResultTable:
    """One question's publication table: 选项 | 小计 | 比例 and 本题有效填写人次."""

    question: Question
    rows: list[ResultRow]
    respondents: int


class QuestionType:
    name: ClassVar[str]  # key in the definition format: "single"
    report_label: ClassVar[str]  # "[单选题]"
    display_name: ClassVar[str]  # "单选题", for staff
    template: ClassVar[str]  # partial under templates/questions/
    has_options: ClassVar[bool] = False
    settings: ClassVar[tuple[Setting, ...]] = ()

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        """Problems with type-specific settings as (key, message) pairs; kinds are checked."""
        return []

    def hint(self, question: Question) -> str:
        """A short instruction shown under the title, such as 最多选择 3 项."""
        return ""

    def field_names(self, question: Question) -> set[str]:
        """The form fields this question may post."""
        return {field_name(question)}

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[Answer]:
        """Turn the posted values into answer rows (empty when unanswered).

        Raises ``AnswerError`` for a value the respondent should correct and ``MalformedAnswer``
        for a value no honest form could send.
        """
        raise NotImplementedError

    def tabulate(
        self, question: Question, option_counts: Mapping[int, int], respondents: int
    ) -> ResultTable | None:
        """The publication table from counts done in SQL; None for types without one."""
        return None


def field_name(question: Question) -> str:
    return f"q{question.id}"


def fill_in_name(question: Question, option_id: int) -> str:
    return f"q{question.id}-o{option_id}"


def single_value(form: MultiDict[str, str], name: str) -> str:
    """The one value posted under ``name`` ("" when absent); several values are malformed."""
    values = form.getlist(name)
    if len(values) > 1:
        raise MalformedAnswer(f"{name}: several values")
    value = values[0] if values else ""
    if len(value) > HARD_VALUE_LIMIT:
        raise MalformedAnswer(f"{name}: value too long")
    return value.translate(INVISIBLE).strip()
