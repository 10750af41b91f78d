"""Figures of the staff's analysis beyond the result tables (which ``survey.publishing.charts``
draws): a cross-tabulation and the responses per day."""

from __future__ import annotations

import math
from datetime import date

from survey.publishing.charts import COLOURS, Figure, empty_figure, layout, palette, plain
from survey.surveys.results import CrossTab

DAY_MS = 24 * 3600 * 1000  # a date axis counts in milliseconds


def crosstab_data(table: CrossTab) -> Figure:
    """Grouped bars: for each row, the row percentage choosing each column (coloured along the
    scale when the columns are one)."""
    if not table.total:
        return empty_figure()
    rows = [plain(r.label) for r in table.rows]
    colours = palette(table.columns, table.columns_variable.ordered)
    traces = [
        {
            "type": "bar",
            "name": plain(column),
            "x": rows,
            "y": [float(r.cells[index][1].rstrip("%")) for r in table.rows],
            "marker": {"color": colours[index]},
            "hovertemplate": "%{x} · " + plain(column) + ": %{y}%<extra></extra>",
        }
        for index, column in enumerate(table.columns)
    ]
    grouped = layout(
        360,
        barmode="group",
        showlegend=True,
        margin={"l": 40, "r": 20, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
        xaxis={"type": "category"},
        yaxis={"ticksuffix": "%", "range": [0, 110]},  # room above a bar of 100%
    )
    return {"data": traces, "layout": grouped}


def timeline_data(days: list[tuple[date, int]]) -> Figure:
    """Responses per day as columns."""
    trace = {
        "type": "bar",
        "x": [day.isoformat() for day, _ in days],
        "y": [count for _, count in days],
        "marker": {"color": COLOURS[0]},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    most = max((count for _, count in days), default=0)
    daily = layout(
        240,
        margin={"l": 40, "r": 20, "t": 10, "b": 40},
        # Whole days and whole responses only: Plotly would otherwise put ticks between them
        # and label two of them with the same day or number.
        xaxis={"type": "date", "tickformat": "%m-%d", "dtick": DAY_MS * max(1, len(days) // 10)},
        yaxis={"rangemode": "tozero", "tickformat": "d", "dtick": max(1, math.ceil(most / 5))},
    )
    return {"data": [trace], "layout": daily}
