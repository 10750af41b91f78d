"""Marking a response invalid takes it out of every count (and restoring puts it back)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.surveys import answering, counting, invalidation
from survey.surveys.answering import tokens
from survey.surveys.models import Response
from survey.surveys.results import Filter, crosstab, survey_results
from tests.helpers import question


def _private_response(session, survey):
    """The demo's one 国企 response."""
    state_owned = question(survey, "nature").options[0]
    return session.scalar(
        select(Response)
        .join(Response.answers)
        .where(Response.survey_id == survey.id)
        .where(Response.answers.any(option_id=state_owned.id))
    )


def _nature_counts(session, survey, only=None):
    table = survey_results(session, survey, only).tables[0]
    return [(row.count, row.ratio) for row in table.rows], table.respondents


def test_invalid_response_leaves_every_count_and_recount_agrees(session, demo_survey, make_user):
    editor = make_user("editor")
    response = _private_response(session, demo_survey)
    invalidation.mark_invalid(session, demo_survey, response, editor, "重复提交", utcnow())
    session.commit()
    session.expire_all()
    assert not response.is_valid and response.invalid_reason == "重复提交"
    assert demo_survey.response_count == 3
    assert _nature_counts(session, demo_survey) == ([(0, "0%"), (3, "100%"), (0, "0%")], 3)
    # Counted from the rows too: a filter, and the cross-tabulation.
    since = Filter(since=demo_survey.created_at.replace(year=2000))
    assert _nature_counts(session, demo_survey, since) == _nature_counts(session, demo_survey)
    nature, outlook = question(demo_survey, "nature"), question(demo_survey, "outlook")
    table = crosstab(session, demo_survey, nature, outlook)
    assert sum(row.total for row in table.rows) == 3
    assert counting.recount(session, demo_survey) == []
    events = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert events[-1] == "response.invalidate"


def test_restoring_counts_it_again(session, demo_survey, make_user):
    editor = make_user("editor")
    response = _private_response(session, demo_survey)
    invalidation.mark_invalid(session, demo_survey, response, editor, "测试", utcnow())
    with pytest.raises(invalidation.InvalidationError):
        invalidation.mark_invalid(session, demo_survey, response, editor, "again", utcnow())
    invalidation.restore(session, demo_survey, response, editor)
    session.commit()
    session.expire_all()
    assert response.is_valid and demo_survey.response_count == 4
    assert _nature_counts(session, demo_survey)[0][0] == (1, "25%")
    assert counting.recount(session, demo_survey) == []
    with pytest.raises(invalidation.InvalidationError):
        invalidation.restore(session, demo_survey, response, editor)


def test_a_reason_is_required(session, demo_survey, make_user):
    response = _private_response(session, demo_survey)
    with pytest.raises(invalidation.InvalidationError):
        invalidation.mark_invalid(
            session, demo_survey, response, make_user("editor"), "  ", utcnow()
        )


def test_invalidating_a_matrix_answer_takes_every_cell_out(app, session, make_survey, make_user):
    survey = make_survey([
        {"id": "ways", "type": "matrix_multiple", "title": "获取信息的渠道",
         "options": ["政策宣传", "办事效率"], "columns": ["网站", "微信", "电话"]},
    ])  # fmt: skip
    ways = survey.questions[0]
    row = f"q{ways.id}-o{ways.options[0].id}"
    form = MultiDict([(tokens.TOKEN_FIELD, tokens.issue_token(survey, app.secret_key)),
                      (row, "1"), (row, "2")])  # fmt: skip
    outcome = answering.submit(session, survey, form, utcnow(), app.secret_key)
    assert outcome.accepted
    response = session.get(Response, outcome.response_id)
    # Two cells of one row name the same option: both leave its count.
    invalidation.mark_invalid(session, survey, response, make_user("editor"), "测试", utcnow())
    session.commit()
    assert counting.recount(session, survey) == []
