"""Display and skip logic: the rules against a brute-force reading, the server applying them on
submit and in the counters, option shuffling, the definition format and plain-text import."""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.config import office_zone
from survey.core.models import utcnow
from survey.surveys import counting, logic
from survey.surveys.definition import (
    DefinitionError,
    create_survey,
    dump,
    export_definition,
    load_text,
)
from survey.surveys.generate import generate_responses
from survey.surveys.logic import Condition, Jump, Rule, Step
from survey.surveys.models import Answer, Question
from survey.surveys.textimport import parse_text
from tests.helpers import fresh_form, hidden_fields, question
from tests.logic_survey import PAGED_SURVEY

OPTIONS = (0, 1, 2)


def brute_force_shown(steps: list[Step], answers: Mapping[str, Collection[Hashable]]) -> set[str]:
    """The rules read literally, one question at a time: shown when its condition and its
    page's condition hold on the answers of shown earlier questions, and no shown earlier
    question's first matching jump lands after it."""
    index = {step.key: i for i, step in enumerate(steps)}
    memo: dict[int, bool] = {}

    def seen_answers(before: int) -> dict[str, Collection[Hashable]]:
        return {s.key: answers.get(s.key, ()) for s in steps[:before] if is_shown(index[s.key])}

    def holds(rule: Rule | None, before: int) -> bool:
        if rule is None:
            return True
        seen = seen_answers(before)
        tests = [(c.option in seen.get(c.question, ())) == c.chosen for c in rule.conditions]
        return any(tests) if rule.any else all(tests)

    def landing(i: int) -> int | None:
        chosen = answers.get(steps[i].key, ())
        for jump in steps[i].jumps:
            if jump.option in chosen:
                return len(steps) if jump.to is None else index[jump.to]
        return None

    def is_shown(i: int) -> bool:
        if i not in memo:
            page = max((j for j in range(i + 1) if steps[j].page_break), default=None)
            jumped = any(
                is_shown(j) and (landing(j) or 0) > i for j in range(i) if not steps[j].page_break
            )
            memo[i] = (
                holds(steps[i].show_if, i)
                and (page is None or holds(steps[page].show_if, page))
                and not jumped
            )
        return memo[i]

    return {step.key for i, step in enumerate(steps) if is_shown(i)}


@st.composite
def surveys(draw: st.DrawFn) -> tuple[list[Step], dict[str, set[int]]]:
    """Up to 9 steps (choice questions and page breaks) with conditions on earlier questions
    and forward jumps, and a respondent's choices."""
    count = draw(st.integers(1, 9))
    breaks = [draw(st.booleans()) and i > 0 for i in range(count)]
    keys = [f"k{i}" for i in range(count)]
    steps = []
    for i in range(count):
        earlier = [keys[j] for j in range(i) if not breaks[j]]
        rule = None
        if earlier and draw(st.booleans()):
            conditions = draw(
                st.lists(
                    st.builds(
                        Condition, st.sampled_from(earlier), st.sampled_from(OPTIONS), st.booleans()
                    ),
                    min_size=1,
                    max_size=3,
                )
            )
            rule = Rule(any=draw(st.booleans()), conditions=tuple(conditions))
        jumps: tuple[Jump, ...] = ()
        if not breaks[i]:
            options = draw(st.lists(st.sampled_from(OPTIONS), unique=True, max_size=2))
            targets = st.sampled_from([*keys[i + 1 :], None])
            jumps = tuple(Jump(option, draw(targets)) for option in options)
        steps.append(Step(keys[i], breaks[i], rule, jumps))
    answers = {
        key: draw(st.sets(st.sampled_from(OPTIONS)))
        for key, is_break in zip(keys, breaks, strict=True)
        if not is_break
    }
    return steps, answers


@settings(max_examples=400, deadline=None)
@given(surveys())
def test_shown_agrees_with_the_brute_force_reading(case):
    steps, answers = case
    assert logic.shown(steps, answers) == brute_force_shown(steps, answers)


@settings(max_examples=200, deadline=None)
@given(surveys())
def test_answers_of_hidden_questions_change_nothing(case):
    """Discarding what a hidden question was sent leaves the same questions shown."""
    steps, answers = case
    visible = logic.shown(steps, answers)
    kept = {key: chosen for key, chosen in answers.items() if key in visible}
    assert logic.shown(steps, kept) == visible


def test_a_jump_to_the_end_hides_everything_after():
    steps = [Step("a", jumps=(Jump(1, None),)), Step("b"), Step("p", page_break=True), Step("c")]
    assert logic.shown(steps, {"a": {1}}) == {"a"}
    assert logic.shown(steps, {"a": {0}}) == {"a", "b", "p", "c"}


def test_a_hidden_page_hides_its_questions():
    rule = Rule(any=False, conditions=(Condition("a", 1, True),))
    steps = [Step("a"), Step("p", page_break=True, show_if=rule), Step("b"), Step("c")]
    assert logic.shown(steps, {"a": {0}}) == {"a"}
    assert logic.shown(steps, {"a": {1}}) == {"a", "p", "b", "c"}


