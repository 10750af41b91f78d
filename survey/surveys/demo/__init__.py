"""The demo: the bureau's foreign-trade survey, open for answers, with sample answers that
reproduce its published tables, and its results published."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from survey.core.timeutil import parse_local, to_local
from survey.surveys import answering, publication
from survey.surveys.answering import tokens
from survey.surveys.definition import create_survey, load_text
from survey.surveys.models import Question, Survey
from survey.surveys.questions.base import field_name, fill_in_name

HERE = Path(__file__).parent
SLUG = "foreign-trade"


def load_demo(session: Session, zone: ZoneInfo, now: datetime, secret_key: str) -> Survey:
    """Load the demo once; later calls return the survey already there."""
    existing = session.scalar(select(Survey).where(Survey.slug == SLUG))
    if existing is not None:
        return existing
    definition = load_text((HERE / "foreign-trade.yaml").read_text(encoding="utf-8"), zone)
    survey = create_survey(session, definition)
    survey.slug = SLUG
    today = to_local(now, zone).date()
    survey.opens_at = parse_local(today - timedelta(days=7), zone)
    survey.closes_at = parse_local(today + timedelta(days=30), zone, end_of_day=True)
    survey.open(now)
    session.commit()
    answers = yaml.safe_load((HERE / "answers.yaml").read_text(encoding="utf-8"))
    for offset, answer in enumerate(answers):
        form = answer_form(survey, answer)
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, secret_key)
        moment = now - timedelta(days=len(answers) - offset)
        outcome = answering.submit(session, survey, form, moment, secret_key, zone=zone)
        if not outcome.accepted:
            raise RuntimeError(f"demo answer {offset} refused: {outcome.errors}")
    publication.publish(session, survey, None, now, zone)
    session.commit()
    return survey


def answer_form(survey: Survey, answer: dict[str, Any]) -> MultiDict[str, str]:
    """The form a respondent would post for ``answer`` ({question id: label(s) or text})."""
    form: MultiDict[str, str] = MultiDict()
    questions = {q.key: q for q in survey.questions}
    for key, value in answer.items():
        question = questions[key]
        if not question.options:
            form.add(field_name(question), str(value))
            continue
        for choice in value if isinstance(value, list) else [value]:
            label, text = next(iter(choice.items())) if isinstance(choice, dict) else (choice, None)
            option_id = _option_id(question, label)
            form.add(field_name(question), str(option_id))
            if text:
                form.add(fill_in_name(question, option_id), text)
    return form


def _option_id(question: Question, label: str) -> int:
    return next(o.id for o in question.options if o.label == label)
