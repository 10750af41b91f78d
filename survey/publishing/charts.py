"""Plotly figures of result tables, as the plain data Plotly.js draws: the browser renders them
with the app's own plotly.min.js. Built as dicts rather than through plotly.graph_objects, whose
validation costs milliseconds per figure on every results page.

A figure is drawn from a ``QuestionResult``, live (the staff report, in the kind staff choose)
or published (its type's own kind, from the printed counts only, so a chart cannot give away a
hidden one)."""

from __future__ import annotations

import html
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import plotly

from survey.core.i18n import _, _l
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

# Ordered scales are coloured along the scale: red through grey to green when its ends are a
# judgement (不满意 … 满意), one hue light to dark otherwise (1 … 5 without words), so that a
# stack, a pie and the legend read in the scale's order.
NEGATIVE_END = ("#b2182b", "#f4a582")  # darkest, lightest
POSITIVE_END = ("#1b7837", "#a6dba0")
NEUTRAL = "#bababa"
SEQUENTIAL = ("#c6dbef", "#08519c")  # lightest, darkest
# What a judgement's words contain (满意, 同意, 重要 ...), and what turns one negative.
JUDGEMENTS = ("满意", "同意", "赞成", "支持", "认可", "重要", "符合", "愿意", "可能", "了解",
              "熟悉", "方便", "便利", "有效", "好")  # fmt: skip
NEGATIVE_WORDS = ("差", "反对")
NEGATIONS = ("不", "没", "无", "未")

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


def _polarity(label: str) -> int:
    """-1 for a negative judgement (不满意, 很差), 1 for a positive one (满意, 极有可能), 0 for
    anything else (一般, 说不清, 国企)."""
    if any(word in label for word in NEGATIVE_WORDS):
        return -1
    if any(word in label for word in JUDGEMENTS):
        return -1 if any(word in label for word in NEGATIONS) else 1
    return 0


def judgement_scale(labels: list[str]) -> int:
    """1 if ``labels`` run from a negative judgement to a positive one (非常不满意 … 非常满意),
    -1 if the other way round, 0 if they are no such scale."""
    marks = [_polarity(label) for label in labels]
    if len(marks) < 2 or marks[0] * marks[-1] != -1:
        return 0
    direction = marks[-1]
    steady = all((later - earlier) * direction >= 0 for earlier, later in pairwise(marks))
    return direction if steady else 0


def _mix(start: str, end: str, share: float) -> str:
    """The colour ``share`` of the way from ``start`` to ``end`` (#rrggbb)."""
    one, two = (tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)) for colour in (start, end))
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(one, two, strict=True))


def _diverging(count: int) -> list[str]:
    """Dark red … light red, grey in the middle of an odd count, light green … dark green."""
    side = count // 2
    negative = [_mix(*NEGATIVE_END, step / side) for step in range(side)]
    positive = [_mix(*POSITIVE_END, step / side) for step in range(side)][::-1]
    return negative + [NEUTRAL] * (count % 2) + positive


def palette(labels: list[str], ordered: bool = False) -> list[str]:
    """A colour per label: along the scale for a judgement scale or an ``ordered`` one, from
    the categorical colours otherwise."""
    direction = judgement_scale(labels)
    if direction:
        colours = _diverging(len(labels))
        return colours if direction > 0 else colours[::-1]
    if ordered:
        steps = max(len(labels) - 1, 1)
        return [_mix(*SEQUENTIAL, index / steps) for index in range(len(labels))]
    return [COLOURS[index % len(COLOURS)] for index in range(len(labels))]


