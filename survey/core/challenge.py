"""防刷: a self-hosted question a person answers and a script posting in bulk must work out
("7 加 5 等于几？"), calling no outside service (Google reCAPTCHA is blocked in mainland China)
and working without JavaScript. The expected answer travels signed inside the form, bound to
that form's one-time key, so each solution serves one post and lapses after a while."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from survey.core.i18n import _

LIFETIME_SECONDS = 4 * 3600  # time to read a long draft and write an opinion
NUMERALS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="survey.challenge")


def issue(secret_key: str, form_key: str) -> Challenge:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    question = _("%(a)s 加 %(b)s 等于几？（请填阿拉伯数字）", a=NUMERALS[first], b=NUMERALS[second])
    return Challenge(question, _serializer(secret_key).dumps([form_key, first + second]))


def solved(secret_key: str, form_key: str, token: str, answer: str) -> bool:
    """Whether ``answer`` solves the challenge issued in ``token`` for this form."""
    try:
        issued_for, expected = _serializer(secret_key).loads(token, max_age=LIFETIME_SECONDS)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return False
    given = answer.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return issued_for == form_key and given.isdigit() and len(given) < 4 and int(given) == expected
