"""Plotly figures from result tables, as the plain data Plotly.js draws: the browser renders them
with the app's own plotly.min.js. Built as dicts rather than through plotly.graph_objects, whose
validation costs milliseconds per figure on every results page."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import plotly
from flask_babel import lazy_gettext as _l

from survey.questions import Grid, GridRow, ResultTable, get_type
from survey.results import CrossTab

# The app serves Plotly itself (no CDN) and inlines it in printed pages.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
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
DAY_MS = 24 * 3600 * 1000  # a date axis counts in milliseconds
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


# The chart-type switch of the staff report, in the order wjx shows it.
CHART_KINDS = {
    "table": _l("表格"),
    "pie": _l("饼状"),
    "doughnut": _l("圆环"),
    "column": _l("柱状"),
    "bar": _l("条形"),
    "line": _l("折线"),
    "stacked": _l("堆积条形"),  # a matrix: each row split by its columns' shares
    "scores": _l("综合得分"),  # a ranking: the options by 平均综合得分
}
PARTS_OF_A_WHOLE = ("pie", "doughnut")
ONE_WAY_KINDS = ("table", "pie", "doughnut", "column", "bar", "line")


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    ratio: str
    percent: float


def chart_kinds(question_type: str) -> list[str]:
    """The kinds offered for a question: a two-way table (matrix, ranking) has its own figure;
    parts of a whole only for one answer per respondent, since a multiple choice's percentages
    add up past 100%, which a pie would misrepresent."""
    chart = get_type(question_type).chart
    if chart in TWO_WAY_FIGURES:
        return ["table", chart]
    whole = chart in ("pie", "columns")
    return [kind for kind in ONE_WAY_KINDS if whole or kind not in PARTS_OF_A_WHOLE]


def default_kind(question_type: str, options: int, respondents: int) -> str:
    """The type's own figure: a pie for a single choice of few options, columns for a scale's
    points in order, horizontal bars otherwise."""
    chart = get_type(question_type).chart
    if chart in TWO_WAY_FIGURES:
        return chart
    if chart == "pie" and options <= PIE_MAX_OPTIONS and respondents:
        return "pie"
    return "column" if chart == "columns" else "bar"


def resolve_kind(question_type: str, kind: str | None, options: int, respondents: int) -> str:
    """The kind asked for if this question offers it, else its default."""
    if kind is not None and kind in chart_kinds(question_type):
        return kind
    return default_kind(question_type, options, respondents)


def figure_data(table: ResultTable, kind: str | None = None) -> Figure | None:
    """The figure of a result table in ``kind`` (default: ``default_kind``); None for 表格."""
    kind = resolve_kind(table.question.type, kind, len(table.rows), table.respondents)
    if kind in TWO_WAY_FIGURES:
        return TWO_WAY_FIGURES[kind](table.grid) if table.grid else None
    bars = [Bar(row.label, row.count, row.ratio, row.percent) for row in table.rows]
    return _figure(bars, kind)


def document_figure(item: dict[str, Any]) -> Figure | None:
    """The figure of a published table: its shown counts only, so a chart cannot give away a
    hidden one (and no pie, whose slices would)."""
    if item.get("withheld"):
        return None
    if item.get("grid"):
        grid = Grid(
            corner=item["grid"]["corner"],
            columns=item["grid"]["columns"],
            rows=[GridRow(**row) for row in item["grid"]["rows"]],
        )
        return TWO_WAY_FIGURES[default_kind(item["type"], 0, item["respondents"])](grid)
    bars = [
        Bar(row["label"], row["count"], row["ratio"], row["percent"])
        for row in item["rows"]
        if row["count"] is not None
    ]
    if item["suppressed"]:
        return _figure(bars, "bar")
    return _figure(bars, default_kind(item["type"], len(bars), item["respondents"]))


def _figure(bars: list[Bar], kind: str) -> Figure | None:
    if kind == "table":
        return None
    # Plotly reads tags in text as markup (<b>, <a href>): labels are people's words, so they
    # are escaped and shown as written.
    labels = [html.escape(bar.label) for bar in bars]
    if kind in PARTS_OF_A_WHOLE:
        # Zero slices have no area, only labels that collide; the table lists them anyway.
        shown = [(index, bar) for index, bar in enumerate(bars) if bar.count]
        trace = {
            "type": "pie",
            "labels": [labels[index] for index, _ in shown],
            "values": [bar.count for _, bar in shown],
            "text": [f"{labels[index]}<br>{bar.ratio}" for index, bar in shown],
            "sort": False,
            "marker": {"colors": [COLOURS[index % len(COLOURS)] for index, _ in shown]},
            "textinfo": "text",
            "textposition": "inside",
            "insidetextorientation": "horizontal",
            "hovertemplate": "%{label}: %{value}<extra></extra>",
        }
        if kind == "doughnut":
            trace["hole"] = 0.5
        return {"data": [trace], "layout": _layout(280)}
    text = [f"{bar.count} ({bar.ratio})" for bar in bars]
    percents = [bar.percent for bar in bars]
    if kind == "bar":
        trace = {
            "type": "bar",
            "orientation": "h",
            "x": percents,
            "y": labels,
            "marker": {"color": COLOURS[0]},
            "text": text,
            "textposition": "auto",
            "hovertemplate": "%{y}: %{text}<extra></extra>",
        }
        layout = _layout(
            80 + 36 * len(bars),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"ticksuffix": "%", "range": [0, 100], "automargin": True},
        )
        return {"data": [trace], "layout": layout}
    trace = {
        "type": "bar" if kind == "column" else "scatter",
        "x": labels,
        "y": percents,
        "marker": {"color": COLOURS[0]},
        "text": text,
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    if kind == "column":
        trace["textposition"] = "auto"
    else:
        trace.update(mode="lines+markers+text", textposition="top center")
    layout = _layout(
        320,
        yaxis={"ticksuffix": "%", "range": [0, 110], "automargin": True},
        xaxis={"automargin": True},
    )
    return {"data": [trace], "layout": layout}


def _stacked(grid: Grid) -> Figure:
    """A matrix: one bar per row, split by column share, so rows compare at a glance."""
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


def _scores(grid: Grid) -> Figure:
    """Ranking: the options by 平均综合得分, highest first as in the table."""
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


TWO_WAY_FIGURES: dict[str, Callable[[Grid], Figure]] = {"stacked": _stacked, "scores": _scores}


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
    layout = _layout(
        240,
        margin={"l": 40, "r": 20, "t": 10, "b": 40},
        # Whole days and whole responses only: Plotly would otherwise put ticks between them
        # and label two of them with the same day or number.
        xaxis={"type": "date", "tickformat": "%m-%d", "dtick": DAY_MS * max(1, len(days) // 10)},
        yaxis={"rangemode": "tozero", "tickformat": "d", "dtick": max(1, math.ceil(most / 5))},
    )
    return {"data": [trace], "layout": layout}
