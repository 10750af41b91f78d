"""Registry of question types: adding a type means adding a module and registering it here."""

from __future__ import annotations

from survey.questions.base import (
    AnswerError,
    MalformedAnswer,
    QuestionType,
    ResultRow,
    ResultTable,
    Setting,
)
from survey.questions.dropdown import Dropdown
from survey.questions.multiple import MultipleChoice
from survey.questions.number import Number
from survey.questions.single import SingleChoice
from survey.questions.text import ShortText
from survey.questions.textarea import LongText

REGISTRY: dict[str, QuestionType] = {
    kind.name: kind()
    for kind in (SingleChoice, MultipleChoice, Dropdown, ShortText, LongText, Number)
}


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]


__all__ = [
    "REGISTRY",
    "AnswerError",
    "MalformedAnswer",
    "QuestionType",
    "ResultRow",
    "ResultTable",
    "Setting",
    "get_type",
]
