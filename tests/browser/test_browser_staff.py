"""A staff member builds a survey in the designer in a real Chromium; a respondent answers it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from survey.surveys.models import Response
from tests.helpers import LAPTOP, PHONE, log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def edit_question(page: Page, number: int):
    return page.locator(".question-editor").nth(number - 1)


def test_staff_build_open_and_watch_responses(page: Page, browser: Browser, live_server, make_user):
    make_user("editor", "liu")
    log_in(page, live_server, "liu")
    page.get_by_role("link", name="新建问卷").click()
    page.get_by_label("问卷标题").fill("企业用工需求调查")
    page.get_by_label("发布单位").fill("招远市商务局")
    page.get_by_role("button", name="创建并编辑题目").click()
    expect(page.get_by_role("heading", name="编辑问卷")).to_be_visible()

    # 1: a single choice with three options, the third added with the button.
    page.get_by_label("添加题目").select_option(label="单选题")
    page.get_by_role("button", name="添加", exact=True).click()
    first = edit_question(page, 1)
    first.get_by_label("题目").fill("企业性质")
    first.get_by_label("必答").check()
    labels = first.locator("input[name=option_label]")
    labels.nth(0).fill("国企")
    labels.nth(1).fill("民企")
    first.get_by_role("button", name="＋ 添加选项").click()
    first.locator("input[name=option_label]").last.fill("外企")
    first.get_by_role("button", name="保存第 1 题").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()

    # 2: a multiple choice whose last option takes a fill-in, limited to two choices.
    page.get_by_label("添加题目").select_option(label="多选题")
    page.get_by_role("button", name="添加", exact=True).click()
    second = edit_question(page, 2)
    second.get_by_label("题目").fill("主要贸易方式")
    second.get_by_label("最多选择几项").fill("2")
    options = second.locator("input[name=option_label]")
    options.nth(0).fill("一般贸易")
    options.nth(1).fill("加工贸易")
    options.nth(2).fill("其他")
    second.locator(".option-row").nth(2).get_by_label("需填写说明").check()
    second.get_by_role("button", name="保存第 2 题").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()

    # 3: a fill-in.
    page.get_by_label("添加题目").select_option(label="单行填空")
    page.get_by_role("button", name="添加", exact=True).click()
    third = edit_question(page, 3)
    third.get_by_label("题目").fill("企业名称")
    third.get_by_role("button", name="保存第 3 题").click()
    expect(page.get_by_role("heading", name="3. 企业名称 [填空题]")).to_be_visible()

    # The preview shows the page as a respondent will see it.
    preview = page.frame_locator("iframe.preview-frame")
    expect(preview.get_by_role("group", name="1. 企业性质")).to_be_visible()
    expect(preview.get_by_text("最多选择 2 项")).to_be_visible()
    expect(preview.get_by_placeholder("请注明")).to_be_visible()
    shot(page, "staff-designer")

    page.get_by_role("link", name="完成，去开始收集").click()
    page.get_by_role("button", name="开始收集").click()
    expect(page.get_by_role("status").filter(has_text="已开始收集")).to_be_visible()
    link = page.locator(".facts a[href*='/s/']").get_attribute("href")

    page.get_by_role("link", name="问卷", exact=True).click()
    row = page.get_by_role("row").filter(has_text="企业用工需求调查")
    expect(row.locator(".response-count")).to_have_text("0")

    # A respondent, in a browser of their own, answers on a phone.
    respondent = browser.new_context(**PHONE)
    phone = respondent.new_page()
    phone.goto(live_server + link)
    phone.get_by_label("民企").check()
    phone.get_by_label("一般贸易").check()
    phone.get_by_role("group", name="2. 主要贸易方式").get_by_label("其他", exact=True).check()
    phone.get_by_placeholder("请注明").fill("跨境电商")
    phone.get_by_role("textbox", name="企业名称").fill("招远市某贸易公司")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", name="提交成功")).to_be_visible()
    respondent.close()

    page.reload()
    expect(row.locator(".response-count")).to_have_text("1")
    shot(page, "staff-dashboard")


def test_staff_pages_have_no_accessibility_violations(
    page: Page, live_server, make_user, demo_survey, session
):
    make_user("admin", "zhou")
    log_in(page, live_server, "zhou")
    overview = f"/admin/surveys/{demo_survey.id}"
    nature, trade = demo_survey.questions[0], demo_survey.questions[1]
    response = session.scalars(select(Response.id).order_by(Response.id)).first()
    typed = next(q for q in demo_survey.questions if q.type == "text")
    pages = {"dashboard": "/admin/", "report": overview, "designer": f"{overview}/edit",
             "invitations": f"{overview}/invitations", "import": "/admin/surveys/import",
             "users": "/admin/users", "audit": "/admin/audit",
             "responses": f"{overview}/responses", "response": f"/admin/responses/{response}",
             "answers": f"/admin/questions/{typed.id}/answers", "publish": f"{overview}/publish",
             "crosstab": f"{overview}/crosstab?rows={nature.id}&columns={trade.id}"}  # fmt: skip
    for name, path in pages.items():
        page.goto(live_server + path)
        violations = Axe().run(page).response["violations"]
        assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == [], path
        shot(page, f"staff-{name}")


def test_switching_a_chart_type_redraws_it_in_place(
    page: Page, live_server, make_user, demo_survey
):
    make_user("viewer", "sun")
    log_in(page, live_server, "sun")
    page.goto(f"{live_server}/admin/surveys/{demo_survey.id}")
    first = page.locator("#result-1")
    expect(first.locator(".chart .pielayer")).to_be_visible()
    page.evaluate("window.notReloaded = true")  # gone if the page loads again
    first.get_by_role("link", name="条形").click()
    expect(first.locator(".chart .barlayer .point").first).to_be_visible()
    expect(first.get_by_role("link", name="条形")).to_have_attribute("aria-current", "true")
    first.get_by_role("link", name="表格").click()
    expect(first.locator(".chart")).to_be_hidden()
    first.get_by_role("link", name="圆环").click()
    expect(first.locator(".chart .pielayer")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    # The address names the kind shown, so that a reload keeps it.
    nature = demo_survey.questions[0]
    assert f"chart-{nature.id}=doughnut" in page.url
    page.reload()
    expect(page.locator("#result-1").get_by_role("link", name="圆环")).to_have_attribute(
        "aria-current", "true"
    )
    shot(page, "staff-chart-switch")
