"""Plotly figures from result tables, as the plain data Plotly.js draws: the browser renders them
with the app's own plotly.min.js. Built as dicts rather than through plotly.graph_objects, whose
validation costs milliseconds per figure on every results page."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from survey.questions import ResultTable, get_type
from survey.results import CrossTab

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
COLOURS = [
    "#1f5fa8",
    "#e07b39",
    "#3a9d5d",
    "#c0392b",
    "#8e6bbf",
    "#7f8c8d",
    "#d4a017",
    "#16a2b8",
    "#6b8e23",
    "#b5651d",
    "#4b0082",
    "#2f4f4f",
    "#d1477a",
    "#5f9ea0",
    "#8b4513",
    "#483d8b",
]
# Pie slices stop being readable past a handful of options; a bar chart then.
PIE_MAX_OPTIONS = 6

Figure = dict[str, Any]


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    return {
        "height": height,
        "margin": {"l": 10, "r": 30, "t": 10, "b": 10},
        "font": {"family": FONT, "size": 14},
        "showlegend": False,
        "separators": ".,",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        **extra,
    }


def figure_data(table: ResultTable) -> Figure:
    """The figure the question's type asks for (``QuestionType.chart``).

    Plotly reads tags in text as markup (<b>, <a href>): labels are people's words, so they are
    escaped and shown as written."""
    return FIGURES[get_type(table.question.type).chart](table)


def _pie(table: ResultTable) -> Figure:
    """Pie for a single choice of few options, bars otherwise."""
    if len(table.rows) > PIE_MAX_OPTIONS or not table.respondents:
        return _bars(table)
    # Zero slices have no area, only labels that collide; the table lists them anyway.
    shown = [(index, row) for index, row in enumerate(table.rows) if row.count]
    trace = {
        "type": "pie",
        "labels": [html.escape(row.label) for _, row in shown],
        "values": [row.count for _, row in shown],
        "text": [f"{html.escape(row.label)}<br>{row.ratio}" for _, row in shown],
        "sort": False,
        "marker": {"colors": [COLOURS[index % len(COLOURS)] for index, _ in shown]},
        "textinfo": "text",
        "textposition": "inside",
        "insidetextorientation": "horizontal",
        "hovertemplate": "%{label}: %{value}<extra></extra>",
    }
    return {"data": [trace], "layout": _layout(280)}


def _bars(table: ResultTable) -> Figure:
    """Horizontal bars (multiple choice always: its percentages add up past 100%, which a pie
    would misrepresent)."""
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [row.percent for row in table.rows],
        "y": [html.escape(row.label) for row in table.rows],
        "marker": {"color": COLOURS[0]},
        "text": [f"{row.count} ({row.ratio})" for row in table.rows],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    layout = _layout(
        80 + 36 * len(table.rows),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"ticksuffix": "%", "range": [0, 100], "automargin": True},
    )
    return {"data": [trace], "layout": layout}


def _columns(table: ResultTable) -> Figure:
    """Vertical bars in the order of the scale's points: the shape of the distribution. The
    axis shows the points alone ("1", not "1（非常不满意）"), which keeps 11 of them upright."""
    trace = {
        "type": "bar",
        "x": [html.escape(row.label.partition("（")[0]) for row in table.rows],
        "y": [row.percent for row in table.rows],
        "marker": {"color": COLOURS[0]},
        "text": [f"{row.count} ({row.ratio})" for row in table.rows],
        "textposition": "auto",
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    layout = _layout(
        260,
        margin={"l": 30, "r": 10, "t": 10, "b": 10},
        xaxis={"type": "category", "automargin": True},
        yaxis={"ticksuffix": "%", "range": [0, 100], "automargin": True},
    )
    return {"data": [trace], "layout": layout}


def _stacked(table: ResultTable) -> Figure:
    """A matrix: one bar per row, split by column share, so rows compare at a glance."""
    grid = table.grid
    assert grid is not None
    rows = [html.escape(row.label) for row in grid.rows]
    width = len(grid.rows[0].percents) if grid.rows else 0  # columns after it are figures
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": html.escape(column),
            "x": [row.percents[index] for row in grid.rows],
            "y": rows,
            "marker": {"color": COLOURS[index % len(COLOURS)]},
            "hovertemplate": "%{y} · " + html.escape(column) + ": %{x}%<extra></extra>",
        }
        for index, column in enumerate(grid.columns[:width])
    ]
    layout = _layout(
        120 + 40 * len(rows),
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"ticksuffix": "%", "automargin": True},
    )
    return {"data": traces, "layout": layout}


def _scores(table: ResultTable) -> Figure:
    """Ranking: the options by 平均综合得分, highest first as in the table."""
    grid = table.grid
    assert grid is not None
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [row.score for row in grid.rows],
        "y": [html.escape(row.label) for row in grid.rows],
        "marker": {"color": COLOURS[0]},
        "text": [f"{row.score:.2f}" for row in grid.rows],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    layout = _layout(
        80 + 36 * len(grid.rows),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"rangemode": "tozero", "automargin": True},
    )
    return {"data": [trace], "layout": layout}


FIGURES: dict[str, Callable[[ResultTable], Figure]] = {
    "pie": _pie,
    "bars": _bars,
    "columns": _columns,
    "stacked": _stacked,
    "scores": _scores,
}


def crosstab_data(table: CrossTab) -> Figure:
    """Grouped bars: for each row option, the row percentage choosing each column option."""
    rows = [html.escape(r.option.label) for r in table.rows]
    traces = [
        {
            "type": "bar",
            "name": html.escape(column.label),
            "x": rows,
            "y": [float(r.cells[index][1].rstrip("%")) for r in table.rows],
            "marker": {"color": COLOURS[index % len(COLOURS)]},
            "hovertemplate": "%{x} · " + html.escape(column.label) + ": %{y}%<extra></extra>",
        }
        for index, column in enumerate(table.columns)
    ]
    layout = _layout(
        360,
        barmode="group",
        showlegend=True,
        margin={"l": 40, "r": 20, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"ticksuffix": "%", "rangemode": "tozero"},
    )
    return {"data": traces, "layout": layout}
