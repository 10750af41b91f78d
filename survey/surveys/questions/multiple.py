from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.datastructures import MultiDict

from survey.core.i18n import _, _l
from survey.surveys.questions.base import AnswerError, AnswerRow, SampleRow, Setting
from survey.surveys.questions.choice import ChoiceType, skipped

if TYPE_CHECKING:
    from survey.surveys.models import Question


class MultipleChoice(ChoiceType):
    name = "multiple"
    report_label = "[多选题]"
    display_name = _l("多选题")
    template = "surveys/questions/multiple.html"
    settings: ClassVar[tuple[Setting, ...]] = (
        *ChoiceType.settings,
        Setting("min_choices", int, _l("最少选择几项")),
        Setting("max_choices", int, _l("最多选择几项")),
    )

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        problems = []
        low, high = settings.get("min_choices"), settings.get("max_choices")
        for key, value in (("min_choices", low), ("max_choices", high)):
            if value is not None and not 1 <= value <= option_count:
                problems.append((key, _("应在 1 到 %(n)s（选项数）之间", n=option_count)))
        if low is not None and high is not None and low > high:
            problems.append(("min_choices", _("不能大于 max_choices")))
        return problems

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        chosen = self.chosen_options(question, form)
        answers = self.answers_for(question, chosen, form)
        low = question.settings.get("min_choices")
        high = question.settings.get("max_choices")
        if not chosen:
            if question.required:
                raise AnswerError(_("请至少选择一项"))
            return []
        if low and len(chosen) < low:
            raise AnswerError(_("请至少选择 %(n)s 项", n=low))
        if high and len(chosen) > high:
            raise AnswerError(_("最多选择 %(n)s 项", n=high))
        return answers

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng):
            return []
        options = question.active_options
        low = question.settings.get("min_choices") or 1
        high = question.settings.get("max_choices") or min(len(options), 3)
        return [self.sample_row(o) for o in rng.sample(options, rng.randint(low, max(low, high)))]

    def hint(self, question: Question) -> str:
        low = question.settings.get("min_choices")
        high = question.settings.get("max_choices")
        if low and high:
            if low == high:
                return _("请选择 %(n)s 项", n=low)
            return _("请选择 %(low)s–%(high)s 项", low=low, high=high)
        if low:
            return _("至少选择 %(n)s 项", n=low)
        if high:
            return _("最多选择 %(n)s 项", n=high)
        return _("可多选")
