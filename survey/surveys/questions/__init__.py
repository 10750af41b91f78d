"""Registry of question types: adding a type means adding a module and registering it here."""

from __future__ import annotations

from survey.surveys.questions.base import (
    AnswerError,
    AnswerRow,
    Counts,
    QuestionType,
    ResultTable,
    Setting,
)
from survey.surveys.questions.blanks import Description, MultipleBlanks, PageBreak
from survey.surveys.questions.dropdown import Dropdown
from survey.surveys.questions.formatted import CreditCode, DateField, Email, Mobile
from survey.surveys.questions.matrix import Matrix, MatrixMultiple, MatrixScale
from survey.surveys.questions.multiple import MultipleChoice
from survey.surveys.questions.number import Number
from survey.surveys.questions.personal import Address, IdNumber, PersonName
from survey.surveys.questions.ranking import Ranking
from survey.surveys.questions.scale import NetPromoter, Scale
from survey.surveys.questions.single import SingleChoice
from survey.surveys.questions.text import ShortText
from survey.surveys.questions.textarea import LongText

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
        PersonName,
        IdNumber,
        Address,
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
    "QuestionType",
    "ResultTable",
    "Setting",
    "get_type",
]