# ---- On the server


def post(client, survey, answers: dict) -> object:
    return client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, answers))


def stored(session, survey) -> dict[str, int]:
    """Answer rows per question key."""
    rows = session.scalars(select(Answer)).all()
    keys = {q.id: q.key for q in survey.questions}
    counts: dict[str, int] = {}
    for row in rows:
        counts[keys[row.question_id]] = counts.get(keys[row.question_id], 0) + 1
    return counts


def test_hidden_questions_are_not_required(client, make_survey, session):
    survey = make_survey(PAGED_SURVEY)
    # 民企规模 (shown for 民企 only) and 出口市场 (skipped without exports) are required.
    response = post(client, survey, {"nature": "国企", "exports": "没有", "contact": "李"})
    assert response.status_code == 303
    assert stored(session, survey) == {"nature": 1, "exports": 1, "contact": 1}


def test_shown_questions_stay_required(client, make_survey):
    survey = make_survey(PAGED_SURVEY)
    response = post(client, survey, {"nature": "民企", "exports": "有", "contact": "李"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第 2 题：请选择一项" in page
    assert "第 4 题：请至少选择一项" in page


def test_answers_to_hidden_questions_are_discarded_and_not_counted(client, make_survey, session):
    survey = make_survey(PAGED_SURVEY)
    # Sent without the browser's script: answers to questions the logic hides.
    hidden = {"nature": "国企", "size": "中型", "exports": "没有", "markets": ["欧盟"]}
    assert post(client, survey, {**hidden, "share": "30%", "contact": "李"}).status_code == 303
    shown = {"nature": "民企", "size": "大型", "exports": "有", "markets": ["日韩", "欧盟"]}
    assert post(client, survey, {**shown, "contact": "王"}).status_code == 303
    assert stored(session, survey) == {
        "nature": 2,
        "size": 1,
        "exports": 2,
        "markets": 2,
        "contact": 2,
    }
    session.expire_all()
    counts = {q.key: q.respondent_count for q in session.scalars(select(Question))}
    # 本题有效填写人次: only the respondent who was shown 民企规模 and 出口市场.
    assert counts["size"] == 1
    assert counts["markets"] == 1
    assert counts["share"] == 0
    assert question(survey, "markets").options[1].answer_count == 1
    assert counting.recount(session, survey) == []


def test_fields_of_hidden_questions_are_still_known_fields(client, make_survey):
    """A hidden question's field is allowed in the post (a browser without the script sends
    it); only a field no question has is refused."""
    survey = make_survey(PAGED_SURVEY)
    data = fresh_form(client, survey, {"nature": "国企", "exports": "没有", "contact": "李"})
    assert client.post(f"/s/{survey.slug}", data={**data, "q999": "x"}).status_code == 400


def option_labels(html: str, survey, key: str) -> list[str]:
    q = question(survey, key)
    ids = [str(o.id) for o in q.options]
    found = re.findall(rf'name="q{q.id}" value="(\d+)"', html)
    assert sorted(found) == sorted(ids)
    return [next(o.label for o in q.options if str(o.id) == i) for i in found]


def test_shuffled_options_keep_their_order_for_one_respondent(client, make_survey):
    survey = make_survey(PAGED_SURVEY)
    assert survey.is_personalised
    orders = set()
    for _ in range(12):
        page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
        order = option_labels(page, survey, "markets")
        assert order[-1] == "其他"  # a fill-in option stays last
        orders.add(tuple(order))
        # The form sent back with a problem keeps the respondent's order.
        again = client.post(f"/s/{survey.slug}", data=hidden_fields(page))
        assert again.status_code == 422
        assert option_labels(again.get_data(as_text=True), survey, "markets") == order
    assert len(orders) > 1
    # Other questions keep the order they were written in.
    assert option_labels(page, survey, "nature") == ["国企", "民企", "外企"]


def test_a_survey_without_shuffled_options_is_the_same_for_everyone(make_survey):
    survey = make_survey([q for q in PAGED_SURVEY if q["id"] != "markets"])
    assert not survey.is_personalised


def test_pages_split_at_page_breaks(make_survey):
    survey = make_survey(PAGED_SURVEY)
    pages = logic.pages(survey)
    assert [(b.title if b else None, [q.key for q in qs]) for b, qs in pages] == [
        (None, ["nature", "size", "exports"]),
        ("出口情况", ["markets", "share", "contact"]),
    ]


# ---- The definition format

LOGIC = """\
format: survey/v1
title: 调查
questions:
  - id: nature
    type: single
    title: 企业性质
    options: [国企, 民企, 外企]
    skip:
      - option: 外企
        to: end
  - id: size
    type: dropdown
    title: 规模
    options: [小, 大]
    show_if:
      all:
        - question: nature
          chosen: 民企
        - question: nature
          not_chosen: 国企
  - id: more
    type: page
    title: ""
    show_if: {any: [{question: size, chosen: 大}]}
  - id: name
    type: text
    title: 名称
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_text(text, office_zone())
    return [str(p) for p in caught.value.problems]


def test_logic_round_trips(session):
    survey = create_survey(session, load_text(LOGIC, office_zone()))
    exported = export_definition(survey, office_zone())
    assert exported["questions"][0]["skip"] == [{"option": "外企", "to": "end"}]
    assert exported["questions"][1]["show_if"] == {
        "all": [
            {"question": "nature", "chosen": "民企"},
            {"question": "nature", "not_chosen": "国企"},
        ]
    }
    assert exported["questions"][2] == {
        "id": "more",
        "type": "page",
        "title": "",
        "show_if": {"any": [{"question": "size", "chosen": "大"}]},
    }
    again = create_survey(session, load_text(dump(exported), office_zone()))
    assert export_definition(again, office_zone()) == exported
    # Stored by option id: renaming an option keeps the logic.
    question(survey, "nature").options[1].label = "民营企业"
    assert export_definition(survey, office_zone())["questions"][1]["show_if"]["all"][0] == {
        "question": "nature",
        "chosen": "民营企业",
    }


def test_a_single_skip_rule_may_be_written_without_a_list(offline_app):
    text = LOGIC.replace(
        "    skip:\n      - option: 外企\n        to: end", "    skip: {option: 外企, to: name}"
    )
    definition = load_text(text, office_zone())
    assert definition["questions"][0]["skip"] == [{"option": "外企", "to": "name"}]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("question: nature\n          chosen: 民企", "question: nation\n          chosen: 民企",
         "questions[1].show_if.all[0].question: 没有题目“nation”（第 17 行）"),
        ("chosen: 民企", "chosen: 私企",
         "questions[1].show_if.all[0].chosen: “nature”没有选项“私企”（第 18 行）"),
        ("question: size, chosen: 大", "question: name, chosen: 大",
         "questions[2].show_if.any[0].question: 只能引用前面的题目（第 24 行）"),
        ("        to: end", "        to: nature",
         "questions[0].skip[0].to: 只能跳到后面的题目（第 10 行）"),
        ("        to: end", "        to: q9",
         "questions[0].skip[0].to: 没有题目“q9”，跳到结尾请写 end（第 10 行）"),
        ("      - option: 外企", "      - option: 港企",
         "questions[0].skip[0].option: “nature”没有选项“港企”（第 9 行）"),
        ("    title: 名称\n", "    title: 名称\n    skip: [{option: 是, to: end}]\n",
         "questions[3].skip[0].option: “name”不是选择题（第 28 行）"),
        ("      all:", "      every:",
         "questions[1].show_if: 应为 all（全部满足）或 any（任一满足）下的条件列表（第 15 行）"),
        ("          not_chosen: 国企", "          is: 国企",
         "questions[1].show_if.all[1]: 条件应含 question 和 chosen 或 not_chosen 之一（第 19 行）"),
    ],
)  # fmt: skip
def test_bad_references_are_reported_with_their_line(offline_app, old, new, problem):
    assert old in LOGIC
    assert problems_of(LOGIC.replace(old, new, 1)) == [problem]


# ---- Plain-text import


def test_text_import_reads_page_breaks(offline_app):
    text = """企业调查
说明
1、企业性质 [单选题]
A 国企 B 民企
---
2、名称
[分页] 出口情况
3、出口额 [数字]
"""
    definition = parse_text(text, office_zone()).definition
    kinds = [(q["type"], q["title"]) for q in definition["questions"]]
    assert kinds == [
        ("single", "企业性质"),
        ("page", ""),
        ("text", "名称"),
        ("page", "出口情况"),
        ("number", "出口额"),
    ]
    assert parse_text(text, office_zone()).warnings == []


def test_generated_responses_answer_only_what_logic_shows(session, make_survey):
    survey = make_survey(PAGED_SURVEY)
    for _ in generate_responses(session, survey, 300, utcnow(), seed=7):
        pass
    by_key = {q.key: q for q in survey.questions}
    chose = {
        (response_id, option_id)
        for response_id, option_id in session.execute(
            select(Answer.response_id, Answer.option_id).where(Answer.option_id.is_not(None))
        )
    }
    answered = {
        (response_id, question_id)
        for response_id, question_id in session.execute(
            select(Answer.response_id, Answer.question_id)
        )
    }
    responses = {response_id for response_id, _ in answered}
    private = next(o.id for o in by_key["nature"].options if o.label == "民企")
    no_exports = next(o.id for o in by_key["exports"].options if o.label == "没有")
    for response_id in responses:
        assert ((response_id, by_key["size"].id) in answered) == ((response_id, private) in chose)
        if (response_id, no_exports) in chose:
            assert (response_id, by_key["markets"].id) not in answered
    # Both branches of each rule were taken, and the counters agree with the rows.
    assert 0 < len({r for r, o in chose if o == private}) < len(responses)
    assert 0 < len({r for r, o in chose if o == no_exports}) < len(responses)
    assert not counting.recount(session, survey)
