"""The collection window's phase, written once as rules, reads the same in Python (a badge) and
in SQL (the dashboard's filter), for every status and every side of its two moments."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

from sqlalchemy import select

from survey.core.models import utcnow
from survey.core.window import Phase, Status
from survey.surveys.models import Survey


def test_python_and_sql_agree_on_every_phase(session, make_survey):
    now = utcnow()
    hour = timedelta(hours=1)
    moments = {"none": None, "past": now - hour, "future": now + hour}
    surveys = []
    for status, opens, closes in product(Status, moments, moments):
        if (
            opens == closes == "past"
            or opens == closes == "future"
            or (opens, closes) == ("future", "past")
        ):
            continue  # not a window: opens_at < closes_at is a constraint
        survey = make_survey([{"type": "text", "title": "意见"}], status="draft")
        survey.status, survey.opens_at, survey.closes_at = status, moments[opens], moments[closes]
        surveys.append(survey)
    session.commit()
    in_python = {survey.id: survey.phase(now) for survey in surveys}
    in_sql = {
        phase: set(session.scalars(select(Survey.id).where(Survey.in_phase(phase, now))))
        for phase in Phase
    }
    for survey_id, phase in in_python.items():
        assert [p for p in Phase if survey_id in in_sql[p]] == [phase], survey_id
    assert set(in_python.values()) == set(Phase)
    open_now = next(s for s in surveys if s.status == Status.OPEN and s.closes_at is None
                    and s.opens_at is not None and s.opens_at < now)  # fmt: skip
    assert in_python[open_now.id] == Phase.OPEN
