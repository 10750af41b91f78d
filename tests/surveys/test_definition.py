"""The survey/v1 definition format: validation with places and lines, and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from survey.config import office_zone
from survey.surveys.definition import (
    DefinitionError,
    create_survey,
    dump,
    export_definition,
    load_text,
)

DEMO = Path(__file__).parents[2] / "survey" / "surveys" / "demo" / "foreign-trade.yaml"

VALID = """\
format: survey/v1
title: 企业需求调查
issuer: 某市商务局
opens: 2024-03-01 08:00
closes: 2024-03-31
questions:
  - id: nature
    type: single
    title: 企业性质
    required: true
    options: [国企, 民企, 外企]
  - id: trade
    type: multiple
    title: 主要贸易方式
    min_choices: 1
    max_choices: 2
    options:
      - 一般贸易
      - label: 其他
        fill_in: true
  - id: staff
    type: number
    title: 员工人数
    min: 0
    integer: true
"""


def problems_of(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_text(text, office_zone(), fmt)
    return [str(p) for p in caught.value.problems]


def test_valid_definition_loads_with_defaults(offline_app):
    definition = load_text(VALID, office_zone())
    assert definition["title"] == "企业需求调查"
    assert [q["type"] for q in definition["questions"]] == ["single", "multiple", "number"]
    assert definition["questions"][1]["options"][1] == {"label": "其他", "fill_in": True}
    assert definition["questions"][2]["required"] is False
    # Office time (UTC+8) is stored as UTC; a bare closing date includes that whole day.
    assert str(definition["opens"]) == "2024-03-01 00:00:00"
    assert str(definition["closes"]) == "2024-03-31 16:00:00"


def test_too_few_options_is_reported_with_its_place_and_line(offline_app):
    text = VALID.replace("options: [国企, 民企, 外企]", "options: [国企]")
    assert problems_of(text) == ["questions[0].options: 至少需要两个选项（第 11 行）"]


def test_every_problem_is_reported_at_once(offline_app):
    text = """\
format: survey/v1
questions:
  - type: single
    title: 企业性质
    options: [国企, 国企]
  - type: essay
    title: 意见
  - type: multiple
    title: 贸易方式
    max_choices: 5
    colour: red
    options: [一般贸易, 加工贸易]
  - type: number
    title: 人数
    min: ten
opens: next week
"""
    problems = problems_of(text)
    assert "title: 必须填写（第 1 行）" in problems
    assert "questions[0].options[1]: 选项“国企”重复（第 5 行）" in problems
    assert any(p.startswith("questions[1].type: 未知的题型") and "第 6 行" in p for p in problems)
    assert "questions[2].max_choices: 应在 1 到 2（选项数）之间（第 10 行）" in problems
    assert any(p.startswith("questions[2].colour: 未知的字段") for p in problems)
    assert "questions[3].min: 应为数字（第 15 行）" in problems
    assert any(p.startswith("opens: 日期格式应为") for p in problems)
    assert len(problems) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: [unclosed", "YAML 格式错误"),
        ("- just\n- a list\n", "定义应为一个映射"),
        (
            "format: survey/v2\ntitle: x\nquestions: [{type: text, title: a}]",
            "format: 应为 survey/v1",
        ),
        ("format: survey/v1\ntitle: x\nquestions: []", "questions: 至少需要一个问题"),
        (
            "format: survey/v1\ntitle: x\nquestions: [{type: text, title: a, options: [b, c]}]",
            "questions[0].options: 单行填空没有选项",
        ),
        (
            "format: survey/v1\ntitle: x\nquestions: [{id: a, type: text, title: a},"
            " {id: a, type: text, title: b}]",
            "questions[1].id: “a”重复",
        ),
        (
            "format: survey/v1\ntitle: x\nquestions: [{id: 1st, type: text, title: a}]",
            "questions[0].id: 应以字母开头",
        ),
        (
            "format: survey/v1\ntitle: x\nopens: 2024-05-01\ncloses: 2024-04-01\n"
            "questions: [{type: text, title: a}]",
            "closes: 截止时间应晚于开始时间",
        ),
    ],
)
def test_problems_are_explained(offline_app, text, expected):
    assert any(expected in problem for problem in problems_of(text))


def test_json_errors_name_the_line(offline_app):
    problems = problems_of('{\n  "format": "survey/v1",\n  "title": \n}', "json")
    assert problems[0].startswith("JSON 格式错误") and problems[0].endswith("（第 4 行）")


def round_trip(session, text: str, fmt: str) -> tuple[dict, dict]:
    zone = office_zone()
    survey = create_survey(session, load_text(text, zone, fmt))
    exported = export_definition(survey, zone)
    again = create_survey(session, load_text(dump(exported, fmt), zone, fmt))
    return exported, export_definition(again, zone)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_gives_the_same_questionnaire(session, fmt):
    source = DEMO.read_text(encoding="utf-8")
    if fmt == "json":
        source = json.dumps(yaml.safe_load(source), ensure_ascii=False)
    first, second = round_trip(session, source, fmt)
    assert first == second
    assert [q["id"] for q in first["questions"]][:2] == ["nature", "trade"]
    assert first["questions"][1]["options"][-1] == {"label": "其他", "fill_in": True}


def test_round_trip_keeps_dates_settings_and_help(session):
    first, second = round_trip(session, VALID, "yaml")
    assert first == second
    assert first["opens"] == "2024-03-01 08:00:00"
    assert first["closes"] == "2024-03-31"  # written back as it was given
    assert first["questions"][1]["max_choices"] == 2
    assert first["questions"][2] == {
        "id": "staff",
        "type": "number",
        "title": "员工人数",
        "required": False,
        "min": 0,
        "integer": True,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "format: survey/v1\ntitle: x\nopens: 2026-13-01\nquestions: [{type: text, title: a}]",
            "日期无效",
        ),
        ("format: survey/v1\ntitle: a\x00b\nquestions: [{type: text, title: a}]", "空字符"),
    ],
)
def test_impossible_dates_and_binary_content_are_problems_not_tracebacks(
    offline_app, text, expected
):
    assert expected in problems_of(text)[0]


def test_requires_invitation_round_trips_and_is_checked(session):
    text = VALID.replace("closes: 2024-03-31\n", "closes: 2024-03-31\nrequires_invitation: true\n")
    first, second = round_trip(session, text, "yaml")
    assert first == second and first["requires_invitation"] is True
    plain, _ = round_trip(session, VALID, "yaml")
    assert "requires_invitation" not in plain  # off is the default, written only when on
    bad = VALID.replace("closes: 2024-03-31\n", "closes: 2024-03-31\nrequires_invitation: 是\n")
    assert problems_of(bad) == ["requires_invitation: 应为 true 或 false（第 6 行）"]
