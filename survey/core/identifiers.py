"""Identifiers people type into forms and lists, each read and checked by one rule: the
统一社会信用代码 of an enterprise (GB 32100-2015), a mainland mobile number and a 公民身份号码."""

from __future__ import annotations

import re
import unicodedata

# The characters of a 统一社会信用代码 (no I, O, S, V, Z) and the weights of the first 17 in
# its check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
_CREDIT_CODE = re.compile(rf"^[{CREDIT_CODE_ALPHABET}]{{{CREDIT_CODE_LENGTH}}}$")
_CREDIT_CODE_SEPARATORS = re.compile(r"[\s-]")

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only ([0-9], not \d)
_MOBILE_SEPARATORS = re.compile(r"[\s\-()（）]")


def normal_credit_code(text: str) -> str:
    """The code as stored: full-width characters read as ASCII (a Chinese input method types
    them), spaces and hyphens dropped, upper case."""
    text = unicodedata.normalize("NFKC", text)
    return _CREDIT_CODE_SEPARATORS.sub("", text).upper()


def credit_code_check_character(code: str) -> str:
    """The 18th character of a 统一社会信用代码 computed from its first 17."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w
        for c, w in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def has_credit_code_characters(code: str) -> bool:
    """18 characters of the code's alphabet (the check character aside)."""
    return bool(_CREDIT_CODE.match(code))


def is_credit_code(code: str) -> bool:
    """A normalised code of 18 characters whose check character is right."""
    return has_credit_code_characters(code) and credit_code_check_character(code) == code[17]


def normal_mobile(text: str) -> str:
    """13800138000 from "138 0013 8000", "138-0013-8000", "+86 13800138000", "8613800138000"
    or full-width digits; anything else comes back cleaned but unchanged otherwise."""
    digits = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_mobile(digits: str) -> bool:
    """A normalised mainland mobile number: 1, then 3–9, then nine digits."""
    return bool(MOBILE.match(digits))


# 公民身份号码 (GB 11643-1999): 17 digits and a check character by ISO 7064 MOD 11-2.
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normal_id_number(text: str) -> str:
    """The number as stored: full-width read as ASCII, spaces dropped, x as X."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).upper()


def is_id_number(number: str) -> bool:
    """Whether ``number`` is 18 characters whose last checks the first 17."""
    if not ID_NUMBER.match(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]
