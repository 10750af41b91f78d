"""A respondent on a small phone, and on a laptop, answers a two-page survey with display and
skip logic."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from survey.surveys.models import Answer, Response
from tests.helpers import question, shot
from tests.logic_survey import PAGED_SURVEY

pytestmark = pytest.mark.browser

SMALL_PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2,
               "is_mobile": True, "has_touch": True, "locale": "zh-CN"}  # fmt: skip


LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}


@pytest.fixture(params=["phone", "laptop"])
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args: dict, screen: str) -> dict:
    return {**browser_context_args, **(SMALL_PHONE if screen == "phone" else LAPTOP)}


def stored_answers(session, survey) -> dict[str, list[str]]:
    """The one stored response: question key -> option labels or texts."""
    session.expire_all()
    response = session.scalars(select(Response)).one()
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    keys = {q.id: q.key for q in survey.questions}
    answers: dict[str, list[str]] = {}
    for answer in session.scalars(select(Answer).where(Answer.response_id == response.id)):
        value = labels[answer.option_id] if answer.option_id else answer.text
        answers.setdefault(keys[answer.question_id], []).append(value)
    return answers


def test_paged_survey_with_logic_and_autosave(
    page: Page, live_server, make_survey, session, screen
):
    survey = make_survey(PAGED_SURVEY)
    page.goto(f"{live_server}/s/{survey.slug}")
    progress = page.locator("[data-progress-text]")
    expect(progress).to_have_text("第 1/2 页")
    size = page.get_by_role("group", name="民企规模")
    expect(size).to_be_hidden()
    expect(page.get_by_role("button", name="提交")).to_be_hidden()
    page.get_by_label("民企").check()
    expect(size).to_be_visible()
    size.get_by_text("中型").click()
    page.get_by_role("group", name="是否有出口业务").get_by_text("有", exact=True).click()
    shot(page, f"logic-page-1-{screen}")
    page.get_by_role("button", name="下一页").click()
    expect(progress).to_have_text("第 2/2 页")
    expect(page.get_by_role("heading", name="出口情况")).to_be_visible()
    expect(page.get_by_role("group", name="企业性质")).to_be_hidden()
    markets = page.get_by_role("group", name="主要出口市场")
    markets.get_by_text("欧盟").click()
    # 其他 stays last whatever the shuffled order of the others.
    expect(markets.locator(".option").last).to_contain_text("其他")
    page.get_by_role("textbox", name="联系人").fill("王经理")

    # The connection drops, the page is opened again: everything typed is back.
    page.reload()
    expect(page.get_by_text("已恢复您上次填写的内容")).to_be_visible()
    expect(page.get_by_label("民企")).to_be_checked()
    expect(size.get_by_label("中型")).to_be_checked()
    shot(page, f"logic-restored-{screen}")
    page.get_by_role("button", name="下一页").click()
    expect(markets.get_by_label("欧盟")).to_be_checked()
    expect(page.get_by_role("textbox", name="联系人")).to_have_value("王经理")

    # Back, and a different answer: no exports skips the page's questions up to 联系人.
    page.get_by_role("button", name="上一页").click()
    expect(page.get_by_label("民企")).to_be_checked()
    page.get_by_role("group", name="是否有出口业务").get_by_text("没有").click()
    page.get_by_role("button", name="下一页").click()
    expect(markets).to_be_hidden()
    expect(page.get_by_role("textbox", name="联系人")).to_have_value("王经理")
    shot(page, f"logic-page-2-skipped-{screen}")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('survey:'))")
    assert kept == []
    # The hidden 出口市场 was never sent; what was seen is stored.
    assert stored_answers(session, survey) == {
        "nature": ["民企"],
        "size": ["中型"],
        "exports": ["没有"],
        "contact": ["王经理"],
    }

    # Opened again later: nothing to restore.
    page.goto(f"{live_server}/s/{survey.slug}?again=1")
    expect(page.get_by_label("民企")).not_to_be_checked()
    expect(page.get_by_text("已恢复您上次填写的内容")).to_be_hidden()


def test_a_required_question_left_empty_is_caught_before_the_page_turns_or_is_sent(
    page: Page, live_server, make_survey, session, screen
):
    survey = make_survey(PAGED_SURVEY)
    page.goto(f"{live_server}/s/{survey.slug}")
    progress = page.locator("[data-progress-text]")
    page.get_by_role("group", name="是否有出口业务").get_by_text("有", exact=True).click()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("button", name="下一页").click()
    nature = page.get_by_role("group", name="企业性质")
    expect(progress).to_have_text("第 1/2 页")  # the page does not turn
    expect(nature.get_by_text("此题为必答题，请回答后再继续")).to_be_visible()
    expect(nature).to_be_in_viewport()  # scrolled to the first problem
    expect(page.get_by_label("国企")).to_be_focused()
    page.get_by_label("国企").check()
    expect(nature.get_by_text("此题为必答题")).to_have_count(0)  # gone once answered
    page.get_by_role("button", name="下一页").click()
    expect(progress).to_have_text("第 2/2 页")
    page.get_by_role("textbox", name="联系人").fill("王经理")
    page.get_by_role("button", name="提交").click()
    markets = page.get_by_role("group", name="主要出口市场")
    expect(markets.get_by_text("此题为必答题，请回答后再继续")).to_be_visible()
    expect(page.get_by_role("button", name="提交")).to_be_enabled()  # usable once fixed
    shot(page, f"logic-required-page-2-{screen}")
    assert session.scalars(select(Response)).all() == []  # nothing was sent
    # The server's check stays: a post it finds wanting opens the page of the problem.
    page.get_by_role("button", name="上一页").click()
    expect(page.get_by_label("国企")).to_be_checked()


def test_missing_answer_found_by_the_server_opens_its_page(
    page: Page, live_server, make_survey, screen
):
    survey = make_survey(PAGED_SURVEY)
    page.goto(f"{live_server}/s/{survey.slug}")
    page.get_by_label("国企").check()
    page.get_by_role("group", name="是否有出口业务").get_by_text("有", exact=True).click()
    page.get_by_role("button", name="下一页").click()
    page.get_by_role("textbox", name="联系人").fill("王经理")
    markets = page.get_by_role("group", name="主要出口市场")
    markets.get_by_text("其他").click()  # 其他 chosen, its blank left empty: the server's rule
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("[data-progress-text]")).to_have_text("第 2/2 页")
    expect(markets).to_be_visible()
    shot(page, f"logic-error-page-2-{screen}")


def test_paged_survey_without_javascript(browser: Browser, live_server, make_survey, session):
    survey = make_survey(PAGED_SURVEY)
    context = browser.new_context(**SMALL_PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/s/{survey.slug}")
    # Every page is there in turn, under its heading; every question too.
    expect(page.get_by_role("heading", name="第 1 页")).to_be_visible()
    expect(page.get_by_role("heading", name="出口情况")).to_be_visible()
    expect(page.get_by_role("button", name="下一页")).to_be_hidden()
    page.get_by_label("国企").check()
    page.get_by_role("group", name="是否有出口业务").get_by_text("没有").click()
    # Answered although the logic hides it: the server drops it.
    page.get_by_role("group", name="主要出口市场").get_by_text("欧盟").click()
    page.get_by_role("textbox", name="联系人").fill("李女士")
    shot(page, "logic-no-js")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    context.close()
    assert stored_answers(session, survey) == {
        "nature": ["国企"],
        "exports": ["没有"],
        "contact": ["李女士"],
    }
    assert question(survey, "markets").key == "markets"
