"""Filtered reports (分类统计) and cross-tabulation (交叉分析) against brute-force counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from survey.core.models import utcnow
from survey.core.numbers import format_ratio
from survey.surveys import answering, counting
from survey.surveys.answering import tokens
from survey.surveys.demo import answer_form
from survey.surveys.models import Response
from survey.surveys.results import Filter, crosstab, survey_results

SIZES = ["小", "中", "大"]
NEEDS = ["资金", "人才", "市场", "政策"]


@pytest.fixture
def survey(make_survey):
    return make_survey(
        [
            {"id": "size", "type": "single", "title": "企业规模", "options": SIZES},
            {"id": "needs", "type": "multiple", "title": "主要需求", "options": NEEDS},
        ]
    )


def submit(session, app, survey, answers, at=None) -> None:
    for answer in answers:
        form = answer_form(survey, answer)
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(session, survey, form, at or utcnow(), app.secret_key).accepted


def option(survey, key: str, label: str) -> int:
    question = next(q for q in survey.questions if q.key == key)
    return next(o.id for o in question.options if o.label == label)


answer_sets = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "size": st.sampled_from(SIZES),
            "needs": st.lists(st.sampled_from(NEEDS), min_size=1, unique=True),
        },
    ),
    max_size=30,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=answer_sets, size=st.sampled_from(SIZES), need=st.sampled_from(NEEDS))
def test_filtered_report_and_crosstab_agree_with_brute_force(
    session, app, survey, answers, size, need
):
    session.execute(delete(Response))
    counting.recount(session, survey)
    session.commit()
    submit(session, app, survey, answers)
    size_q, needs_q = survey.questions

    # 分类统计: only respondents who chose `size`, and (second condition) `need`.
    only = Filter(chose=((size_q.id, (option(survey, "size", size),)),
                         (needs_q.id, (option(survey, "needs", need),))))  # fmt: skip
    kept = [a for a in answers if a.get("size") == size and need in a.get("needs", [])]
    report = survey_results(session, survey, only)
    assert report.responses == len(kept)
    sizes, needs = report.tables
    assert [r.count for r in sizes.rows] == [sum(a.get("size") == s for a in kept) for s in SIZES]
    assert [r.count for r in needs.rows] == [
        sum(n in a.get("needs", []) for a in kept) for n in NEEDS
    ]
    assert needs.respondents == len(kept)

    # 交叉分析: 企业规模 x 主要需求, cells count(row%).
    table = crosstab(session, survey, size_q, needs_q)
    both = [a for a in answers if "size" in a and "needs" in a]
    for row in table.rows:
        in_row = [a for a in both if a["size"] == row.option.label]
        assert row.total == len(in_row)
        expected = [sum(n in a["needs"] for a in in_row) for n in NEEDS]
        assert row.cells == [(c, format_ratio(c, len(in_row))) for c in expected]


def test_date_window_filter(session, app, survey):
    now = utcnow()
    submit(session, app, survey, [{"size": "小"}], at=now - timedelta(days=10))
    submit(session, app, survey, [{"size": "大"}, {"size": "大"}], at=now)
    recent = survey_results(session, survey, Filter(since=now - timedelta(days=1)))
    assert recent.responses == 2 and [r.count for r in recent.tables[0].rows] == [0, 0, 2]
    old = survey_results(session, survey, Filter(until=now - timedelta(days=1)))
    assert old.responses == 1 and [r.count for r in old.tables[0].rows] == [1, 0, 0]


def test_staff_filter_and_crosstab_pages(client, login, session, app, survey):
    login("viewer")
    answers = [
        {"size": "小", "needs": ["资金", "人才"]},
        {"size": "大", "needs": ["资金"]},
        {"size": "小", "needs": ["市场"]},
    ]
    submit(session, app, survey, answers)
    small = option(survey, "size", "小")
    page = client.get(f"/admin/surveys/{survey.id}?chose={small}").get_data(as_text=True)
    assert '<strong class="filtered-total">2</strong>' in page
    size_q, needs_q = survey.questions
    page = client.get(f"/admin/surveys/{survey.id}/crosstab?rows={size_q.id}&columns={needs_q.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        '<th scope="row">小</th><td>1(50%)</td><td>1(50%)</td><td>1(50%)</td><td>0(0%)</td>' in html
    )
    assert '<td class="num">2</td>' in html
    filtered = client.get(
        f"/admin/surveys/{survey.id}/crosstab?rows={size_q.id}&columns={needs_q.id}"
        f"&chose={option(survey, 'needs', '人才')}"
    ).get_data(as_text=True)
    assert '<th scope="row">小</th><td>1(100%)</td><td>1(100%)</td>' in filtered
    assert client.get(f"/admin/surveys/{survey.id}?since=yesterday").status_code == 400
