"""What single choice, multiple choice and dropdown share: options, 其他____ fill-ins, the table."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar

from werkzeug.datastructures import MultiDict

from survey.core.errors import MalformedPost
from survey.core.i18n import _, _l
from survey.publishing.documents import Row
from survey.surveys.questions.base import (
    AnswerError,
    AnswerRow,
    Counts,
    QuestionType,
    ResultTable,
    SampleRow,
    Setting,
    field_name,
    fill_in_name,
    single_value,
)

if TYPE_CHECKING:
    from survey.surveys.models import Option, Question

FILL_IN_MAX_LENGTH = 200


def option_rows(
    question: Question,
    option_counts: Mapping[int, int],
    respondents: int,
    label: Callable[[Option], str] = attrgetter("label"),
) -> list[Row]:
    """选项 | 小计 | 比例 rows. Retired options stay in the table while they hold answers:
    published numbers never move."""
    return [
        Row.counted(label(option), option_counts.get(option.id, 0), respondents)
        for option in question.options
        if option.is_active or option_counts.get(option.id, 0)
    ]


SHUFFLE = Setting("shuffle", bool, _l("选项随机排序（“其他”留在最后）"))


class ChoiceType(QuestionType):
    has_options = True
    filterable = True
    chooses_options = True
    settings: ClassVar[tuple[Setting, ...]] = (SHUFFLE,)

    def field_names(self, question: Question) -> set[str]:
        names = {field_name(question)}
        names.update(fill_in_name(question, o.id) for o in question.options if o.fill_in)
        return names

    def chosen_options(self, question: Question, form: MultiDict[str, str]) -> list[Option]:
        """The options posted for this question, each checked to belong to it and be on offer."""
        values = form.getlist(field_name(question))
        if not values:
            return []
        # One pass over the options: this runs for every question of every submission.
        options = {str(option.id): option for option in question.options}
        chosen = []
        for value in values:
            if value == "" and not self.allows_empty_value:
                raise MalformedPost(f"{field_name(question)}: empty option")
            if value == "":
                continue
            option = options.get(value)
            if option is None:
                raise MalformedPost(f"{field_name(question)}: option {value[:20]!r} not offered")
            if not option.is_active:
                # Withdrawn by staff while this respondent was filling in the form.
                raise AnswerError(_("“%(label)s”已不再提供，请重新选择", label=option.label))
            chosen.append(option)
        if len({option.id for option in chosen}) != len(chosen):
            raise MalformedPost(f"{field_name(question)}: option repeated")
        return chosen

    # A <select> posts "" for its placeholder; radio buttons and checkboxes never post "".
    allows_empty_value = False

    def sample_row(self, option: Option) -> SampleRow:
        return (option.id, "其他情况" if option.fill_in else None, None)

    def answers_for(
        self, question: Question, chosen: list[Option], form: MultiDict[str, str]
    ) -> list[AnswerRow]:
        chosen_ids = {option.id for option in chosen}
        texts = {}
        for option in question.options:
            if not option.fill_in or not option.is_active:
                continue
            text = single_value(form, fill_in_name(question, option.id))
            if len(text) > FILL_IN_MAX_LENGTH:
                raise AnswerError(
                    _("“%(label)s”的内容最多 %(n)s 个字", label=option.label, n=FILL_IN_MAX_LENGTH)
                )
            if text and option.id not in chosen_ids:
                raise AnswerError(
                    _("填写了“%(label)s”的内容，请同时选择“%(label)s”", label=option.label)
                )
            if option.id in chosen_ids and not text:
                raise AnswerError(_("请注明“%(label)s”的具体内容", label=option.label))
            texts[option.id] = text or None
        return [
            AnswerRow(question_id=question.id, option_id=option.id, text=texts.get(option.id))
            for option in chosen
        ]

    def tabulate(self, question: Question, counts: Counts) -> ResultTable:
        return ResultTable(
            question=question,
            rows=option_rows(question, counts.options, counts.respondents),
            respondents=counts.respondents,
        )


class OneOfChoice(ChoiceType):
    """Exactly one option (or none when not required)."""

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        chosen = self.chosen_options(question, form)
        if len(chosen) > 1:
            raise MalformedPost(f"{field_name(question)}: several options for one choice")
        answers = self.answers_for(question, chosen, form)
        if question.required and not chosen:
            raise AnswerError(_("请选择一项"))
        return answers

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng):
            return []
        return [self.sample_row(rng.choice(question.active_options))]


def skipped(question: Question, rng: random.Random, chance: float = 0.15) -> bool:
    """Whether a generated respondent leaves an optional question out."""
    return not question.required and rng.random() < chance
