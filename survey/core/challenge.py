"""防刷: a self-hosted question a person answers and a script posting in bulk must work out
("7 加 5 等于几？"), calling no outside service (Google reCAPTCHA is blocked in mainland China)
and working without JavaScript. The expected answer travels signed inside the form, bound to
that form's one-time key, so each solution serves one post and lapses after a while."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from survey.core.i18n import _, _l

LIFETIME_SECONDS = 4 * 3600  # time to read a long draft and write an opinion
# The numbers as words in the page's language (a script must read them, a person just does).
NUMBER_WORDS = (_l("一"), _l("二"), _l("三"), _l("四"), _l("五"), _l("六"), _l("七"), _l("八"),
                _l("九"))  # fmt: skip


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="survey.challenge")


def issue(secret_key: str, form_key: str) -> Challenge:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return Challenge(
        _asked(first, second), _serializer(secret_key).dumps([form_key, first, second])
    )


def _asked(first: int, second: int) -> str:
    return _("%(a)s 加 %(b)s 等于几？（请填阿拉伯数字）",
             a=NUMBER_WORDS[first - 1], b=NUMBER_WORDS[second - 1])  # fmt: skip


def _read(secret_key: str, token: str) -> tuple[str, int, int] | None:
    try:
        form_key, first, second = _serializer(secret_key).loads(token, max_age=LIFETIME_SECONDS)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    if not all(isinstance(n, int) and 1 <= n <= 9 for n in (first, second)):
        return None
    return str(form_key), first, second


def again(secret_key: str, form_key: str, token: str) -> Challenge | None:
    """The challenge ``token`` holds, to ask once more (the page comes back for another
    field's sake: a solved question is not swapped for a new one); None if it is not this
    form's, or has lapsed."""
    found = _read(secret_key, token)
    if found is None or found[0] != form_key:
        return None
    return Challenge(_asked(found[1], found[2]), token)


def solved(secret_key: str, form_key: str, token: str, answer: str) -> bool:
    """Whether ``answer`` solves the challenge issued in ``token`` for this form."""
    found = _read(secret_key, token)
    if found is None:
        return False
    issued_for, first, second = found
    given = answer.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return (
        issued_for == form_key and given.isdigit() and len(given) < 4
        and int(given) == first + second
    )  # fmt: skip
