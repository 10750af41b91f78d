"""Registry of question types: adding a type means adding a module and registering it here."""

from __future__ import annotations

from survey.questions.base import (
    AnswerError,
    AnswerRow,
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
from survey.questions.blanks import Description, MultipleBlanks, PageBreak
from survey.questions.dropdown import Dropdown
from survey.questions.formatted import CreditCode, DateField, Email, Mobile
from survey.questions.matrix import Matrix, MatrixMultiple, MatrixScale
from survey.questions.multiple import MultipleChoice
from survey.questions.number import Number
from survey.questions.ranking import Ranking
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
        DateField,
        Email,
        Mobile,
        CreditCode,
        MultipleBlanks,
        Scale,
        NetPromoter,
        Matrix,
        MatrixScale,
        MatrixMultiple,
        Ranking,
        Description,
        PageBreak,
    )
}


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]


__all__ = [
    "REGISTRY",
    "AnswerError",
    "AnswerRow",
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
