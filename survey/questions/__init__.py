"""Registry of question types: adding a type means adding a module and registering it here."""

from __future__ import annotations

from survey.questions.base import (
    AnswerError,
    Counts,
    Grid,
    GridRow,
    MalformedAnswer,
    QuestionType,
    ResultRow,
    ResultTable,
    Setting,
    SummaryLine,
)
from survey.questions.dropdown import Dropdown
from survey.questions.multiple import MultipleChoice
from survey.questions.number import Number
from survey.questions.scale import NetPromoter, Scale
from survey.questions.single import SingleChoice
from survey.questions.text import ShortText
from survey.questions.textarea import LongText

REGISTRY: dict[str, QuestionType] = {
    kind.name: kind()
    for kind in (
        SingleChoice,
        MultipleChoice,
        Dropdown,
        ShortText,
        LongText,
        Number,
        Scale,
        NetPromoter,
    )
}


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]


__all__ = [
    "REGISTRY",
    "AnswerError",
    "Counts",
    "Grid",
    "GridRow",
    "MalformedAnswer",
    "QuestionType",
    "ResultRow",
    "ResultTable",
    "Setting",
    "SummaryLine",
    "get_type",
]
