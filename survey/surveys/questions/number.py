from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.datastructures import MultiDict

from survey.core.i18n import _, _l
from survey.core.numbers import plain_number
from survey.surveys.questions.base import (
    AnswerError,
    AnswerRow,
    QuestionType,
    SampleRow,
    Setting,
    field_name,
    single_value,
)
from survey.surveys.questions.choice import skipped

if TYPE_CHECKING:
    from survey.surveys.models import Question


class Number(QuestionType):
    """填空题 that takes a number, optionally whole and within a range."""

    name = "number"
    report_label = "[填空题]"
    display_name = _l("数字填空")
    template = "surveys/questions/number.html"
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("min", float, _l("最小值")),
        Setting("max", float, _l("最大值")),
        Setting("integer", bool, _l("只能填整数")),
        Setting("unit", str, _l("单位")),
    )

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        low, high = settings.get("min"), settings.get("max")
        if low is not None and high is not None and low > high:
            return [("min", _("不能大于 max"))]
        return []

    def hint(self, question: Question) -> str:
        low, high = question.settings.get("min"), question.settings.get("max")
        if question.settings.get("integer"):
            if low is not None and high is not None:
                return _(
                    "请填写 %(low)s 到 %(high)s 之间的整数",
                    low=plain_number(low),
                    high=plain_number(high),
                )
            if low is not None:
                return _("请填写不小于 %(n)s 的整数", n=plain_number(low))
            if high is not None:
                return _("请填写不大于 %(n)s 的整数", n=plain_number(high))
            return _("请填写整数")
        if low is not None and high is not None:
            return _(
                "请填写 %(low)s 到 %(high)s 之间的数字",
                low=plain_number(low),
                high=plain_number(high),
            )
        if low is not None:
            return _("请填写不小于 %(n)s 的数字", n=plain_number(low))
        if high is not None:
            return _("请填写不大于 %(n)s 的数字", n=plain_number(high))
        return ""

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        raw = single_value(form, field_name(question)).replace(",", "").replace("，", "")
        if not raw:
            if question.required:
                raise AnswerError(_("请填写此项"))
            return []
        try:
            value = float(raw)
        except ValueError:
            raise AnswerError(_("请填写数字")) from None
        if not math.isfinite(value) or len(raw) > 30:
            raise AnswerError(_("请填写数字"))
        if question.settings.get("integer") and value != int(value):
            raise AnswerError(_("请填写整数"))
        low, high = question.settings.get("min"), question.settings.get("max")
        if low is not None and value < low:
            raise AnswerError(_("不能小于 %(n)s", n=plain_number(low)))
        if high is not None and value > high:
            raise AnswerError(_("不能大于 %(n)s", n=plain_number(high)))
        return [AnswerRow(question_id=question.id, number=value)]

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng):
            return []
        low = question.settings.get("min", 0.0)
        high = question.settings.get("max", low + 1000)
        value = rng.uniform(low, high)
        return [(None, None, float(round(value)) if question.settings.get("integer") else value)]
