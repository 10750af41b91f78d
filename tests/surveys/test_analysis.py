"""Filtered reports (分类统计) and cross-tabulation (交叉分析) against brute-force counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from survey.core.models import utcnow
from survey.core.numbers import format_ratio
from survey.surveys import answering, counting
from survey.surveys.answering import tokens
from survey.surveys.demo import answer_form
from survey.surveys.models import Response
from survey.surveys.results import Filter, Variable, crosstab, survey_results

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

    # 交叉分析: 企业规模 x 主要需求, cells count(row%), and the 总计 row over both answered.
    table = crosstab(session, survey, size_q, needs_q)
    both = [a for a in answers if "size" in a and "needs" in a]
    for row in table.rows:
        in_row = [a for a in both if a["size"] == row.label]
        assert row.total == len(in_row)
        expected = [sum(n in a["needs"] for a in in_row) for n in NEEDS]
        assert row.cells == [(c, format_ratio(c, len(in_row))) for c in expected]
    assert table.total == len(both)
    in_column = [sum(n in a["needs"] for a in both) for n in NEEDS]
    assert table.column_totals == [(c, format_ratio(c, len(both))) for c in in_column]
    # The other way round, a respondent with two needs is one respondent of each need's row.
    turned = crosstab(session, survey, needs_q, size_q)
    assert [row.total for row in turned.rows] == in_column
    assert turned.total == len(both)


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
    # The 总计 row: each need among the three who answered both.
    assert (
        '<th scope="row">总计</th><td>2(66.67%)</td><td>1(33.33%)</td><td>1(33.33%)</td>'
        '<td>0(0%)</td><td class="num">3</td>' in html
    )
    filtered = client.get(
        f"/admin/surveys/{survey.id}/crosstab?rows={size_q.id}&columns={needs_q.id}"
        f"&chose={option(survey, 'needs', '人才')}"
    ).get_data(as_text=True)
    assert '<th scope="row">小</th><td>1(100%)</td><td>1(100%)</td>' in filtered
    assert client.get(f"/admin/surveys/{survey.id}?since=yesterday").status_code == 400


def test_matrix_rows_are_crosstab_variables_of_their_own(client, login, session, app, make_survey):
    columns = ["不满意", "一般", "满意"]
    survey = make_survey(
        [
            {"id": "size", "type": "single", "title": "企业规模", "options": SIZES},
            {"id": "rate", "type": "matrix_scale", "title": "服务评分",
             "options": ["政策宣传", "办事效率"], "columns": columns},
        ]
    )  # fmt: skip
    size_q, rate_q = survey.questions
    publicity, efficiency = rate_q.options
    small, large = option(survey, "size", "小"), option(survey, "size", "大")
    picks = [(small, 3, 1), (small, 3, 2), (large, 1, 3), (large, None, 3)]
    for size, first, second in picks:
        form = {f"q{size_q.id}": str(size), f"q{rate_q.id}-o{efficiency.id}": str(second)}
        if first is not None:
            form[f"q{rate_q.id}-o{publicity.id}"] = str(first)
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(session, survey, MultiDict(form), utcnow(), app.secret_key).accepted
    login("viewer")
    page = client.get(f"/admin/surveys/{survey.id}/crosstab").get_data(as_text=True)
    assert f'value="{rate_q.id}-{publicity.id}">2. 服务评分：政策宣传</option>' in page
    assert f'value="{rate_q.id}-{efficiency.id}">2. 服务评分：办事效率</option>' in page
    # 企业规模 by the row 政策宣传: its columns are the matrix's, counted for that row alone.
    html = client.get(
        f"/admin/surveys/{survey.id}/crosstab?rows={size_q.id}&columns={rate_q.id}-{publicity.id}"
    ).get_data(as_text=True)
    assert '<th scope="col">不满意</th><th scope="col">一般</th>' in html
    assert '<th scope="row">小</th><td>0(0%)</td><td>0(0%)</td><td>2(100%)</td>' in html
    assert '<th scope="row">大</th><td>1(100%)</td><td>0(0%)</td><td>0(0%)</td>' in html
    assert '<th scope="row">总计</th><td>1(33.33%)</td><td>0(0%)</td><td>2(66.67%)</td>' in html
    # Two rows of one matrix against each other.
    both = crosstab(session, survey, Variable(rate_q, publicity), Variable(rate_q, efficiency))
    assert [row.cells for row in both.rows] == [
        [(0, "0%"), (0, "0%"), (1, "100%")],
        [(0, "0%"), (0, "0%"), (0, "0%")],
        [(1, "50%"), (1, "50%"), (0, "0%")],
    ]
    assert both.total == 3
