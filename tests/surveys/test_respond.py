"""Answering a survey through the test client: the page, valid and invalid posts, refusals."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.config import office_zone
from survey.core.models import utcnow
from survey.surveys import lifecycle, publication
from survey.surveys.design import add_question, delete_question, move_question, update_settings
from survey.surveys.models import Answer, Response
from tests.helpers import form_for, fresh_form, hidden_fields, option_id, plain, question

QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "required": True,
     "options": ["国企", "民企", {"label": "其他", "fill_in": True}]},
    {"id": "trade", "type": "multiple", "title": "贸易方式", "min_choices": 1, "max_choices": 2,
     "options": ["一般贸易", "加工贸易", "保税物流"]},
    {"id": "city", "type": "dropdown", "title": "所在区县", "options": ["招远", "龙口", "莱州"]},
    {"id": "name", "type": "text", "title": "企业名称", "required": True, "max_length": 20},
    {"id": "advice", "type": "textarea", "title": "意见建议"},
    {"id": "staff", "type": "number", "title": "员工人数", "min": 0, "max": 99999, "integer": True},
]  # fmt: skip

GOOD = {"nature": "民企", "trade": ["一般贸易", "保税物流"], "city": "龙口",
        "name": "招远金都机械", "advice": "希望多办培训\n线上也可以", "staff": "120"}  # fmt: skip


@pytest.fixture
def survey(make_survey):
    return make_survey(QUESTIONS, issuer="招远市商务局")


def count_responses(session) -> int:
    return session.scalar(select(func.count()).select_from(Response))


def test_answer_page_is_accessible_markup(client, survey):
    html = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert html.count("<fieldset") == len(QUESTIONS)
    assert html.count("<legend") == len(QUESTIONS)
    assert "企业性质" in html and "招远市商务局" in html
    # Every radio button and checkbox has a label bound to it.
    for input_id in re.findall(r'<input type="(?:radio|checkbox)" id="([^"]+)"', html):
        assert f'<label for="{input_id}">' in html
    assert 'name="viewport"' in html
    assert "请选择 1–2 项" in html  # the multiple-choice limits are told up front
    assert "请填写 0 到 99999 之间的整数" in html and 'inputmode="numeric"' in html


def test_valid_answer_is_stored_and_thanked(client, session, survey):
    response = client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, GOOD))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/s/{survey.slug}/thanks")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "提交成功" in thanks
    stored = session.scalars(select(Answer).order_by(Answer.id)).all()
    assert {(a.question_id, a.option_id, a.text, a.number) for a in stored} == {
        (
            question(survey, "nature").id,
            int(option_id(question(survey, "nature"), "民企")),
            None,
            None,
        ),
        (
            question(survey, "trade").id,
            int(option_id(question(survey, "trade"), "一般贸易")),
            None,
            None,
        ),
        (
            question(survey, "trade").id,
            int(option_id(question(survey, "trade"), "保税物流")),
            None,
            None,
        ),
        (question(survey, "city").id, int(option_id(question(survey, "city"), "龙口")), None, None),
        (question(survey, "name").id, None, "招远金都机械", None),
        (question(survey, "advice").id, None, "希望多办培训\n线上也可以", None),
        (question(survey, "staff").id, None, None, 120.0),
    }


def test_fill_in_text_of_other_is_kept(client, session, survey):
    nature = question(survey, "nature")
    other = option_id(nature, "其他")
    data = fresh_form(client, survey, {**GOOD, "nature": "其他"})
    data[f"q{nature.id}-o{other}"] = "集体企业"
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 303
    assert session.scalar(select(Answer.text).where(Answer.option_id == int(other))) == "集体企业"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nature": None}, "请选择一项"),
        ({"name": ""}, "请填写此项"),
        ({"name": "很" * 21}, "最多填写 20 个字"),
        ({"trade": ["一般贸易", "加工贸易", "保税物流"]}, "最多选择 2 项"),
        ({"staff": "十二"}, "请填写数字"),
        ({"staff": "12.5"}, "请填写整数"),
        ({"staff": "-3"}, "不能小于 0"),
    ],
)
def test_invalid_answer_keeps_everything_and_explains(client, session, survey, change, message):
    answers = {**GOOD, **{k: v for k, v in change.items() if v is not None}}
    for key in (k for k, v in change.items() if v is None):
        answers.pop(key)
    response = client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, answers))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="field-error" id="q' in html and message in html
    # What the respondent typed or chose is still there.
    assert "希望多办培训\n线上也可以</textarea>" in html
    assert f'value="{option_id(question(survey, "city"), "龙口")}" selected' in html
    if "name" not in change:
        assert 'value="招远金都机械"' in html
    if "nature" not in change:
        assert re.search(rf'value="{option_id(question(survey, "nature"), "民企")}" checked', html)
    assert count_responses(session) == 0


def test_other_text_without_choosing_other_is_explained(client, survey):
    nature = question(survey, "nature")
    data = fresh_form(client, survey, GOOD)
    data[f"q{nature.id}-o{option_id(nature, '其他')}"] = "集体企业"
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请同时选择“其他”" in html and 'value="集体企业"' in html


@pytest.mark.parametrize("typed", ["", "   ", "\u200b"])
def test_choosing_other_asks_what_it_is(client, session, survey, typed):
    nature = question(survey, "nature")
    data = fresh_form(client, survey, {**GOOD, "nature": "其他"})
    data[f"q{nature.id}-o{option_id(nature, '其他')}"] = typed
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 422
    assert "请注明“其他”的具体内容" in response.get_data(as_text=True)
    assert count_responses(session) == 0


def test_invisible_characters_do_not_answer_a_required_question(client, survey):
    response = client.post(
        f"/s/{survey.slug}", data=fresh_form(client, survey, {**GOOD, "name": "\u200b\ufeff"})
    )
    assert response.status_code == 422 and "请填写此项" in response.get_data(as_text=True)


def test_nul_characters_are_refused_not_crashed_on(client, survey):
    response = client.post(
        f"/s/{survey.slug}", data=fresh_form(client, survey, {**GOOD, "name": "a\x00b"})
    )
    assert response.status_code == 400
    assert client.get("/s/a%00b").status_code == 400
    assert client.get("/s/a%00b/results").status_code == 400


def test_head_requests_are_answered(client, survey):
    assert client.head(f"/s/{survey.slug}").status_code == 200


def test_resubmitting_the_same_page_stores_one_response(client, session, survey):
    data = fresh_form(client, survey, GOOD)
    first = client.post(f"/s/{survey.slug}", data=data)
    second = client.post(f"/s/{survey.slug}", data=data)
    assert first.status_code == second.status_code == 303
    assert count_responses(session) == 1
    # Another respondent on the same device asks for a fresh form.
    page = client.get(f"/s/{survey.slug}?again=1").get_data(as_text=True)
    client.post(f"/s/{survey.slug}", data={**hidden_fields(page), **form_for(survey, GOOD)})
    assert count_responses(session) == 2


def test_back_after_submitting_says_so_instead_of_a_blank_form(client, session, survey):
    assert (
        client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, GOOD)).status_code == 303
    )
    back = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "您已提交过本问卷" in back and "<form" not in back
    # Someone else at the same device may still answer, on purpose.
    again = client.get(f"/s/{survey.slug}?again=1").get_data(as_text=True)
    assert 'class="survey-form"' in again
    assert count_responses(session) == 1


def test_an_invalid_attempt_then_a_correction_stores_one_response(client, session, survey):
    data = fresh_form(client, survey, {**GOOD, "name": ""})
    retry = client.post(f"/s/{survey.slug}", data=data)
    assert retry.status_code == 422
    corrected = {**hidden_fields(retry.get_data(as_text=True)), **form_for(survey, GOOD)}
    assert corrected["submission"] == data["submission"]
    assert client.post(f"/s/{survey.slug}", data=corrected).status_code == 303
    assert client.post(f"/s/{survey.slug}", data=corrected).status_code == 303
    assert count_responses(session) == 1


def tampered(survey, data: dict, kind: str) -> None:
    """Change a genuine form post into one no form of ours produces."""
    nature, trade = question(survey, "nature"), question(survey, "trade")
    field = f"q{nature.id}"
    changes = {
        "unknown field": {"bogus": "1"},
        "foreign option": {field: "999999"},
        "option of another question": {field: option_id(trade, "一般贸易")},
        "not an id": {field: "abc"},
        "two options for single choice": {
            field: [option_id(nature, "国企"), option_id(nature, "民企")]
        },
        "repeated option": {f"q{trade.id}": [option_id(trade, "一般贸易")] * 2},
        "forged token": {"submission": "forged"},
        "oversized value": {f"q{question(survey, 'advice').id}": "长" * 20001},
        "two texts for one field": {f"q{question(survey, 'name').id}": ["a", "b"]},
    }
    if kind == "missing token":
        data.pop("submission")
    else:
        data.update(changes[kind])


@pytest.mark.parametrize(
    "kind",
    [
        "unknown field",
        "foreign option",
        "option of another question",
        "not an id",
        "two options for single choice",
        "repeated option",
        "forged token",
        "missing token",
        "oversized value",
        "two texts for one field",
    ],
)
def test_malformed_posts_are_refused_with_400(client, session, survey, kind):
    data = fresh_form(client, survey, GOOD)
    tampered(survey, data, kind)
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 400
    assert "提交的内容无法识别" in response.get_data(as_text=True)
    assert count_responses(session) == 0


def test_token_of_another_survey_is_refused(client, session, survey, make_survey):
    other = make_survey(QUESTIONS)
    data = fresh_form(client, survey, GOOD)
    data["submission"] = hidden_fields(client.get(f"/s/{other.slug}").get_data(as_text=True))[
        "submission"
    ]
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 400
    assert count_responses(session) == 0


def test_oversized_body_is_refused_with_413(client, survey):
    data = fresh_form(client, survey, GOOD)
    data["advice"] = "x" * (600 * 1024)
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)


def test_garbage_body_is_a_400_not_a_500(client, survey):
    response = client.post(
        f"/s/{survey.slug}", data=b"\xff\xfe%%%", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_a_form_posted_from_another_browser_is_not_taken(app, session, survey):
    # The form's token is its CSRF token: it holds the id of the browser it was given to.
    # A post of it by another browser (a forging site, or this one after its cookies were
    # cleared) stores nothing, and whoever is at that browser keeps what was posted.
    data = fresh_form(app.test_client(), survey, GOOD)
    other = app.test_client()
    response = other.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "页面已过期，您填写的内容都已保留" in html
    assert 'value="招远金都机械"' in html
    assert count_responses(session) == 0
    # Submitting the re-rendered page, as the respondent would, stores the answer.
    retry = {**hidden_fields(html), **form_for(survey, GOOD)}
    assert retry["submission"] != data["submission"]
    assert other.post(f"/s/{survey.slug}", data=retry).status_code == 303
    assert count_responses(session) == 1


def test_a_form_without_the_respondent_cookie_is_not_taken(client, session, survey):
    data = fresh_form(client, survey, GOOD)
    client.delete_cookie("respondent", path="/s/")
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 400
    assert count_responses(session) == 0


def test_respondents_carry_no_session(client, survey):
    """Answering needs no signed session: only the respondent cookie, which is HttpOnly and
    kept from other sites' posts."""
    page = client.get(f"/s/{survey.slug}")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("respondent=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get_cookie("session") is None
    assert "Set-Cookie" not in client.get(f"/s/{survey.slug}?again=1").headers


def test_survey_not_started_says_when_it_opens(client, make_survey):
    start = utcnow() + timedelta(days=3)
    survey = make_survey(QUESTIONS, opens=start.strftime("%Y-%m-%d"))
    html = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "本次调查尚未开始" in html and "<form" not in html
    assert "征集时间" in html and start.strftime("%Y-%m-%d") in html


def test_closed_survey_says_so_and_refuses_answers(client, session, make_survey):
    survey = make_survey(QUESTIONS)
    # Opened for a window that has since passed.
    survey.opens_at, survey.closes_at = datetime(2023, 10, 31, 16), datetime(2023, 11, 30, 16)
    session.commit()
    html = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "本次调查已结束" in html and "2023-11-01 至 2023-11-30" in plain(html)
    late = client.post(f"/s/{survey.slug}", data=form_for(survey, GOOD))
    assert late.status_code == 409
    assert count_responses(session) == 0


def test_a_page_opened_before_closing_cannot_submit_after(client, session, survey):
    data = fresh_form(client, survey, GOOD)
    survey.close(utcnow())
    session.commit()
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 409
    assert count_responses(session) == 0


def test_drafts_and_unknown_surveys_are_not_found(client, make_survey):
    draft = make_survey(QUESTIONS, status="draft")
    assert client.get(f"/s/{draft.slug}").status_code == 404
    missing = client.get("/s/nosuchthing")
    assert missing.status_code == 404
    assert "您访问的页面不存在" in missing.get_data(as_text=True)


def test_thirty_respondents_behind_one_address_all_get_through(client, session, survey):
    for _ in range(30):
        assert (
            client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, GOOD)).status_code
            == 303
        )
    assert count_responses(session) == 30


