"""多项填空题 (several labelled blanks in one question) and 说明文字 (a text without an answer)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from werkzeug.datastructures import MultiDict

from survey.core.i18n import _, _l
from survey.surveys.questions.base import (
    AnswerError,
    AnswerRow,
    QuestionType,
    SampleRow,
    fill_in_name,
    single_value,
)
from survey.surveys.questions.choice import skipped

if TYPE_CHECKING:
    from survey.surveys.models import Option, Question

BLANK_MAX_LENGTH = 200


class MultipleBlanks(QuestionType):
    """The blanks are the question's options; an answer is one filled blank (option and text)."""

    name = "blanks"
    report_label = "[多项填空题]"
    display_name = _l("多项填空题")
    template = "surveys/questions/blanks.html"
    has_options = True
    options_label = _l("填空项")

    def field_names(self, question: Question) -> set[str]:
        return {fill_in_name(question, blank.id) for blank in question.options}

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        answers = []
        for blank in question.options:
            text = single_value(form, fill_in_name(question, blank.id)).replace("\r\n", "\n")
            if not blank.is_active:
                continue  # retired while the form was open: nowhere left to keep it
            if len(text) > BLANK_MAX_LENGTH:
                raise AnswerError(
                    _("“%(label)s”最多 %(n)s 个字", label=blank.label, n=BLANK_MAX_LENGTH)
                )
            if question.required and not text:
                raise AnswerError(_("请填写“%(label)s”", label=blank.label))
            if text:
                answers.append(AnswerRow(question_id=question.id, option_id=blank.id, text=text))
        return answers

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng):
            return []
        return [
            (blank.id, f"{blank.label}{rng.randint(1, 99)}", None)
            for blank in question.active_options
        ]

    def export_text(
        self, question: Question, option: Option | None, text: str | None, number: float | None
    ) -> str:
        return f"{option.label if option else ''}：{text or ''}"


class Description(QuestionType):
    """说明文字: a heading or a paragraph between questions; nothing to answer, no number."""

    name = "description"
    report_label = "[说明文字]"
    display_name = _l("说明文字")
    template = "surveys/questions/description.html"
    answerable = False

    def field_names(self, question: Question) -> set[str]:
        return set()

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        return []


class PageBreak(QuestionType):
    """分页: the questions after it form a new page, under its title as the heading (if any).
    Its display condition (``show_if``) shows or hides that whole page."""

    name = "page"
    report_label = "[分页]"
    display_name = _l("分页")
    template = "surveys/questions/page.html"
    answerable = False
    title_required = False

    def field_names(self, question: Question) -> set[str]:
        return set()

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        return []
