"""Freezing a result table for the public: counts under the minimum cell size hidden (with
their complements), personal data masked in labels, and the figures under the table dropped when
they could give a hidden count away."""

from __future__ import annotations

from survey.core.masking import mask_personal
from survey.publishing.disclosure import HIDDEN, Bounds, Cell, suppress
from survey.publishing.documents import Chart, Grid, GridRow, QuestionResult, Row, SummaryLine


def freeze_question(
    *,
    number: int,
    key: str,
    title: str,
    type: str,
    label: str,
    chart: Chart,
    rows: list[Row],
    grid: Grid | None,
    summary: list[SummaryLine],
    respondents: int,
    bounds: Bounds,
    k: int = 1,
    masked: bool = False,
    ordered: bool = False,
) -> QuestionResult:
    """One question's table as published under a minimum cell size ``k``; ``masked`` masks
    personal data in its title and labels; ``ordered`` says its options are a scale's points."""
    head = QuestionResult(
        number=number,
        key=key,
        title=mask_personal(title) if masked else title,
        type=type,
        label=label,
        chart=chart,
        ordered=ordered,
        respondents=respondents,
    )
    if grid is not None:
        # A two-way table's cells have no suppression of their own: with a minimum cell size
        # above 1 it is withheld whole.
        withheld = k > 1
        return head.model_copy(
            update={
                "rows": [],
                "grid": None if withheld else _masked_grid(grid, masked),
                "summary": [] if withheld else summary,
                "withheld": withheld,
            }
        )
    counts = [row.count or 0 for row in rows]
    marks = suppress(counts, k, bounds)
    frozen = []
    for row, mark in zip(rows, marks, strict=True):
        shown = mark == Cell.SHOWN
        frozen.append(
            Row(
                label=mask_personal(row.label) if masked else row.label,
                count=row.count if shown else None,
                shown=row.shown if shown else f"<{k}" if mark == Cell.SMALL else HIDDEN,
                ratio=row.ratio if shown else HIDDEN,
                percent=row.percent if shown else None,
            )
        )
    suppressed = any(mark != Cell.SHOWN for mark in marks)
    return head.model_copy(
        update={
            "rows": frozen,
            # An average or NPS value over hidden counts could give them away: not printed then.
            "summary": [] if suppressed else summary,
            "suppressed": suppressed,
            "withheld": Cell.WITHHELD in marks,
        }
    )


def _masked_grid(grid: Grid, masked: bool) -> Grid:
    if not masked:
        return grid
    return Grid(
        corner=grid.corner,
        columns=[mask_personal(column) for column in grid.columns],
        rows=[
            GridRow(
                label=mask_personal(row.label),
                cells=row.cells,
                percents=row.percents,
                score=row.score,
            )
            for row in grid.rows
        ],
    )