def test_a_flood_from_one_address_is_slowed_down(app, client, survey):
    app.config["RESPONSE_RATE_LIMIT"] = "5 per minute"
    codes = [
        client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, GOOD)).status_code
        for _ in range(6)
    ]
    assert codes == [303] * 5 + [429]
    assert client.get(f"/s/{survey.slug}").status_code == 200  # reading stays possible


# Each process keeps a copy of the questionnaire for respondents: it must never show a stale one.


def _settings(survey, **changes):
    fields = {"title": survey.title, "issuer": survey.issuer, "description": survey.description,
              "thank_you": survey.thank_you, "opens_at": survey.opens_at,
              "closes_at": survey.closes_at}  # fmt: skip
    return {**fields, **changes}


@pytest.mark.parametrize(
    ("change", "seen"),
    [
        (
            lambda s, sv, ed: update_settings(s, sv, ed, **_settings(sv, title="新的标题")),
            "新的标题",
        ),
        (lambda s, sv, ed: add_question(s, sv, ed, "text"), "7. 新的单行填空"),
        (lambda s, sv, ed: move_question(s, question(sv, "advice"), ed, -4), "1. 意见建议"),
        (lambda s, sv, ed: lifecycle.close_survey(s, sv, ed), "已结束"),
    ],
    ids=["settings", "new question", "order", "closed"],
)
def test_respondents_see_a_design_change_at_once(client, session, survey, make_user, change, seen):
    assert seen not in plain(client.get(f"/s/{survey.slug}").get_data(as_text=True))
    change(session, survey, make_user("editor"))
    session.commit()
    assert seen in plain(client.get(f"/s/{survey.slug}").get_data(as_text=True))


