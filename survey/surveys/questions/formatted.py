"""填空题 kinds whose value has a known form: a date, an e-mail address, a mainland mobile number,
a 统一社会信用代码. Each checks and normalises the value; like every fill-in, none is published."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from survey.core import identifiers, masking
from survey.core.i18n import _, _l
from survey.surveys.questions.base import AnswerError, Setting
from survey.surveys.questions.text import ShortText

if TYPE_CHECKING:
    from survey.surveys.models import Question

# ASCII digits ([0-9], not \d, which takes any script's digits).
DATE = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class FormattedText(ShortText):
    template = "surveys/questions/formatted.html"
    settings: ClassVar[tuple[Setting, ...]] = ()

    def script_messages(self) -> dict[str, str]:
        """Messages for the type's script, if it has one."""
        return {}

    def checked(self, text: str) -> str:
        # A Chinese input method may type full-width characters: １３８, Ａ, ＠ read as 138, A, @.
        return self.check(unicodedata.normalize("NFKC", text))

    def check(self, text: str) -> str:
        """The value as stored, once its form is checked (raises ``AnswerError``)."""
        raise NotImplementedError

    input_type = "text"
    inputmode = "text"
    autocomplete = "off"
    input_max_length = 40  # what the box accepts: the value plus spaces people type


class DateField(FormattedText):
    name = "date"
    display_name = _l("日期")
    input_type = "date"
    samples = ("2003-05-09", "2016-11-20", "2021-03-01")

    def hint(self, question: Question) -> str:
        return _("格式：2024-05-01")

    def check(self, text: str) -> str:
        match = DATE.match(text) or COMPACT_DATE.match(text)
        try:
            if match is None:
                raise ValueError(text)
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            raise AnswerError(_("请填写有效的日期，如 2024-05-01")) from None
        return day.isoformat()


class Email(FormattedText):
    name = "email"
    display_name = _l("电子邮箱")
    input_type = "email"
    inputmode = "email"
    autocomplete = "email"
    samples = ("info@example.com", "trade@example.cn")
    input_max_length = 254
    personal = True

    def mask(self, text: str) -> str:
        return masking.mask_email(text)

    def check(self, text: str) -> str:
        text = text.replace("。", ".")
        if len(text) > self.input_max_length or not EMAIL.match(text):
            raise AnswerError(_("请填写有效的电子邮箱，如 name@example.com"))
        return text


class Mobile(FormattedText):
    name = "mobile"
    display_name = _l("手机号码")
    input_type = "tel"
    inputmode = "numeric"
    autocomplete = "tel-national"
    samples = ("13812345678", "15905351234")
    personal = True

    def mask(self, text: str) -> str:
        return masking.mask_mobile(text)

    def check(self, text: str) -> str:
        digits = identifiers.normal_mobile(text)
        if not identifiers.is_mobile(digits):
            raise AnswerError(_("请填写 11 位手机号码，如 13812345678"))
        return digits


class CreditCode(FormattedText):
    """统一社会信用代码: 18 characters whose last one checks the others, so a mistyped code is
    caught while the enterprise is still at the form."""

    name = "credit_code"
    display_name = _l("统一社会信用代码")
    samples = ("91350100M000100Y43", "91110000600037341L")
    script = "js/credit-code.js"

    def hint(self, question: Question) -> str:
        return _("18 位，见营业执照")

    def script_messages(self) -> dict[str, str]:
        """The messages credit-code.js shows while the enterprise types, as data attributes."""
        return {
            "wrong-length": _("统一社会信用代码应为 18 位，当前 %(n)s 位", n="{n}"),
            "wrong-character": _("统一社会信用代码含有不会出现的字符（如 I、O、S、V、Z），请核对"),
            "wrong-check": _("统一社会信用代码校验不通过，请核对是否有输错的字符"),
        }

    def check(self, text: str) -> str:
        code = identifiers.normal_credit_code(text)
        if len(code) != identifiers.CREDIT_CODE_LENGTH:
            raise AnswerError(_("统一社会信用代码应为 18 位，当前 %(n)s 位", n=len(code)))
        if not identifiers.has_credit_code_characters(code):
            raise AnswerError(_("统一社会信用代码含有不会出现的字符（如 I、O、S、V、Z），请核对"))
        if not identifiers.is_credit_code(code):
            raise AnswerError(_("统一社会信用代码校验不通过，请核对是否有输错的字符"))
        return code
