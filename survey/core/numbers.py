"""Numbers as the platform prints them: 比例 (at most two decimals, trailing zeros dropped,
rounded half-up), averages, and a plain number as a person writes it."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

_HUNDREDTHS = Decimal("0.01")


def percent(count: int, respondents: int) -> Decimal:
    """count / respondents in percent, half-up to two decimals; 0 when nobody answered."""
    if respondents <= 0:
        return Decimal(0)
    exact = Decimal(count) * 100 / Decimal(respondents)
    return exact.quantize(_HUNDREDTHS, rounding=ROUND_HALF_UP)


def format_ratio(count: int, respondents: int) -> str:
    """1/3 -> "33.33%", 1/8 -> "12.5%", 1/4 -> "25%", 0/0 -> "0%"."""
    text = f"{percent(count, respondents):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def mean(counts: Mapping[int, int], total: int) -> Decimal:
    """Σ value × count / total, half-up to two decimals (``counts``: value -> count)."""
    if total <= 0:
        return Decimal("0.00")
    exact = Decimal(sum(value * n for value, n in counts.items())) / Decimal(total)
    return exact.quantize(_HUNDREDTHS, rounding=ROUND_HALF_UP)


def plain_number(value: float) -> str:
    """12.0 -> "12", 12.5 -> "12.5", 1234567.5 -> "1234567.5": as typed, without exponents
    or a trailing ".0"."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def count_with_ratio(count: int, total: int) -> str:
    """A two-way table's cell as printed: "3(75%)"."""
    return f"{count}({format_ratio(count, total)})"