def test_a_deleted_question_leaves_the_form_at_once(client, session, survey, make_user):
    assert "意见建议" in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    delete_question(session, question(survey, "advice"), make_user("editor"))
    session.commit()
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "意见建议" not in page and page.count("<fieldset") == len(QUESTIONS) - 1


def test_counting_a_response_keeps_the_design_version(client, session, survey):
    version = survey.design_version
    assert (
        client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, GOOD)).status_code == 303
    )
    session.expire_all()
    assert survey.response_count == 1 and survey.design_version == version


def test_the_next_respondent_never_sees_what_another_typed(client, survey):
    typed = fresh_form(client, survey, {**GOOD, "staff": "很多人"})
    refused = client.post(f"/s/{survey.slug}", data=typed).get_data(as_text=True)
    assert "很多人" in refused and "招远金都机械" in refused  # kept for the one who typed it
    page = client.get(f"/s/{survey.slug}?again=1").get_data(as_text=True)
    assert "很多人" not in page and "招远金都机械" not in page and "checked" not in page
    assert hidden_fields(page)["submission"] != typed["submission"]


def test_each_respondent_gets_tokens_of_their_own(app, survey):
    first, second = app.test_client(), app.test_client()
    forms = [fresh_form(client, survey, GOOD) for client in (first, second)]
    assert first.get_cookie("respondent", path="/s/").value != (
        second.get_cookie("respondent", path="/s/").value
    )
    assert forms[0]["submission"] != forms[1]["submission"]
    for client, data in zip((first, second), forms, strict=True):
        assert client.post(f"/s/{survey.slug}", data=data).status_code == 303


