"""Disclosure control for published results: small counts hidden, with the complementary cells
that would let a reader work them out. (Personal data in text is masked by
``survey.core.masking``.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

HIDDEN = "—"  # a count withheld so that a small one cannot be worked out


class Cell(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 0 .. k-1: printed "<k"
    COMPLEMENT = "complement"  # k or more, withheld to protect a small one: printed "—"
    WITHHELD = "withheld"  # the whole table is withheld: every cell printed "—"


@dataclass(frozen=True)
class Bounds:
    """What a reader knows of a question's counts besides the cells: their sum lies in
    ``[low, high]`` (a single choice: exactly the respondents; a multiple choice: between
    respondents × fewest and respondents × most choices), and no cell exceeds ``cap``."""

    low: int
    high: int
    cap: int

    @classmethod
    def single(cls, respondents: int) -> Bounds:
        return cls(respondents, respondents, respondents)

    @classmethod
    def multiple(cls, respondents: int, fewest: int, most: int) -> Bounds:
        return cls(respondents * fewest, respondents * most, respondents)


def reader_range(cell: Cell, count: int, k: int, cap: int) -> tuple[int, int]:
    """The values a reader can tell a cell holds from how it is printed."""
    if cell == Cell.SHOWN:
        return count, count
    if cell == Cell.SMALL:
        return 0, k - 1
    if cell == Cell.COMPLEMENT:
        return k, cap
    return 0, cap


def feasible(
    marks: Sequence[Cell], counts: Sequence[int], k: int, bounds: Bounds, index: int
) -> tuple[int, int]:
    """The smallest and largest value cell ``index`` can hold given every printed cell and the
    sum bounds. Each cell ranges over an interval, so the sums of the others fill an interval
    too, and the projection is exact."""
    ranges = [reader_range(m, c, k, bounds.cap) for m, c in zip(marks, counts, strict=True)]
    low, high = ranges[index]
    others_low = sum(r[0] for i, r in enumerate(ranges) if i != index)
    others_high = sum(r[1] for i, r in enumerate(ranges) if i != index)
    return max(low, bounds.low - others_high), min(high, bounds.high - others_low)


def _exposed(marks: list[Cell], counts: Sequence[int], k: int, bounds: Bounds) -> bool:
    """Whether some small count is pinned to one value by what is printed."""
    for index, mark in enumerate(marks):
        if mark == Cell.SMALL:
            low, high = feasible(marks, counts, k, bounds, index)
            if low >= high:
                return True
    return False


def suppress(counts: Sequence[int], k: int, bounds: Bounds) -> list[Cell]:
    """How each count of one question's table is printed under a minimum cell size ``k``.

    Counts below k (zero too: "nobody chose it" is as telling as "one did") are hidden as "<k".
    While a reader could still work one of them out from 本题有效填写人次 and the other cells,
    the smallest count of k or more is withheld as well; if that is not enough, the whole table
    is withheld. A k of 1 hides nothing."""
    if k <= 1:
        return [Cell.SHOWN] * len(counts)
    marks = [Cell.SMALL if count < k else Cell.SHOWN for count in counts]
    if Cell.SMALL not in marks:
        return marks
    candidates = sorted((c, i) for i, c in enumerate(counts) if c >= k)
    while _exposed(marks, counts, k, bounds):
        if not candidates:
            return [Cell.WITHHELD] * len(counts)
        marks[candidates.pop(0)[1]] = Cell.COMPLEMENT
    return marks
