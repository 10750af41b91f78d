"""比例 as the publication prints it: at most two decimals, trailing zeros dropped, half-up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(count: int, respondents: int) -> Decimal:
    """count / respondents in percent, half-up to two decimals; 0 when nobody answered."""
    if respondents <= 0:
        return Decimal(0)
    exact = Decimal(count) * 100 / Decimal(respondents)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_ratio(count: int, respondents: int) -> str:
    """1/3 -> "33.33%", 1/8 -> "12.5%", 1/4 -> "25%", 0/0 -> "0%"."""
    text = f"{percent(count, respondents):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