def test_the_form_speaks_the_language_each_respondent_chose(client, survey):
    assert "提交" in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert ">Submit<" in english and 'lang="en"' in english
    client.get("/lang/zh_Hans_CN")
    assert 'lang="zh-CN"' in client.get(f"/s/{survey.slug}").get_data(as_text=True)


def test_the_thank_you_page_follows_publication(client, session, survey, make_user):
    assert "查看结果反馈" not in client.get(f"/s/{survey.slug}/thanks").get_data(as_text=True)
    publication.publish(session, survey, make_user("editor"), utcnow(), office_zone())
    session.commit()
    assert "查看结果反馈" in client.get(f"/s/{survey.slug}/thanks").get_data(as_text=True)


def test_shuffled_options_are_not_served_from_one_kept_page(app, make_survey):
    shuffled = make_survey([{"id": "markets", "type": "multiple", "title": "主要出口市场",
                             "shuffle": True, "options": list("ABCDEFGH")}])  # fmt: skip
    orders = set()
    for _ in range(4):
        page = app.test_client().get(f"/s/{shuffled.slug}").get_data(as_text=True)
        orders.add(tuple(re.findall(r'name="q\d+" value="(\d+)"', page)))
    assert len(orders) > 1  # four respondents with one order of eight options: 1 in 40,320³
