"""Result tables as JSON, for the API and for anyone re-using the published figures."""

from __future__ import annotations

from typing import Any

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
            }
            for table in results.tables
        ],
    }
