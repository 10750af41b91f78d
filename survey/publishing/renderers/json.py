"""Result tables as JSON, for anyone re-using the figures: each question's printed table, by the
question's stable id."""

from __future__ import annotations

from typing import Any

from survey.publishing.documents import QuestionResult, ResultFeedback


def render(document: ResultFeedback, slug: str) -> dict[str, Any]:
    return {
        "survey": {"slug": slug, "title": document.title, "issuer": document.issuer},
        "responses": document.responses,
        "questions": [_question(item) for item in document.tables],
    }


def _question(item: QuestionResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": item.number,
        "id": item.key,
        "title": item.title,
        "type": item.type,
        "label": item.label,
        "respondents": item.respondents,
        "rows": [
            {"label": row.label, "count": row.count, "ratio": row.ratio} for row in item.rows or ()
        ],
    }
    if item.grid is not None:
        data["grid"] = {
            "corner": item.grid.corner,
            "columns": item.grid.columns,
            "rows": [{"label": row.label, "cells": row.cells} for row in item.grid.rows],
        }
    data["summary"] = [{"label": s.label, "value": s.value} for s in item.summary]
    return data
