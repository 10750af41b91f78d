"""Plotly figures from result tables. The browser draws them with the app's own plotly.min.js."""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.graph_objects as go

from survey.questions import ResultTable
from survey.results import CrossTab

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
COLOURS = ["#1f5fa8", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bbf", "#7f8c8d", "#d4a017", "#16a2b8"]
# Pie slices stop being readable past a handful of options; a bar chart then.
PIE_MAX_OPTIONS = 6


def figure(table: ResultTable) -> go.Figure:
    """Pie for a single choice of few options, horizontal bars otherwise (multiple choice always:
    its percentages add up past 100%, which a pie would misrepresent)."""
    # Plotly reads tags in text as markup (<b>, <a href>): labels are respondents' and staff's
    # words, so they are shown as written.
    labels = [html.escape(row.label) for row in table.rows]
    single = table.question.type in {"single", "dropdown"}
    if single and len(table.rows) <= PIE_MAX_OPTIONS and table.respondents:
        # Zero slices have no area, only labels that collide; the table lists them anyway.
        shown = [row for row in table.rows if row.count]
        trace = go.Pie(
            labels=[html.escape(row.label) for row in shown],
            values=[row.count for row in shown],
            text=[f"{html.escape(row.label)}<br>{row.ratio}" for row in shown],
            sort=False,
            marker={"colors": [COLOURS[table.rows.index(row) % len(COLOURS)] for row in shown]},
            textinfo="text",
            textposition="inside",
            insidetextorientation="horizontal",
            hovertemplate="%{label}: %{value}<extra></extra>",
        )
        height = 280
    else:
        trace = go.Bar(
            x=[row.percent for row in table.rows],
            y=labels,
            orientation="h",
            marker={"color": COLOURS[0]},
            text=[f"{row.count} ({row.ratio})" for row in table.rows],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
        height = 80 + 36 * len(table.rows)
    fig = go.Figure(trace)
    fig.update_layout(
        template="none",
        height=height,
        margin={"l": 10, "r": 30, "t": 10, "b": 10},
        font={"family": FONT, "size": 14},
        showlegend=False,
        separators=".,",
    )
    if not single or len(table.rows) > PIE_MAX_OPTIONS or not table.respondents:
        fig.update_yaxes(autorange="reversed", automargin=True)
        fig.update_xaxes(ticksuffix="%", range=[0, 100], automargin=True)
    return fig


def figure_data(table: ResultTable) -> dict[str, Any]:
    """The figure as plain data, for a template to embed with ``tojson``."""
    return json.loads(figure(table).to_json())


def crosstab_data(table: CrossTab) -> dict[str, Any]:
    """Grouped bars: for each row option, the row percentage choosing each column option."""
    rows = [html.escape(r.option.label) for r in table.rows]
    fig = go.Figure(
        [
            go.Bar(
                name=html.escape(column.label),
                x=rows,
                y=[float(r.cells[index][1].rstrip("%")) for r in table.rows],
                marker={"color": COLOURS[index % len(COLOURS)]},
                hovertemplate="%{x} · " + html.escape(column.label) + ": %{y}%<extra></extra>",
            )
            for index, column in enumerate(table.columns)
        ]
    )
    fig.update_layout(
        template="none",
        barmode="group",
        height=360,
        margin={"l": 40, "r": 20, "t": 10, "b": 40},
        font={"family": FONT, "size": 14},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"ticksuffix": "%", "rangemode": "tozero"},
    )
    return json.loads(fig.to_json())
