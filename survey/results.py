"""Result tables from stored answers, counted by SQL over the answer index."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from survey.models import Answer, Question, Response, Survey
from survey.questions import ResultTable, get_type


@dataclass
class SurveyResults:
    survey: Survey
    responses: int  # 有效答卷
    tables: list[ResultTable]  # questions that have a publication table, in questionnaire order


def survey_results(session: Session, survey: Survey) -> SurveyResults:
    """Every question's table: one GROUP BY for option counts, one for respondents per question."""
    question_ids = [q.id for q in survey.questions]
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, option_id, count in session.execute(
        select(Answer.question_id, Answer.option_id, func.count())
        .where(Answer.question_id.in_(question_ids), Answer.option_id.is_not(None))
        .group_by(Answer.question_id, Answer.option_id)
    ):
        counts[question_id][option_id] = count
    respondents = dict(
        session.execute(
            select(Answer.question_id, func.count(distinct(Answer.response_id)))
            .where(Answer.question_id.in_(question_ids))
            .group_by(Answer.question_id)
        ).all()
    )
    total = session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
    )
    tables = []
    for question in survey.questions:
        table = get_type(question.type).tabulate(
            question, counts.get(question.id, {}), respondents.get(question.id, 0)
        )
        if table is not None:
            tables.append(table)
    return SurveyResults(survey=survey, responses=total or 0, tables=tables)


def question_label(question: Question) -> str:
    return get_type(question.type).report_label
