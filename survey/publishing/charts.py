"""Plotly figures of result tables, as the plain data Plotly.js draws: the browser renders them
with the app's own plotly.min.js. Built as dicts rather than through plotly.graph_objects, whose
validation costs milliseconds per figure on every results page.

A figure is drawn from a ``QuestionResult``, live (the staff report, in the kind staff choose)
or published (its type's own kind, from the printed counts only, so a chart cannot give away a
hidden one)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly

from survey.core.i18n import _l
from survey.publishing.documents import Grid, QuestionResult, Row

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
# Pie slices stop being readable past a handful of options; a bar chart then.
PIE_MAX_OPTIONS = 6

Figure = dict[str, Any]


def plain(words: str) -> str:
    """People's words as Plotly text: Plotly reads tags in text as markup (<b>, <a href>), so
    they are escaped; quotes are left alone, since Plotly would print &quot; as it stands."""
    return html.escape(words, quote=False)


def layout(height: int, **extra: Any) -> dict[str, Any]:
    """The layout every figure shares: the page's font, no background, no legend unless asked."""
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


def chart_kinds(item: QuestionResult) -> list[str]:
    """The kinds offered for a question: a two-way table (matrix, ranking) has its own figure;
    parts of a whole only for one answer per respondent, since a multiple choice's percentages
    add up past 100%, which a pie would misrepresent."""
    if item.chart in TWO_WAY_FIGURES:
        return ["table", item.chart]
    whole = item.chart in ("pie", "columns")
    return [kind for kind in ONE_WAY_KINDS if whole or kind not in PARTS_OF_A_WHOLE]


def default_kind(item: QuestionResult) -> str:
    """The type's own figure: a pie for a single choice of few options, columns for a scale's
    points in order, horizontal bars otherwise (and for a table with hidden counts, whose pie
    would show them by their absence)."""
    if item.chart in TWO_WAY_FIGURES:
        return item.chart
    if item.suppressed:
        return "bar"
    if item.chart == "pie" and len(item.rows or ()) <= PIE_MAX_OPTIONS and item.respondents:
        return "pie"
    return "column" if item.chart == "columns" else "bar"


def resolve_kind(item: QuestionResult, kind: str | None) -> str:
    """The kind asked for if this question offers it, else its default."""
    if kind is not None and kind in chart_kinds(item) and not item.suppressed:
        return kind
    return default_kind(item)


def figure(item: QuestionResult, kind: str | None = None) -> Figure | None:
    """The figure of a question's table in ``kind`` (default: its own); None for 表格, a
    withheld table or a question without one."""
    if item.withheld or item.rows is None:
        return None
    kind = resolve_kind(item, kind)
    if kind in TWO_WAY_FIGURES:
        return TWO_WAY_FIGURES[kind](item.grid) if item.grid else None
    shown = [row for row in item.rows if row.count is not None]
    return _one_way(shown, kind) if shown else None  # every count hidden: nothing to draw


def _one_way(rows: list[Row], kind: str) -> Figure | None:
    if kind == "table":
        return None
    labels = [plain(row.label) for row in rows]
    if kind in PARTS_OF_A_WHOLE:
        # Zero slices have no area, only labels that collide; the table lists them anyway.
        shown = [(index, row) for index, row in enumerate(rows) if row.count]
        trace = {
            "type": "pie",
            "labels": [labels[index] for index, _ in shown],
            "values": [row.count for _, row in shown],
            "text": [f"{labels[index]}<br>{row.ratio}" for index, row in shown],
            "sort": False,
            "marker": {"colors": [COLOURS[index % len(COLOURS)] for index, _ in shown]},
            "textinfo": "text",
            "textposition": "inside",
            "insidetextorientation": "horizontal",
            "hovertemplate": "%{label}: %{value}<extra></extra>",
        }
        if kind == "doughnut":
            trace["hole"] = 0.5
        return {"data": [trace], "layout": layout(280)}
    text = [f"{row.count} ({row.ratio})" for row in rows]
    percents = [row.percent for row in rows]
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
        bars = layout(
            80 + 36 * len(rows),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"ticksuffix": "%", "range": [0, 100], "automargin": True},
        )
        return {"data": [trace], "layout": bars}
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
    columns = layout(
        320,
        yaxis={"ticksuffix": "%", "range": [0, 110], "automargin": True},
        xaxis={"automargin": True},
    )
    return {"data": [trace], "layout": columns}


def _stacked(grid: Grid) -> Figure:
    """A matrix: one bar per row, split by column share, so rows compare at a glance."""
    rows = [plain(row.label) for row in grid.rows]
    width = len(grid.rows[0].percents) if grid.rows else 0  # columns after it are figures
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": plain(column),
            "x": [row.percents[index] for row in grid.rows],
            "y": rows,
            "marker": {"color": COLOURS[index % len(COLOURS)]},
            "hovertemplate": "%{y} · " + plain(column) + ": %{x}%<extra></extra>",
        }
        for index, column in enumerate(grid.columns[:width])
    ]
    stacked = layout(
        120 + 40 * len(rows),
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"ticksuffix": "%", "automargin": True},
    )
    return {"data": traces, "layout": stacked}


def _scores(grid: Grid) -> Figure:
    """Ranking: the options by 平均综合得分, highest first as in the table."""
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [row.score for row in grid.rows],
        "y": [plain(row.label) for row in grid.rows],
        "marker": {"color": COLOURS[0]},
        "text": [f"{row.score:.2f}" for row in grid.rows],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    scores = layout(
        80 + 36 * len(grid.rows),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"rangemode": "tozero", "automargin": True},
    )
    return {"data": [trace], "layout": scores}


TWO_WAY_FIGURES: dict[str, Callable[[Grid], Figure]] = {"stacked": _stacked, "scores": _scores}
