"""填空题 kinds that ask for a person's own details: a name, a 公民身份号码, an address. Like
手机号码 and 电子邮箱, their answers are personal information: sealed at rest, masked for
staff (survey.surveys.personal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from survey.core import identifiers, masking
from survey.core.i18n import _, _l
from survey.surveys.questions.base import AnswerError
from survey.surveys.questions.formatted import FormattedText

if TYPE_CHECKING:
    from survey.surveys.models import Question

NAME_MAX_LENGTH = 40
ADDRESS_MAX_LENGTH = 200


class PersonName(FormattedText):
    name = "person_name"
    display_name = _l("姓名")
    autocomplete = "name"
    personal = True
    samples = ("张三", "李晓明", "王芳")

    def check(self, text: str) -> str:
        text = text.strip()
        if len(text) > NAME_MAX_LENGTH:
            raise AnswerError(_("姓名最多 %(n)s 个字", n=NAME_MAX_LENGTH))
        return text

    def mask(self, text: str) -> str:
        return masking.mask_name(text)


class IdNumber(FormattedText):
    name = "id_number"
    display_name = _l("身份证号")
    personal = True
    samples = ("11010519491231002X", "370102199003070016")

    def hint(self, question: Question) -> str:
        return _("18 位，末位可为 X")

    def check(self, text: str) -> str:
        number = identifiers.normal_id_number(text)
        if len(number) != 18:
            raise AnswerError(_("身份证号应为 18 位，当前 %(n)s 位", n=len(number)))
        if not identifiers.is_id_number(number):
            raise AnswerError(_("身份证号校验不通过，请核对是否有输错的数字"))
        return number

    def mask(self, text: str) -> str:
        return masking.mask_id_number(text)


class Address(FormattedText):
    name = "address"
    display_name = _l("地址")
    autocomplete = "street-address"
    personal = True
    input_max_length = ADDRESS_MAX_LENGTH
    samples = ("济南市历下区泉城路 1 号", "青岛市市南区香港中路 10 号")

    def check(self, text: str) -> str:
        text = text.strip()
        if len(text) > ADDRESS_MAX_LENGTH:
            raise AnswerError(_("地址最多 %(n)s 个字", n=ADDRESS_MAX_LENGTH))
        return text
