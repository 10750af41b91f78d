from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.datastructures import MultiDict

from survey.core.i18n import _, _l
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

MAX_LENGTH_LIMIT = 10_000  # the longest fill-in staff may allow

if TYPE_CHECKING:
    from survey.surveys.models import Question


class ShortText(QuestionType):
    """填空题: one line of text."""

    name = "text"
    report_label = "[填空题]"
    display_name = _l("单行填空")
    template = "surveys/questions/text.html"
    default_max_length = 200
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("max_length", int, _l("最多字数")),
        Setting("placeholder", str, _l("提示文字")),
    )

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        limit = settings.get("max_length")
        if limit is not None and not 1 <= limit <= MAX_LENGTH_LIMIT:
            return [("max_length", _("应在 1 到 %(n)s 之间", n=MAX_LENGTH_LIMIT))]
        return []

    def max_length(self, question: Question) -> int:
        return question.settings.get("max_length") or self.default_max_length

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        # Browsers send a textarea's line breaks as \r\n but count them as one character.
        text = single_value(form, field_name(question)).replace("\r\n", "\n")
        if not text:
            if question.required:
                raise AnswerError(_("请填写此项"))
            return []
        if len(text) > self.max_length(question):
            raise AnswerError(
                _(
                    "最多填写 %(n)s 个字，当前 %(length)s 个字",
                    n=self.max_length(question),
                    length=len(text),
                )
            )
        return [AnswerRow(question_id=question.id, text=self.checked(text))]

    def checked(self, text: str) -> str:
        """The value as stored, once its form is checked (raises ``AnswerError``)."""
        return text

    # Short answers within the limit, optional ones half of the time.
    samples: ClassVar[tuple[str, ...]] = (
        "无",
        "希望加强政策宣传",
        "订单比去年有所增加",
        "物流成本偏高",
        "需要融资支持",
    )

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng, 0.5):
            return []
        return [(None, rng.choice(self.samples)[: self.max_length(question)], None)]
