"""Result tables: the reference report's numbers, the public page, counting in SQL."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, text

from survey.config import office_zone
from survey.core.models import utcnow
from survey.publishing.renderers import text as text_export
from survey.surveys import answering, counting, publication
from survey.surveys.answering import tokens
from survey.surveys.demo import answer_form
from survey.surveys.models import Response
from survey.surveys.results import survey_results
from tests.helpers import fresh_form, staff_document

REFERENCE_BLOCKS = [
    "1 企业性质 [单选题]\n选项\t小计\t比例\n国企\t1\t25%\n民企\t3\t75%\n外企\t0\t0%\n"
    "本题有效填写人次\t4",
    "2 主要贸易方式 [单选题]\n选项\t小计\t比例\n一般贸易\t2\t50%\n加工贸易\t2\t50%\n"
    "保税物流\t0\t0%\n其他\t0\t0%\n本题有效填写人次\t4",
]


def test_demo_reproduces_the_reference_report(session, demo_survey):
    text = text_export.render(staff_document(session, demo_survey))
    blocks = text.split("\n\n")
    assert blocks[0] == "招远市商务局外贸企业调查问卷"
    assert blocks[1:3] == REFERENCE_BLOCKS


def test_results_page_shows_the_tables(client, demo_survey):
    html = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    assert '1 企业性质 <span class="type-label">[单选题]</span>' in html
    assert '<th scope="col">选项</th>' in html and "小计" in html and "比例" in html
    assert '有效答卷 <strong class="total">4</strong>' in html
    for label, count, ratio in [("国企", 1, "25%"), ("民企", 3, "75%"), ("外企", 0, "0%")]:
        assert f'<td>{label}</td>\n          <td class="num">{count}</td>' in html, label
        assert f'<span class="ratio-text">{ratio}</span>' in html
    assert html.count("本题有效填写人次") == 5  # the five choice questions
    # Each chart is a drawing in the page, made when the results were published: no Plotly.
    assert "plotly" not in html.lower()
    assert html.count('class="chart chart-drawn"') == 5
    first = html.split('id="result-1"')[1].split("</figure>")[0]
    assert first.count("<svg") == 2  # narrow and wide
    assert "民企" in first and "75%" in first


def test_fill_in_answers_never_reach_the_public_page(client, demo_survey):
    html = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    for typed in ("招远金都机械制造有限公司", "3200 万元", "黄金饰品", "企业名称", "进出口情况"):
        assert typed not in html


def test_unpublished_results_are_not_shown(client, session, demo_survey):
    demo_survey.unpublish_results()
    session.commit()
    response = client.get(f"/s/{demo_survey.slug}/results")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "调查结果尚未公布" in html and "国企" not in html


def test_the_page_is_frozen_until_published_again(client, session, demo_survey, make_user):
    data = fresh_form(client, demo_survey, {})
    answer = {
        "nature": "外企",
        "trade": "保税物流",
        "markets": ["美国"],
        "products": [{"其他": "贵金属"}],
    }
    data.update(answer_form(demo_survey, {**answer, "outlook": "增加", "name": "某外资企业"}))
    assert client.post(f"/s/{demo_survey.slug}", data=data).status_code == 303
    html = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    assert '<span class="ratio-text">75%</span>' in html
    assert '<span class="ratio-text">20%</span>' not in html
    first = html

    publication.publish(session, demo_survey, make_user("editor"), utcnow(), office_zone())
    session.commit()
    html = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    assert '<span class="ratio-text">20%</span>' in html  # 外企 1 of 5
    assert '<span class="ratio-text">60%</span>' in html  # 民企 3 of 5
    # The new version's charts are drawn from its own counts.
    assert "民企<" in html.split('id="result-1"')[1] and "60%" in html.split('id="result-1"')[1]
    assert "历次发布" in html and 'href="/s/foreign-trade/results/v1"' in html
    earlier = client.get(f"/s/{demo_survey.slug}/results/v1").get_data(as_text=True)
    assert "这是较早发布的版本" in earlier and '<span class="ratio-text">75%</span>' in earlier
    assert first.count("本题有效填写人次") == earlier.count("本题有效填写人次")
    assert client.get(f"/s/{demo_survey.slug}/results/v9").status_code == 404


def test_no_answers_gives_zero_rows(session, make_survey):
    survey = make_survey([{"id": "a", "type": "single", "title": "性质", "options": ["甲", "乙"]}])
    table = survey_results(session, survey).tables[0]
    assert [(r.label, r.count, r.ratio) for r in table.rows] == [("甲", 0, "0%"), ("乙", 0, "0%")]
    assert table.respondents == 0


def test_respondents_who_skipped_a_question_are_not_in_its_denominator(session, app, make_survey):
    survey = make_survey(
        [
            {
                "id": "a",
                "type": "single",
                "title": "必答",
                "required": True,
                "options": ["甲", "乙"],
            },
            {"id": "b", "type": "multiple", "title": "选答", "options": ["丙", "丁", "戊"]},
        ]
    )
    answers = [{"a": "甲", "b": ["丙", "丁"]}, {"a": "乙"}, {"a": "甲", "b": ["丙"]}]
    submit_all(session, app, survey, answers)
    first, second = survey_results(session, survey).tables
    assert first.respondents == 3 and second.respondents == 2
    assert [(r.count, r.ratio) for r in second.rows] == [(2, "100%"), (1, "50%"), (0, "0%")]


def submit_all(session, app, survey, answers) -> None:
    for answer in answers:
        form = answer_form(survey, answer)
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(session, survey, form, utcnow(), app.secret_key).accepted


OPTIONS = ["甲", "乙", "丙", "丁"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(OPTIONS)),
            st.lists(st.sampled_from(OPTIONS), unique=True, max_size=4),
        ),
        max_size=25,
    )
)
def test_tables_agree_with_a_brute_force_count(session, app, aggregation_survey, answer_sets):
    session.execute(delete(Response))
    counting.recount(session, aggregation_survey)
    session.commit()
    answers = []
    for single, multiple in answer_sets:
        answer = {"one": single} if single else {}
        if multiple:
            answer["many"] = multiple
        answers.append(answer)
    submit_all(session, app, aggregation_survey, answers)
    one, many = survey_results(session, aggregation_survey).tables
    one_n = sum(1 for a in answers if "one" in a)
    many_n = sum(1 for a in answers if "many" in a)
    assert one.respondents == one_n and many.respondents == many_n
    for row in one.rows:
        assert row.count == sum(1 for a in answers if a.get("one") == row.label)
    for row in many.rows:
        assert row.count == sum(1 for a in answers if row.label in a.get("many", []))
    assert sum(row.count for row in one.rows) == one_n


@pytest.fixture
def aggregation_survey(make_survey):
    return make_survey(
        [
            {"id": "one", "type": "single", "title": "单选", "options": OPTIONS},
            {"id": "many", "type": "multiple", "title": "多选", "options": OPTIONS},
        ]
    )


def test_result_queries_do_not_grow_with_responses(session, app, aggregation_survey):
    """The page costs a fixed number of small queries, however many answers exist."""
    engine = session.get_bind()

    def queries_for_results() -> list[str]:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            survey_results(session, aggregation_survey)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen

    rng = random.Random(7)

    def random_answers(count: int) -> list[dict]:
        return [{"one": rng.choice(OPTIONS), "many": [rng.choice(OPTIONS)]} for _ in range(count)]

    submit_all(session, app, aggregation_survey, random_answers(5))
    few = queries_for_results()
    submit_all(session, app, aggregation_survey, random_answers(60))
    many = queries_for_results()
    assert len(few) == len(many) <= 3
    # Read from the counters: no scan of the answer rows at all.
    assert not any("FROM answer" in sql for sql in many)


def test_counts_are_answered_by_the_covering_index(session, app, demo_survey):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    ids = ",".join(str(q.id) for q in demo_survey.questions)
    plan = session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT question_id, option_id, count(*) FROM answer "
        f"WHERE question_id IN ({ids}) AND option_id IS NOT NULL GROUP BY question_id, option_id"
    )
    assert "USING COVERING INDEX ix_answer_question_option" in " ".join(r[3] for r in plan)


def test_export_batches_read_responses_in_index_order(session, app, demo_survey):
    """Each batch of the response export starts where the last ended, by index: no sort of the
    remaining responses per batch, which made a 1,000,000-response export quadratic."""
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    from survey.surveys.exports import RESPONSES

    plan = session.execute(
        text(f"EXPLAIN QUERY PLAN {RESPONSES.text}"),
        {"survey": demo_survey.id, "after": 0, "limit": 5000},
    ).all()
    steps = " ".join(row[3] for row in plan)
    assert "ix_response_survey_id (survey_id=? AND id>?)" in steps and "TEMP B-TREE" not in steps