def empty_figure() -> Figure:
    """What a chart without any answer shows: 暂无数据, and no axis to misread."""
    note = {
        "text": str(_("暂无数据")),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "font": {"size": 16, "color": "#6b7280"},
    }
    hidden = {"visible": False}
    return {"data": [], "layout": layout(120, xaxis=hidden, yaxis=hidden, annotations=[note])}


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
    withheld table or a question without one. A question nobody answered shows 暂无数据."""
    if item.withheld or item.rows is None:
        return None
    kind = resolve_kind(item, kind)
    if kind == "table":
        return None
    if not item.respondents:
        return empty_figure()
    if kind in TWO_WAY_FIGURES:
        return TWO_WAY_FIGURES[kind](item.grid, item.ordered) if item.grid else None
    # Coloured by place among all the options, so that a hidden count shifts no colour.
    colours = palette([row.label for row in item.rows], item.ordered)
    shown = [(row, colour) for row, colour in zip(item.rows, colours, strict=True)]
    shown = [(row, colour) for row, colour in shown if row.count is not None]
    if not shown:
        return None  # every count hidden: nothing to draw
    along_scale = item.ordered or bool(judgement_scale([row.label for row in item.rows]))
    return _one_way(shown, kind, along_scale)


def _one_way(shown: list[tuple[Row, str]], kind: str, along_scale: bool) -> Figure:
    rows = [row for row, _ in shown]
    labels = [plain(row.label) for row in rows]
    if kind in PARTS_OF_A_WHOLE:
        # Zero slices have no area, only labels that collide; the table lists them anyway.
        slices = [
            (label, row, colour)
            for label, (row, colour) in zip(labels, shown, strict=True)
            if row.count
        ]
        trace = {
            "type": "pie",
            "labels": [label for label, _, _ in slices],
            "values": [row.count for _, row, _ in slices],
            "text": [f"{label}<br>{row.ratio}" for label, row, _ in slices],
            "sort": False,
            "direction": "clockwise",
            "marker": {"colors": [colour for _, _, colour in slices]},
            "textinfo": "text",
            "textposition": "inside",
            "insidetextorientation": "horizontal",
            "hovertemplate": "%{label}: %{value}<extra></extra>",
        }
        if kind == "doughnut":
            # A ring is too thin for its labels: they go outside it, on leader lines, with the
            # room they need taken from the margins.
            trace.update(hole=0.55, textposition="outside", automargin=True)
        return {"data": [trace], "layout": layout(300 if kind == "doughnut" else 280)}
    text = [f"{row.count} ({row.ratio})" for row in rows]
    percents = [row.percent for row in rows]
    # Bars of a scale's points take the scale's colours; other bars are all one colour.
    colour: str | list[str] = [c for _, c in shown] if along_scale else COLOURS[0]
    # Labels are categories even when they read as numbers (a scale's 2, 3, 4), which Plotly
    # would otherwise put on a numeric axis, dropping "1（非常不满意）".
    if kind == "bar":
        trace = {
            "type": "bar",
            "orientation": "h",
            "x": percents,
            "y": labels,
            "marker": {"color": colour},
            "text": text,
            "textposition": "auto",
            "hovertemplate": "%{y}: %{text}<extra></extra>",
        }
        bars = layout(
            80 + 36 * len(rows),
            yaxis={"type": "category", "autorange": "reversed", "automargin": True},
            xaxis={"ticksuffix": "%", "range": [0, 100], "automargin": True},
        )
        return {"data": [trace], "layout": bars}
    trace = {
        "type": "bar" if kind == "column" else "scatter",
        "x": labels,
        "y": percents,
        "marker": {"color": colour if kind == "column" else COLOURS[0]},
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
        xaxis={"type": "category", "automargin": True},
    )
    return {"data": [trace], "layout": columns}


def _stacked(grid: Grid, ordered: bool) -> Figure:
    """A matrix: one bar per row, split by column share, so rows compare at a glance; the
    legend reads in the columns' order, as the stacks do."""
    rows = [plain(row.label) for row in grid.rows]
    width = len(grid.rows[0].percents) if grid.rows else 0  # columns after it are figures
    columns = grid.columns[:width]
    colours = palette(columns, ordered)
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": plain(column),
            "x": [row.percents[index] for row in grid.rows],
            "y": rows,
            "marker": {"color": colours[index]},
            "hovertemplate": "%{y} · " + plain(column) + ": %{x}%<extra></extra>",
        }
        for index, column in enumerate(columns)
    ]
    stacked = layout(
        120 + 40 * len(rows),
        barmode="stack",
        showlegend=True,
        # Plotly lists stacked traces last first unless told otherwise.
        legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
        yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        xaxis={"ticksuffix": "%", "range": [0, 100], "automargin": True},
    )
    return {"data": traces, "layout": stacked}


def _scores(grid: Grid, ordered: bool) -> Figure:
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
        yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        xaxis={"rangemode": "tozero", "automargin": True},
    )
    return {"data": [trace], "layout": scores}


TWO_WAY_FIGURES: dict[str, Callable[[Grid, bool], Figure]] = {
    "stacked": _stacked,
    "scores": _scores,
}
