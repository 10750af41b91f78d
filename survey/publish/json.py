"""Result tables as JSON, for the API and for anyone re-using the published figures."""

from __future__ import annotations

from typing import Any

from survey.questions import ResultTable
from survey.results import SurveyResults, question_label


def render(results: SurveyResults) -> dict[str, Any]:
    survey = results.survey
    return {
        "survey": {"slug": survey.slug, "title": survey.title, "issuer": survey.issuer},
        "responses": results.responses,
        "questions": [
            {
                "number": table.question.number,
                "id": table.question.key,
                "title": table.question.title,
                "type": table.question.type,
                "label": question_label(table.question),
                "respondents": table.respondents,
                "rows": [
                    {"label": row.label, "count": row.count, "ratio": row.ratio}
                    for row in table.rows
                ],
                **_grid(table),
                "summary": [{"label": s.label, "value": s.value} for s in table.summary],
            }
            for table in results.tables
        ],
    }


def _grid(table: ResultTable) -> dict[str, Any]:
    """A matrix or ranking table: its headings and printed cells, as in the text export."""
    if table.grid is None:
        return {}
    grid = table.grid
    return {
        "grid": {
            "corner": grid.corner,
            "columns": grid.columns,
            "rows": [{"label": row.label, "cells": row.cells} for row in grid.rows],
        }
    }
