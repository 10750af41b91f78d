"""A respondent on a phone, in a real headless Chromium driven by Playwright."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from survey.surveys.models import Response
from tests.helpers import shot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}  # fmt: skip


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **PHONE}


def count_responses(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Response))


def fill_demo(page: Page) -> None:
    """Answer the demo questionnaire by tapping labels and typing, as a respondent does."""
    page.get_by_label("民企").check()
    page.get_by_role("group", name="2. 主要贸易方式").get_by_label("加工贸易").check()
    markets = page.get_by_role("group", name="3. 产品主要出口、进口国家(地区)")
    markets.get_by_text("日韩", exact=True).click()
    markets.get_by_text("欧盟", exact=True).click()
    products = page.get_by_role("group", name="4. 产品主要类型")
    products.get_by_text("其他", exact=True).click()
    products.get_by_placeholder("请注明").fill("黄金饰品")
    page.get_by_role("group", name="5. 对明年订单的预期").get_by_text("增加").click()
    page.get_by_role("textbox", name="企业名称").fill("招远市测试贸易有限公司")
    page.get_by_role("textbox", name="进出口情况").fill("与去年持平")


def test_respondent_answers_on_a_phone(page: Page, live_server, demo_survey, session):
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("招远市商务局外贸企业调查问卷")
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    fill_demo(page)
    shot(page, "phone-answer-filled")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    shot(page, "phone-thanks")
    assert count_responses(session) == 5


def test_invalid_answer_keeps_what_was_typed(page: Page, live_server, demo_survey, session):
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    fill_demo(page)
    page.get_by_role("textbox", name="企业名称").fill("")
    page.get_by_role("button", name="提交").click()
    name_question = page.get_by_role("group", name="6. 企业名称")
    # Caught in the browser before anything is sent (the server checks the same).
    expect(name_question.locator(".field-error")).to_have_text("此题为必答题，请回答后再继续")
    expect(page.get_by_role("textbox", name="企业名称")).to_be_focused()
    # Everything else is still as the respondent left it.
    expect(page.get_by_label("民企")).to_be_checked()
    expect(
        page.get_by_role("group", name="4. 产品主要类型").get_by_placeholder("请注明")
    ).to_have_value("黄金饰品")
    expect(page.get_by_role("textbox", name="进出口情况")).to_have_value("与去年持平")
    shot(page, "phone-invalid")
    page.get_by_role("textbox", name="企业名称").fill("招远市测试贸易有限公司")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    assert count_responses(session) == 5


def test_back_after_a_corrected_submission_shows_the_form(
    page: Page, live_server, make_survey, session
):
    survey = make_survey([{"id": "phone", "type": "mobile", "title": "联系电话", "required": True}])
    page.goto(f"{live_server}/s/{survey.slug}")
    phone = page.get_by_role("textbox", name="联系电话")
    phone.fill("1381234")
    page.get_by_role("button", name="提交").click()  # refused by the server: too short
    expect(page.locator(".field-error")).to_contain_text("请填写 11 位手机号码")
    phone.fill("13812345678")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    # Back leads to the questionnaire's page (which knows this device answered), not to
    # Chromium's "Confirm Form Resubmission".
    page.go_back()
    expect(page.get_by_role("heading", name="您已提交过本问卷")).to_be_visible()
    page.get_by_role("link", name="再填写一份").click()
    expect(page.get_by_role("textbox", name="联系电话")).to_have_value("")
    assert count_responses(session) == 1


FIELD_BOX = """el => { const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return [parseFloat(s.fontSize), Math.round(r.height), Math.round(r.width)]; }"""


def test_every_kind_of_field_has_the_text_fields_size(page: Page, live_server, make_survey):
    survey = make_survey([
        {"id": "name", "type": "text", "title": "联系人"},
        {"id": "phone", "type": "mobile", "title": "手机号码"},
        {"id": "mail", "type": "email", "title": "电子邮箱"},
        {"id": "day", "type": "date", "title": "成立日期"},
    ])  # fmt: skip
    page.goto(f"{live_server}/s/{survey.slug}")
    text_size, text_height, text_width = page.get_by_role("textbox", name="联系人").evaluate(
        FIELD_BOX
    )
    assert text_size >= 16 and text_height >= 44  # iOS zooms into a field under 16 px
    for name in ("手机号码", "电子邮箱", "成立日期"):
        size, height, width = page.get_by_label(name).evaluate(FIELD_BOX)
        assert (size, height, width) == (text_size, text_height, text_width), name
    page.goto(f"{live_server}/admin/login")
    username = page.get_by_label("用户名").evaluate(FIELD_BOX)
    password = page.get_by_label("密码").evaluate(FIELD_BOX)
    assert password == username and password[0] >= 16


def test_answering_works_with_javascript_off(browser: Browser, live_server, demo_survey, session):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    fill_demo(page)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    context.close()
    assert count_responses(session) == 5


def test_double_tap_on_submit_stores_one_response(page: Page, live_server, demo_survey, session):
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    fill_demo(page)
    page.get_by_role("button", name="提交").dblclick()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    assert count_responses(session) == 5


def test_results_page_shows_table_and_chart(page: Page, live_server, demo_survey):
    page.goto(f"{live_server}/s/{demo_survey.slug}/results")
    first = page.locator("#result-1")
    expect(first.get_by_role("heading")).to_have_text("1 企业性质 [单选题]")
    rows = first.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td")).to_have_text(["国企", "1", "25%"])
    expect(rows.nth(1).locator("td")).to_have_text(["民企", "3", "75%"])
    expect(rows.nth(2).locator("td")).to_have_text(["外企", "0", "0%"])
    expect(first.locator("tfoot th, tfoot td")).to_have_text(["本题有效填写人次", "4", ""])
    # Each chart is a drawing made when the results were published, the phone's one shown.
    charts = page.locator(".chart")
    expect(charts).to_have_count(5)
    for index in range(5):
        expect(charts.nth(index).locator(".chart-narrow svg")).to_be_visible()
        expect(charts.nth(index).locator(".chart-wide svg")).to_be_hidden()
    expect(page.locator("#result-3 .chart-narrow .bars path")).to_have_count(13)
    assert page.evaluate("typeof window.Plotly") == "undefined"
    shot(page, "phone-results")


def test_chinese_text_renders_with_a_cjk_font(page: Page, live_server, demo_survey):
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '企业性质')")
    # Glyphs of a real CJK font are square: two characters are about twice the font size wide.
    width = page.evaluate(
        """() => { const s = document.createElement('span'); s.textContent = '企业';
        s.style.font = '20px "Noto Sans CJK SC"'; document.body.append(s);
        return s.getBoundingClientRect().width; }"""
    )
    assert 38 <= width <= 42


@pytest.mark.parametrize("path", ["/", "/s/{slug}", "/s/{slug}/results", "/s/{slug}/thanks"])
def test_pages_have_no_accessibility_violations(page: Page, live_server, demo_survey, path):
    page.goto(live_server + path.format(slug=demo_survey.slug))
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []


def test_invalid_page_has_no_accessibility_violations(page: Page, live_server, demo_survey):
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("[data-client-error]").first).to_be_visible()  # caught in the browser
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []
    # And the server's page of problems, as a browser without the script gets it.
    page.route("**/js/form.js?*", lambda route: route.abort())
    page.goto(f"{live_server}/s/{demo_survey.slug}")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#error-summary")).to_contain_text("第 6 题：请填写此项")
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []
