"""Untrusted imports cost bounded time and memory and are refused with a message, never a
traceback: what a probe of the staff import found (issue #20, rows 1, 5 and 10)."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
from sqlalchemy import select

from survey.config import office_zone
from survey.surveys.definition import MAX_DEPTH, DefinitionError
from survey.surveys.models import Survey
from survey.surveys.textimport import load_any
from tests.conftest import csrf_of
from tests.helpers import plain

QUESTION = {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企"]}


def definition(**question: object) -> str:
    data = {"format": "survey/v1", "title": "调查", "questions": [{**QUESTION, **question}]}
    return json.dumps(data)  # non-ASCII escaped, as "\u0000" and "\ud800" are


def refusal(text: str, fmt: str) -> tuple[list[str], float, int]:
    """The problems of an import that must be refused, with its seconds and peak bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DefinitionError) as caught:
            load_any(text, office_zone(), fmt)
        return (
            [str(p) for p in caught.value.problems],
            time.perf_counter() - started,
            tracemalloc.get_traced_memory()[1],
        )
    finally:
        tracemalloc.stop()


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_nested_aliases_are_refused_before_they_are_expanded(offline_app):
    text = billion_laughs()
    assert len(text) < 600
    problems, seconds, peak = refusal(text, "yaml")
    assert problems == ["内容过多：展开引用（&、*）后最多 200,000 项"]
    assert seconds < 2 and peak < 20 * 1024 * 1024


def test_aliases_a_questionnaire_really_uses_still_work(offline_app):
    text = (
        "format: survey/v1\ntitle: 调查\nquestions:\n"
        "  - {id: a, type: single, title: 企业性质, options: &kinds [国企, 民企, 外企]}\n"
        "  - {id: b, type: single, title: 母公司性质, options: *kinds}\n"
    )
    loaded = load_any(text, office_zone(), "yaml")
    assert [len(q["options"]) for q in loaded.definition["questions"]] == [3, 3]


@pytest.mark.parametrize(
    "text",
    ["&a [*a]", "format: survey/v1\ntitle: t\nquestions: &q\n  - *q\n", "a: &m {b: *m}"],
)
def test_an_anchor_inside_itself_is_a_problem(offline_app, text):
    assert refusal(text, "yaml")[0] == ["引用（&、*）不能包含它自己"]


@pytest.mark.parametrize(("fmt", "depth"), [("json", 2000), ("yaml", 500), ("yaml", 33)])
def test_deep_nesting_is_a_problem(offline_app, fmt, depth):
    deep = definition(title="X").replace('"X"', "[" * depth + "]" * depth)
    assert refusal(deep, fmt)[0] == [f"嵌套过深：最多 {MAX_DEPTH} 层"]


def test_nesting_beyond_what_the_yaml_parser_reads_is_a_problem(offline_app):
    deep = definition(title="X").replace('"X"', "[" * 2000 + "]" * 2000)
    assert refusal(deep, "yaml")[0][0].startswith("YAML 格式错误")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ({"id": ["nature"]}, "questions[0].id: 应以字母开头"),
        ({"id": {"a": 1}}, "questions[0].id: 应以字母开头"),
        ({"type": ["single"]}, "questions[0].type: 未知的题型"),
        ({"type": {"single": 1}}, "questions[0].type: 未知的题型"),
        ({"title": "企业\u0000性质"}, "questions[0].title: 含有空字符（NUL）（第 1 行）"),
        ({"title": "企业\ud800性质"}, "questions[0].title: 含有无效的字符（单独的代理项）"),
        ({"options": ["国企", "民企\u0000"]}, "questions[0].options[1]: 含有空字符"),
    ],
)
def test_values_of_the_wrong_shape_are_problems(offline_app, question, expected):
    assert refusal(definition(**question), "json")[0][0].startswith(expected)


def test_escaped_characters_no_database_keeps_are_refused_in_yaml_too(offline_app):
    text = 'format: survey/v1\ntitle: "调查\\0"\nquestions: [{type: text, title: a}]\n'
    assert refusal(text, "yaml")[0] == ["title: 含有空字符（NUL）（第 2 行）"]
    text = 'format: survey/v1\ntitle: "调查\\ud800"\nquestions: [{type: text, title: a}]\n'
    assert refusal(text, "yaml")[0][0].startswith("YAML 格式错误")


@pytest.mark.parametrize("fmt", ["txt", "yaml", "json"])
def test_a_lone_surrogate_in_the_text_itself_is_a_problem(offline_app, fmt):
    text = definition(title="企业\ud800性质").replace("\\ud800", "\ud800")
    assert "\ud800" in text
    assert refusal(text, fmt)[0] == ["含有无效的字符（单独的代理项）"]


@pytest.mark.parametrize("fmt", ["txt", "yaml", "json"])
def test_a_huge_import_is_refused_at_once(offline_app, fmt):
    problems, seconds, _ = refusal("1、企业名称\n" * 5_000_000, fmt)
    assert problems == ["内容过长：最多 2,000,000 个字符，请分成几份导入"]
    assert seconds < 1


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        # 60,000 numbered lines: counting the questions before each took minutes.
        ("调查\n" + "".join(f"{n % 999 + 1}、题\n" for n in range(60_000)), "txt", "questions"),
        (definition(options=["同一项"] * 80_000), "json", "questions[0].options"),
    ],
    ids=["questions", "options"],
)
def test_long_imports_are_checked_in_seconds(offline_app, text, fmt, expected):
    started = time.perf_counter()
    with pytest.raises(DefinitionError) as caught:
        load_any(text, office_zone(), fmt)
    assert time.perf_counter() - started < 10
    assert caught.value.problems[0].path == expected


def test_a_long_list_of_problems_shows_the_first_hundred(offline_app):
    questions = [{**QUESTION, "id": f"q{i}", "options": ["同一项"] * 100} for i in range(50)]
    data = {"format": "survey/v1", "title": "调查", "questions": questions}
    problems = refusal(json.dumps(data), "json")[0]
    assert problems[0] == "questions[0].options[1]: 选项“同一项”重复（第 1 行）"
    assert len(problems) == 101 and problems[-1].startswith("另有 4850 处问题未列出")


def test_more_questions_than_any_questionnaire_is_a_problem(offline_app):
    data = {"format": "survey/v1", "title": "调查", "questions": [QUESTION] * 1001}
    assert refusal(json.dumps(data), "json")[0] == ["questions: 最多 1000 道题（第 1 行）"]


def test_a_long_list_of_warnings_fits_in_the_session_cookie(client, session, login):
    login("editor")
    # Every question number skips one: each line is a warning.
    text = "调查\n" + "".join(f"{2 * n}、企业名称{n}\n" for n in range(1, 400))
    response = client.post(
        "/admin/surveys/import",
        data={"csrf_token": csrf_of(client, "/admin/"), "format": "txt", "text": text},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert len(cookie) < 4096
    page = plain(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "注意：题号 2 不连续，按第 1 题导入" in page
    assert "另有 391 条未列出" in page
    assert len(session.scalars(select(Survey)).one().questions) == 399
