"""Collection controls in a real browser: staff on a laptop set one response per device and a
防刷 question; a respondent on a phone answers the question, and is told the device has answered
when it comes back, even with the cookies cleared (form.js keeps the device's id and its answer
in storage; the server's refusal of a second response is tests/surveys/test_duplicates.py's);
staff see the personal answers masked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import LAPTOP, PHONE, log_in, shot

pytestmark = pytest.mark.browser
CHINESE_NUMBERS = "零一二三四五六七八九"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def solve(phone: Page) -> str:
    asked = phone.locator("label[for=challenge]").inner_text()
    first, second = re.search(r"(\S) 加 (\S) 等于几", asked).groups()
    return str(CHINESE_NUMBERS.index(first) + CHINESE_NUMBERS.index(second))


def test_one_response_per_device_a_challenge_and_masked_personal_answers(
    page: Page, browser: Browser, live_server, make_user, make_survey
):
    survey = make_survey(
        [
            {"id": "nature", "type": "single", "title": "企业性质", "required": True,
             "options": ["国企", "民企", "外企"]},
            {"id": "contact", "type": "person_name", "title": "联系人", "required": True},
            {"id": "phone", "type": "mobile", "title": "联系电话", "required": True},
        ],
        title="外贸企业调查问卷", issuer="招远市商务局",
    )  # fmt: skip
    make_user("editor", "liu")
    log_in(page, live_server, "liu")
    page.goto(f"{live_server}/admin/surveys/{survey.id}")
    page.get_by_role("link", name="收集规则").click()
    page.get_by_label("每台设备只能填写一次").check()
    page.get_by_label("每次提交都验证").check()
    page.get_by_role("button", name="保存").nth(2).click()
    expect(page.get_by_role("status").filter(has_text="防重复与防刷设置已保存")).to_be_visible()
    shot(page, "controls-rules")

    respondent = browser.new_context(**PHONE)
    phone = respondent.new_page()
    phone.goto(f"{live_server}/s/{survey.slug}")
    phone.get_by_label("民企").check()
    phone.get_by_label("联系人").fill("张三祥")
    phone.get_by_label("联系电话").fill("13912345678")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#challenge-error")).to_have_text("请先回答防刷验证题")
    expect(phone.get_by_label("联系人")).to_have_value("张三祥")  # nothing typed is lost
    shot(phone, "controls-phone-challenge")
    phone.get_by_label(re.compile("防刷验证")).fill(solve(phone))
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", name="提交成功")).to_be_visible()
    # The cookies cleared, the phone's storage kept: still the same device, told so before
    # typing anything.
    respondent.clear_cookies()
    phone.goto(f"{live_server}/s/{survey.slug}")
    expect(phone.get_by_text("这台设备已经提交过本问卷的答卷")).to_be_visible()
    expect(phone.get_by_role("button", name="提交")).to_be_hidden()
    shot(phone, "controls-phone-answered-here")
    respondent.close()

    page.goto(f"{live_server}/admin/surveys/{survey.id}/responses")
    page.get_by_role("link", name=re.compile(r"^\d+ 查看答卷$")).first.click()
    expect(page.get_by_text("张*祥")).to_be_visible()
    expect(page.get_by_text("139****5678")).to_be_visible()
    expect(page.get_by_text("13912345678")).to_have_count(0)
    expect(page.get_by_text("如需查看，请联系管理员")).to_be_visible()
    shot(page, "controls-response-masked")
