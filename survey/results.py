"""Result tables, from the counters kept by ``survey.tally``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey import tally
from survey.models import Question, Survey
from survey.questions import ResultTable, get_type


@dataclass
class SurveyResults:
    survey: Survey
    responses: int  # 有效答卷
    tables: list[ResultTable]  # questions that have a publication table, in questionnaire order


def survey_results(session: Session, survey: Survey) -> SurveyResults:
    """Every question's table, from the counters: three small queries whatever the number of
    responses (the counters are read afresh, not from objects the session may hold)."""
    responses, respondents, option_counts = tally.kept(session, survey)
    tables = []
    for question in survey.questions:
        counts = {o.id: option_counts.get(o.id, 0) for o in question.options}
        table = get_type(question.type).tabulate(question, counts, respondents.get(question.id, 0))
        if table is not None:
            tables.append(table)
    return SurveyResults(survey=survey, responses=responses, tables=tables)


def question_label(question: Question) -> str:
    return get_type(question.type).report_label
