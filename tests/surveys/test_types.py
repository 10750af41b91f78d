"""The types of issue #4 (scale, NPS, matrices, ranking, formatted fill-ins, blanks, description):
validation through the real form, aggregation against brute force, the text export, the round
trip through the definition format and plain-text import."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from survey.config import office_zone
from survey.core import identifiers, sealing
from survey.core.identifiers import credit_code_check_character as uscc_check_character
from survey.core.models import utcnow
from survey.core.numbers import format_ratio
from survey.publishing.renderers import json as json_renderer
from survey.publishing.renderers.text import render_table
from survey.surveys import answering, counting, personal, publication
from survey.surveys.answering import tokens
from survey.surveys.definition import create_survey, dump, export_definition, load_text
from survey.surveys.models import Answer, Response
from survey.surveys.results import Filter, survey_results
from survey.surveys.textimport import parse_text
from tests.helpers import fresh_form, hidden_fields, question, staff_document

ROWS = ["政策宣传", "办事效率", "服务态度"]
COLUMNS = ["差", "中", "好"]
NEEDS = ["资金", "人才", "市场", "政策"]

QUESTIONS = [
    {"id": "intro", "type": "description", "title": "第一部分 服务评价", "help": "请如实填写"},
    {"id": "overall", "type": "scale", "title": "总体满意度", "required": True},
    {"id": "nps", "type": "nps", "title": "您向同行推荐本局服务的可能性"},
    {"id": "grid", "type": "matrix", "title": "各项服务是否满意", "options": ROWS[:2],
     "columns": ["满意", "不满意"], "required": True},
    {"id": "rate", "type": "matrix_scale", "title": "各项服务评分", "options": ROWS,
     "columns": COLUMNS},
    {"id": "ways", "type": "matrix_multiple", "title": "获取信息的渠道", "options": ROWS[:2],
     "columns": ["网站", "微信", "电话"]},
    {"id": "needs", "type": "ranking", "title": "最需要的支持", "options": NEEDS, "top": 2},
    {"id": "order", "type": "ranking", "title": "三项排序", "options": NEEDS[:3]},
    {"id": "contact", "type": "blanks", "title": "联系人", "options": ["姓名", "电话"]},
    {"id": "founded", "type": "date", "title": "成立日期"},
    {"id": "email", "type": "email", "title": "电子邮箱"},
    {"id": "phone", "type": "mobile", "title": "手机号码"},
    {"id": "code", "type": "credit_code", "title": "统一社会信用代码"},
]  # fmt: skip

VALID_CODE = "91350100M000100Y43"


@pytest.fixture
def survey(make_survey):
    return make_survey(QUESTIONS)


def field(survey, key: str, option: str | None = None) -> str:
    """The form field of question ``key`` (of its option or row ``option``, when given)."""
    q = question(survey, key)
    if option is None:
        return f"q{q.id}"
    return f"q{q.id}-o{next(o.id for o in q.options if o.label == option)}"


def point(survey, key: str, value: int) -> str:
    return str(next(o.id for o in question(survey, key).options if o.label == str(value)))


def required_answers(survey) -> dict[str, str]:
    return {
        field(survey, "overall"): point(survey, "overall", 4),
        field(survey, "grid", ROWS[0]): "1",
        field(survey, "grid", ROWS[1]): "2",
    }


def post(client, survey, answers: dict):
    page = client.get(f"/s/{survey.slug}?again=1").get_data(as_text=True)
    return client.post(f"/s/{survey.slug}", data={**hidden_fields(page), **answers})


def test_the_page_has_a_label_for_every_input_and_numbers_only_questions(client, survey):
    html = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert html.count("<fieldset") == len(QUESTIONS) - 1  # the description is no question
    assert '<h2 id="q' in html and "第一部分 服务评价" in html
    assert '<span class="number">1.</span> 总体满意度' in html
    for input_id in re.findall(r'<(?:input|select) type="[^"]*" id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id
    for select_id in re.findall(r'<select id="([^"]+)"', html):
        assert f'for="{select_id}"' in html
    assert 'type="date"' in html and 'type="email"' in html and 'type="tel"' in html
    assert "1 分表示非常不满意，5 分表示非常满意" in html
    assert "请选出最重要的 2 项并排序（1 为第一位）" in html


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        (lambda s: {}, None),
        (lambda s: {field(s, "nps"): point(s, "nps", 10)}, None),
        (lambda s: {field(s, "rate", ROWS[1]): "3"}, None),
        (lambda s: {field(s, "ways", ROWS[0]): ["1", "3"]}, None),
        (lambda s: {field(s, "needs", "人才"): "1", field(s, "needs", "资金"): "2"}, None),
        (lambda s: {field(s, "contact", "电话"): "0535-8212345"}, None),
        (lambda s: {field(s, "founded"): "2003年5月9日"}, ("founded", "2003-05-09")),
        (lambda s: {field(s, "founded"): "20030509"}, ("founded", "2003-05-09")),
        (lambda s: {field(s, "email"): "li＠example.com.cn"}, ("email", "li@example.com.cn")),
        (lambda s: {field(s, "phone"): "+86 138-1234-5678"}, ("phone", "13812345678")),
        (lambda s: {field(s, "phone"): "１３８１２３４５６７８"}, ("phone", "13812345678")),
        (lambda s: {field(s, "founded"): "２００３－０５－０９"}, ("founded", "2003-05-09")),
        (lambda s: {field(s, "code"): VALID_CODE.lower()}, ("code", VALID_CODE)),
    ],
)
def test_good_values_are_stored(app, client, session, survey, answers, stored):
    response = post(client, survey, {**required_answers(survey), **answers(survey)})
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    if stored:
        key, value = stored
        asked = question(survey, key)
        rows = session.execute(
            select(Answer.text, Answer.sealed).where(Answer.question_id == asked.id)
        ).all()
        assert [is_sealed for _text, is_sealed in rows] == [asked.is_personal]
        ((text, _sealed),) = rows
        if asked.is_personal:  # 电子邮箱 and 手机号码 are kept sealed
            assert value not in text
            text = sealing.unseal(app.config["DATA_KEY"], text, personal.context(asked.id))
        assert text == value


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (lambda s: {field(s, "overall"): None}, "请选择一项"),
        (lambda s: {field(s, "grid", ROWS[1]): None}, "请回答每一行：“办事效率”还没有选择"),
        (lambda s: {field(s, "needs", "人才"): "1"}, "第 2 位还没有选择"),
        (
            lambda s: {field(s, "needs", "人才"): "1", field(s, "needs", "资金"): "1"},
            "“资金”、“人才”都排在第 1 位，每个位置只能有一项",
        ),
        (lambda s: {field(s, "order", "资金"): "2"}, "第 1 位还没有选择"),
        (lambda s: {field(s, "contact", "姓名"): "张" * 201}, "“姓名”最多 200 个字"),
        (lambda s: {field(s, "founded"): "2023-02-30"}, "请填写有效的日期，如 2024-05-01"),
        (lambda s: {field(s, "email"): "li@example"}, "请填写有效的电子邮箱"),
        (lambda s: {field(s, "phone"): "12812345678"}, "请填写 11 位手机号码"),
        (lambda s: {field(s, "phone"): "1381234567"}, "请填写 11 位手机号码"),
        (lambda s: {field(s, "code"): VALID_CODE[:-1]}, "统一社会信用代码应为 18 位，当前 17 位"),
        (lambda s: {field(s, "code"): VALID_CODE[:-1] + "4"}, "校验不通过"),
        (lambda s: {field(s, "code"): "91350100M000100O43"}, "不会出现的字符"),
    ],
)
def test_bad_values_are_explained_and_what_was_typed_kept(client, survey, answers, message):
    posted = {**required_answers(survey), **answers(survey)}
    response = post(client, survey, {k: v for k, v in posted.items() if v is not None})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'class="field-error"' in html
    # The other answers are still there.
    assert f'value="{point(survey, "overall", 4)}" checked' in html or "请选择一项" in message


@pytest.mark.parametrize(
    "answers",
    [
        lambda s: {field(s, "overall"): "999999"},  # not a point of this scale
        lambda s: {field(s, "overall"): [point(s, "overall", 1), point(s, "overall", 2)]},
        lambda s: {field(s, "grid", ROWS[0]): "3"},  # no third column
        lambda s: {field(s, "grid", ROWS[0]): ["1", "2"]},  # two columns in a single matrix
        lambda s: {field(s, "ways", ROWS[0]): ["1", "1"]},
        lambda s: {field(s, "ways", ROWS[0]): "x"},
        lambda s: {field(s, "ways", ROWS[0]): "²"},
        lambda s: {field(s, "order", "资金"): "١"},  # an Arabic-Indic one
        lambda s: {field(s, "needs", "人才"): "3"},  # only two places offered
        lambda s: {field(s, "needs", "人才"): ["1", "2"]},
        # More digits than int() reads (4,300): a place and a column beyond any.
        lambda s: {field(s, "order", "资金"): "1" * 5000},
        lambda s: {field(s, "grid", ROWS[0]): "1" * 5000},
        lambda s: {field(s, "ways", ROWS[0]): "0" * 4999 + "1"},
        lambda s: {f"{field(s, 'intro')}": "text"},  # a description takes no answer
    ],
)
def test_posts_no_form_produces_are_refused(client, survey, answers):
    assert post(client, survey, {**required_answers(survey), **answers(survey)}).status_code == 400


# Aggregation against brute force: random answer sets posted through collect, tables from the
# counters and from the filtered path (counted from the rows) compared with counts in Python.

answer_sets = st.lists(
    st.fixed_dictionaries(
        {
            "overall": st.integers(1, 5),
            "grid": st.tuples(st.integers(1, 2), st.integers(1, 2)),
        },
        optional={
            "nps": st.integers(0, 10),
            "rate": st.dictionaries(st.sampled_from(ROWS), st.integers(1, 3)),
            "ways": st.dictionaries(
                st.sampled_from(ROWS[:2]), st.sets(st.integers(1, 3), min_size=1)
            ),
            "needs": st.permutations(NEEDS).map(lambda p: p[:2]),
            "order": st.permutations(NEEDS[:3]),
        },
    ),
    max_size=25,
)


def answer_form(survey, answer: dict) -> MultiDict:
    form = MultiDict()
    form[field(survey, "overall")] = point(survey, "overall", answer["overall"])
    for row, column in zip(ROWS[:2], answer["grid"], strict=True):
        form[field(survey, "grid", row)] = str(column)
    if "nps" in answer:
        form[field(survey, "nps")] = point(survey, "nps", answer["nps"])
    for row, column in answer.get("rate", {}).items():
        form[field(survey, "rate", row)] = str(column)
    for row, columns in answer.get("ways", {}).items():
        form.setlist(field(survey, "ways", row), [str(c) for c in columns])
    for key in ("needs", "order"):
        for place, label in enumerate(answer.get(key, ()), start=1):
            form[field(survey, key, label)] = str(place)
    return form


def mean(total: int, count: int) -> str:
    if not count:
        return "0.00"
    exact = Decimal(total) / Decimal(count)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def cell(count: int, total: int) -> str:
    return f"{count}({format_ratio(count, total)})"


def expected_tables(answers: list[dict]) -> dict[str, dict]:
    """Every figure of the tables, counted in Python."""
    n = len(answers)
    overall = [sum(a["overall"] == v for a in answers) for v in range(1, 6)]
    scores = [a["nps"] for a in answers if "nps" in a]
    rate = {r: [a["rate"][r] for a in answers if r in a.get("rate", {})] for r in ROWS}
    ways = {r: [a["ways"][r] for a in answers if r in a.get("ways", {})] for r in ROWS[:2]}
    all_rates = [v for values in rate.values() for v in values]
    promoters = sum(v >= 9 for v in scores) - sum(v <= 6 for v in scores)
    expected = {
        "overall": {
            "counts": overall,
            "respondents": n,
            "summary": [f"本题平均分：{mean(sum(a['overall'] for a in answers), n)}"],
        },
        "nps": {
            "counts": [scores.count(v) for v in range(11)],
            "respondents": len(scores),
            "summary": [
                f"本题平均分：{mean(sum(scores), len(scores))}",
                f"NPS值：{format_ratio(promoters, len(scores))}",
            ],
        },
        "grid": {
            "cells": [
                [cell(sum(a["grid"][row] == column for a in answers), n) for column in (1, 2)]
                for row in range(2)
            ],
            "respondents": n,
        },
        "rate": {
            "cells": [
                [cell(values.count(c), len(values)) for c in (1, 2, 3)]
                + [mean(sum(values), len(values))]
                for values in rate.values()
            ],
            "respondents": sum(bool(a.get("rate")) for a in answers),
            "summary": [f"本题平均分：{mean(sum(all_rates), len(all_rates))}"],
        },
        "ways": {
            "cells": [
                [cell(sum(c in chosen for chosen in sets), len(sets)) for c in (1, 2, 3)]
                for sets in ways.values()
            ],
            "respondents": sum(bool(a.get("ways")) for a in answers),
        },
    }
    for key, options, places in (("needs", NEEDS, 2), ("order", NEEDS[:3], 3)):
        ranked = [list(a[key]) for a in answers if key in a]
        rows = []
        for label in options:
            at = [sum(r.index(label) == p for r in ranked if label in r) for p in range(places)]
            score = sum(count * (len(options) - p) for p, count in enumerate(at))
            cells = [mean(score, len(ranked))] + [cell(c, len(ranked)) for c in at]
            rows.append((label, cells))
        rows.sort(key=lambda row: -Decimal(row[1][0]))
        expected[key] = {"grid": rows, "respondents": len(ranked)}
    return expected


def actual_tables(results) -> dict[str, dict]:
    actual = {}
    for table in results.tables:
        key = table.question.key
        summary = [str(line) for line in table.summary]
        if key in ("overall", "nps"):
            actual[key] = {"counts": [r.count for r in table.rows], "summary": summary}
        elif key in ("needs", "order"):
            actual[key] = {"grid": [(r.label, r.cells) for r in table.grid.rows]}
        else:
            actual[key] = {"cells": [r.cells for r in table.grid.rows]}
            if summary:
                actual[key]["summary"] = summary
        actual[key]["respondents"] = table.respondents
    return actual


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=answer_sets)
def test_tables_agree_with_brute_force(session, app, survey, answers):
    session.execute(delete(Response))
    counting.recount(session, survey)
    session.commit()
    now = utcnow()
    for answer in answers:
        form = answer_form(survey, answer)
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        outcome = answering.submit(
            session, survey, form, now, app.secret_key, data_key=app.config["DATA_KEY"]
        )
        assert outcome.accepted, outcome.errors
    expected = expected_tables(answers)
    assert actual_tables(survey_results(session, survey)) == expected
    # Filtered by a window holding every response: counted from the rows, the same figures.
    window = Filter(since=now - timedelta(hours=1))
    assert actual_tables(survey_results(session, survey, window)) == expected
    assert counting.recount(session, survey) == []


def submit_all(session, app, survey, answers: list[dict]) -> None:
    for answer in answers:
        form = answer_form(survey, answer)
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(
            session, survey, form, utcnow(), app.secret_key, data_key=app.config["DATA_KEY"]
        ).accepted


SAMPLE = [
    {"overall": 5, "grid": (1, 1), "nps": 10, "rate": {"政策宣传": 3, "办事效率": 2},
     "ways": {"政策宣传": {1, 2}}, "needs": ("人才", "资金"), "order": ("资金", "人才", "市场")},
    {"overall": 4, "grid": (1, 2), "nps": 9, "rate": {"政策宣传": 3},
     "ways": {"政策宣传": {2}, "办事效率": {3}}, "needs": ("人才", "市场")},
    {"overall": 3, "grid": (2, 2), "nps": 3},
    {"overall": 1, "grid": (1, 2), "nps": 7, "needs": ("政策", "人才")},
]  # fmt: skip


def test_text_export_blocks(session, app, survey):
    submit_all(session, app, survey, SAMPLE)
    blocks = {item.key: render_table(item) for item in staff_document(session, survey).tables}
    assert set(blocks) == {"overall", "nps", "grid", "rate", "ways", "needs", "order"}
    assert blocks["overall"] == "\n".join([
        "1 总体满意度 [量表题]", "选项\t小计\t比例",
        "1（非常不满意）\t1\t25%", "2\t0\t0%", "3\t1\t25%", "4\t1\t25%", "5（非常满意）\t1\t25%",
        "本题有效填写人次\t4", "本题平均分：3.25",
    ])  # fmt: skip
    nps = blocks["nps"].splitlines()
    assert nps[:3] == [
        "2 您向同行推荐本局服务的可能性 [量表题]",
        "选项\t小计\t比例",
        "0（不可能）\t0\t0%",
    ]
    assert nps[-3:] == ["本题有效填写人次\t4", "本题平均分：7.25", "NPS值：25%"]  # (2 − 1) / 4
    assert blocks["grid"] == "\n".join([
        "3 各项服务是否满意 [矩阵单选题]", "题目\\选项\t满意\t不满意",
        "政策宣传\t3(75%)\t1(25%)", "办事效率\t1(25%)\t3(75%)", "本题有效填写人次\t4",
    ])  # fmt: skip
    assert blocks["rate"] == "\n".join([
        "4 各项服务评分 [矩阵量表题]", "题目\\选项\t差\t中\t好\t平均分",
        "政策宣传\t0(0%)\t0(0%)\t2(100%)\t3.00", "办事效率\t0(0%)\t1(100%)\t0(0%)\t2.00",
        "服务态度\t0(0%)\t0(0%)\t0(0%)\t0.00", "本题有效填写人次\t2", "本题平均分：2.67",
    ])  # fmt: skip
    assert blocks["ways"] == "\n".join([
        "5 获取信息的渠道 [矩阵多选题]", "题目\\选项\t网站\t微信\t电话",
        "政策宣传\t1(50%)\t2(100%)\t0(0%)", "办事效率\t0(0%)\t0(0%)\t1(100%)",
        "本题有效填写人次\t2",
    ])  # fmt: skip
    # 4 options, top 2: weights 4 and 3. 人才: 2×4 + 1×3 = 11 over 3 respondents.
    assert blocks["needs"] == "\n".join([
        "6 最需要的支持 [排序题]", "选项\t平均综合得分\t第1位\t第2位",
        "人才\t3.67\t2(66.67%)\t1(33.33%)", "政策\t1.33\t1(33.33%)\t0(0%)",
        "资金\t1.00\t0(0%)\t1(33.33%)", "市场\t1.00\t0(0%)\t1(33.33%)", "本题有效填写人次\t3",
    ])  # fmt: skip
    data = json_renderer.render(staff_document(session, survey), survey.slug)
    rate = next(q for q in data["questions"] if q["id"] == "rate")
    assert rate["grid"]["columns"] == ["差", "中", "好", "平均分"]
    assert rate["grid"]["rows"][0] == {
        "label": "政策宣传",
        "cells": ["0(0%)", "0(0%)", "2(100%)", "3.00"],
    }
    assert rate["summary"] == [{"label": "本题平均分", "value": "2.67"}]
    # Fill-ins are never published: no table for blanks, dates, e-mails, phones, codes.
    assert {q["id"] for q in data["questions"]} == set(blocks)


def test_public_results_page_shows_averages_nps_and_matrix(client, session, app, survey):
    submit_all(session, app, survey, SAMPLE)
    publication.publish(session, survey, None, utcnow(), office_zone())
    session.commit()
    html = client.get(f"/s/{survey.slug}/results").get_data(as_text=True)
    assert "本题平均分：<strong>3.25</strong>" in html
    assert "NPS值：<strong>25%</strong>" in html
    assert '<th scope="row">政策宣传</th>' in html and "3(75%)" in html
    assert "问卷共 12 题" in html  # the description block is not a question


def test_response_export_reads_each_type(client, session, app, survey, login):
    submit_all(session, app, survey, SAMPLE[:1])
    login("editor")
    csv = client.get(f"/admin/surveys/{survey.id}/responses.csv").get_data(as_text=True)
    header = csv.splitlines()[0]
    assert header.startswith("\ufeff序号,提交时间,答题用时（秒）,来源,1、总体满意度,2、您向同行")
    assert "第一部分" not in header  # a description block has no column
    # A column per matrix row and per ranking place, as wjx exports them.
    assert ",3.政策宣传,3.办事效率,4.政策宣传," in header
    assert ",6.排序第1位,6.排序第2位,7.排序第1位," in header
    assert ",满意,满意,好,中,,网站┋微信,,人才,资金,资金,人才,市场," in csv.splitlines()[1]


def test_every_type_round_trips_through_the_definition_format(session):
    zone = office_zone()
    source = dump({"format": "survey/v1", "title": "新题型", "questions": QUESTIONS})
    survey = create_survey(session, load_text(source, zone))
    exported = export_definition(survey, zone)
    again = create_survey(session, load_text(dump(exported), zone))
    assert export_definition(again, zone) == exported
    by_id = {q["id"]: q for q in exported["questions"]}
    assert by_id["intro"] == {"id": "intro", "type": "description", "title": "第一部分 服务评价",
                              "help": "请如实填写"}  # fmt: skip
    assert "options" not in by_id["overall"]  # the points follow from the range
    assert by_id["rate"]["columns"] == COLUMNS and by_id["rate"]["options"] == ROWS
    assert by_id["needs"]["top"] == 2


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        ({"type": "matrix", "title": "m", "options": ["a", "b"]}, "columns: 请填写列"),
        ({"type": "matrix", "title": "m", "options": ["a", "b"], "columns": ["x"]}, "至少两项"),
        ({"type": "matrix", "title": "m", "options": ["a", "b"], "columns": ["x", "x"]}, "重复"),
        ({"type": "scale", "title": "s", "min": 1, "max": 20}, "共 2 到 11 档"),
        ({"type": "scale", "title": "s", "options": ["1", "2"]}, "没有选项"),
        ({"type": "ranking", "title": "r", "options": ["a", "b"], "top": 3}, "应在 1 到 2"),
        ({"type": "description", "title": "d", "required": True}, "不能必答"),
    ],
)
def test_definition_problems_of_the_new_types(offline_app, question, problem):
    from survey.surveys.definition import DefinitionError, validate

    with pytest.raises(DefinitionError) as error:
        validate({"format": "survey/v1", "title": "t", "questions": [question]}, office_zone())
    assert problem in str(error.value)


def test_plain_text_import_labels(offline_app):
    text = "\n".join([
        "营商环境调查",
        "1、总体评价 [量表题] *", "非常不满意 不满意 一般 满意 非常满意",
        "2、推荐意愿 [NPS]",
        "3、各项服务 [矩阵量表题]", "政策宣传", "办事效率", "列：差 中 好",
        "4、渠道 [矩阵多选题]", "网站", "微信", "列：是、否",
        "5、是否满意 [矩阵单选题]", "A 政策 B 效率", "列：是 否",
        "6、需求排序 [排序题]", "A 资金 B 人才 C 市场",
        "7、联系人 [多项填空题]", "姓名", "电话",
        "8、手机 [手机号码]",
    ])  # fmt: skip
    questions = parse_text(text, office_zone()).definition["questions"]
    kinds = [q["type"] for q in questions]
    assert kinds == ["scale", "nps", "matrix_scale", "matrix_multiple", "matrix", "ranking",
                     "blanks", "mobile"]  # fmt: skip
    assert questions[0]["settings"] == {"min": 1, "max": 5, "min_label": "非常不满意",
                                        "max_label": "非常满意"}  # fmt: skip
    assert questions[0]["required"] is True
    assert questions[2]["settings"]["columns"] == ["差", "中", "好"]
    assert [o["label"] for o in questions[4]["options"]] == ["政策", "效率"]
    assert [o["label"] for o in questions[6]["options"]] == ["姓名", "电话"]


@pytest.mark.parametrize(
    ("code", "check"),
    [("91350100M000100Y43", "3"), ("91110000600037341L", "L"), ("911100001000080343", "3")],
)
def test_credit_code_check_character(code, check):
    assert uscc_check_character(code) == check


@pytest.mark.parametrize("kind", ["single", "multiple", "dropdown"])
def test_filters_offer_only_choice_questions(client, make_survey, login, kind):
    survey = make_survey(
        [*QUESTIONS, {"id": "size", "type": kind, "title": "规模", "options": ["大", "小"]}]
    )
    login("viewer")
    html = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "规模" in html
    crosstab = client.get(f"/admin/surveys/{survey.id}/crosstab")
    assert crosstab.status_code == 200
    assert "三项排序" not in crosstab.get_data(as_text=True)
    # A matrix is offered row by row, each row a variable of its own.
    assert "各项服务评分</option>" not in crosstab.get_data(as_text=True)
    assert "各项服务评分：政策宣传</option>" in crosstab.get_data(as_text=True)


def test_fresh_form_helper_still_fits(client, survey):
    assert fresh_form(client, survey, {})


def test_designer_offers_every_type_and_edits_matrix_rows_and_columns(client, session, login):
    from survey.surveys.models import Survey
    from survey.surveys.questions import REGISTRY
    from tests.conftest import csrf_of

    login("editor")
    created = client.post(
        "/admin/surveys/new", data={"csrf_token": csrf_of(client, "/admin/"), "title": "新题型"}
    )
    survey_id = int(re.search(r"/admin/surveys/(\d+)/edit", created.headers["Location"]).group(1))
    designer = f"/admin/surveys/{survey_id}/edit"
    page = client.get(designer).get_data(as_text=True)
    # The palette offers every type.
    for name in REGISTRY:
        assert f'name="type" value="{name}"' in page
    for kind in ("matrix_scale", "scale", "ranking"):
        client.post(
            f"/admin/surveys/{survey_id}/questions",
            data={"csrf_token": csrf_of(client, designer), "type": kind},
        )
    session.expire_all()
    matrix, scale, ranking = session.get(Survey, survey_id).questions
    assert matrix.settings["columns"] == ["非常不满意", "不满意", "一般", "满意", "非常满意"]
    assert [o.label for o in scale.options] == ["1", "2", "3", "4", "5"]
    page = client.get(f"{designer}?edit={matrix.id}").get_data(as_text=True)
    assert "非常不满意\n不满意\n一般\n满意\n非常满意</textarea>" in page
    assert "行（每行一个小题）" in page
    saved = client.post(
        f"/admin/questions/{matrix.id}",
        data={
            "csrf_token": csrf_of(client, designer),
            "type": "matrix_scale",
            "title": "各项服务评分",
            "setting-matrix_scale-columns": "差\r\n\r\n中\r\n好\r\n",
            "option_key": [str(o.id) for o in matrix.options] + ["new-0"],
            "option_label": ["政策宣传", "办事效率", "服务态度"],
        },
    )
    assert saved.status_code == 302
    client.post(
        f"/admin/questions/{scale.id}",
        data={
            "csrf_token": csrf_of(client, designer),
            "type": "scale",
            "title": "满意度",
            "setting-scale-min": "0",
            "setting-scale-max": "10",
            "setting-scale-max_label": "非常好",
        },
    )
    session.expire_all()
    matrix, scale, ranking = session.get(Survey, survey_id).questions
    assert ranking.settings == {} and [o.label for o in ranking.options] == ["选项1", "选项2"]
    assert matrix.settings == {"columns": ["差", "中", "好"]}
    assert [o.label for o in matrix.options] == ["政策宣传", "办事效率", "服务态度"]
    assert [o.label for o in scale.options] == [str(n) for n in range(11)]
    assert scale.settings == {"min": 0, "max": 10, "max_label": "非常好"}
    preview = client.get(f"/admin/surveys/{survey_id}/preview").get_data(as_text=True)
    assert "0 分表示非常不满意，10 分表示非常好" in preview


def test_generated_responses_answer_every_type_validly(app, session, survey):
    from survey.surveys.generate import generate_responses

    data_key = app.config["DATA_KEY"]
    list(generate_responses(session, survey, 40, utcnow(), seed=4, data_key=data_key))
    assert counting.recount(session, survey) == []
    tables = {t.question.key: t for t in survey_results(session, survey).tables}
    grid = tables["grid"]  # required, one column per row: every row's cells add up to all
    assert grid.respondents == 40
    assert all(sum(int(c.split("(")[0]) for c in row.cells) == 40 for row in grid.grid.rows)
    needs = tables["needs"].grid.rows
    assert sum(int(row.cells[1].split("(")[0]) for row in needs) == tables["needs"].respondents
    codes = session.scalars(
        select(Answer.text).where(Answer.question_id == question(survey, "code").id)
    ).all()
    assert codes and all(uscc_check_character(code) == code[17] for code in codes)
    # Personal answers are sealed as the answer path seals them.
    phone = question(survey, "phone")
    phones = session.scalars(select(Answer.text).where(Answer.question_id == phone.id)).all()
    opened = [sealing.unseal(data_key, p, personal.context(phone.id)) for p in phones]
    assert phones and all(p.startswith("v1:") for p in phones)
    assert all(identifiers.is_mobile(p) for p in opened)


def test_answered_matrix_keeps_its_columns_and_retires_rows(session, app, survey, make_user):
    from survey.surveys.design import DesignError, OptionEdit, update_question

    submit_all(session, app, survey, SAMPLE[:2])
    editor = make_user("editor")
    rate = question(survey, "rate")
    rows = [OptionEdit(o.id, o.label, False) for o in rate.options]

    def edit(columns: list[str], options: list[OptionEdit]) -> None:
        update_question(
            session,
            rate,
            editor,
            title=rate.title,
            help="",
            required=False,
            type_name="matrix_scale",
            settings={"columns": columns},
            options=options,
        )

    with pytest.raises(DesignError, match="只能改名或在末尾添加"):
        edit(["差", "好"], rows)
    edit(["较差", "中", "好", "很好"], rows[1:])  # rename, add at the end, retire 政策宣传
    session.commit()
    table = next(t for t in survey_results(session, survey).tables if t.question.key == "rate")
    assert table.grid.columns == ["较差", "中", "好", "很好", "平均分"]
    # The retired row keeps its answers in the table; the form no longer offers it.
    assert table.grid.rows[0].label == "政策宣传" and table.grid.rows[0].cells[2] == "2(100%)"
    assert [o.label for o in rate.active_options] == ["办事效率", "服务态度"]


def test_a_minimum_cell_size_withholds_two_way_tables(client, session, app, survey):
    submit_all(session, app, survey, SAMPLE)
    survey.min_cell_size = 2
    publication.publish(session, survey, None, utcnow(), office_zone())
    session.commit()
    html = client.get(f"/s/{survey.slug}/results").get_data(as_text=True)
    # A matrix's cells have no suppression of their own: the table is not published at all.
    assert "3(75%)" not in html and "统计结果不予公布" in html


def test_result_exports_carry_two_way_tables_and_summary_lines(session, app, survey, tmp_path):
    from openpyxl import load_workbook

    from survey.publishing.renderers.tables import to_csv, write_xlsx

    submit_all(session, app, survey, SAMPLE)
    document = staff_document(session, survey)
    write_xlsx(document, tmp_path / "results.xlsx")
    cells = {
        str(cell.value)
        for row in load_workbook(tmp_path / "results.xlsx").active.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert {"政策宣传", "3(75%)", "本题平均分：3.25", "NPS值：25%"} <= cells
    assert "政策宣传｜满意" in to_csv(document)
