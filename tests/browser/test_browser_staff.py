"""A staff member builds a survey in the designer in a real Chromium; a respondent answers it."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from survey.surveys.models import Response, Survey
from tests.helpers import LAPTOP, PHONE, log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def card(page: Page, number: int):
    return page.locator("#questions > .q-card").nth(number - 1)


def add(page: Page, kind: str):
    """Click a type in the palette: the new question opens at the end, its title focused."""
    page.locator(".palette").get_by_role("button", name=kind, exact=True).click()
    editor = page.locator(".q-card.editing").last
    expect(editor.get_by_label("题目")).to_be_focused()
    return editor


def paste_options(page: Page, editor, lines: list[str]) -> None:
    """Paste lines copied from elsewhere into the first option's box, over what it holds."""
    page.evaluate("text => navigator.clipboard.writeText(text)", "\n".join(lines))
    box = editor.locator("input[name=option_label]").first
    box.click()
    box.press("Control+A")
    box.press("Control+V")


def drag(page: Page, handle, onto) -> None:
    """Drag by the handle, as a hand does, to the top of another question (in view)."""
    handle.scroll_into_view_if_needed()
    start, end = handle.bounding_box(), onto.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 40, end["y"] + 10, steps=20)
    page.mouse.up()


def saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^已保存"))


def test_staff_build_open_and_watch_responses(
    page: Page, browser: Browser, live_server, make_user, session
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    make_user("editor", "liu")
    log_in(page, live_server, "liu")
    page.get_by_role("link", name="新建问卷").click()
    page.get_by_label("问卷标题").fill("企业用工需求调查")
    page.get_by_label("发布单位").fill("招远市商务局")
    page.get_by_role("button", name="创建并编辑题目").click()
    expect(page.get_by_role("heading", name="编辑问卷")).to_be_visible()

    # 1: a single choice, its options pasted as lines copied from a Word list ("A. ..."); one
    # option and 必答 changed after; no save button is pressed: every change is kept.
    first = add(page, "单选题")
    first.get_by_label("题目").fill("企业性质")
    first.locator(".option-row").nth(1).get_by_role("button", name="删除选项").click()
    paste_options(page, first, ["A. 国企", "B. 民企", "C. 外资"])
    expect(first.locator("input[name=option_label]").nth(2)).to_have_value("外资")
    first.get_by_label("必答").check()
    saved(page)
    first.locator("input[name=option_label]").nth(2).fill("外企")
    saved(page)

    # 2: a multiple choice whose last option takes a fill-in, limited to two choices.
    second = add(page, "多选题")
    second.get_by_label("题目").fill("主要贸易方式")
    second.get_by_label("最多选择几项").fill("2")
    second.locator(".option-row").nth(1).get_by_role("button", name="删除选项").click()
    paste_options(page, second, ["一般贸易", "加工贸易", "其他"])
    second.locator(".option-row").nth(2).get_by_label("需填写说明").check()
    saved(page)
    second.get_by_role("button", name="完成").click()
    expect(card(page, 2)).to_contain_text("最多选择 2 项")

    # 3 and 4: fill-ins; leaving while a change is unsaved asks first.
    third = add(page, "单行填空")
    third.get_by_label("题目").fill("企业名称")
    third.get_by_role("button", name="完成").click()
    fourth = add(page, "手机号码")
    fourth.get_by_label("题目").fill("联系电话")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="完成，去开始收集").click()
    expect(page.get_by_role("heading", name="编辑问卷")).to_be_visible()
    saved(page)
    assert asked == ["beforeunload"]
    fourth.get_by_role("button", name="完成").click()
    first.get_by_role("button", name="完成").click()

    # 企业名称 is dragged above 主要贸易方式.
    drag(page, card(page, 3).locator(".drag-handle"), card(page, 2))
    expect(card(page, 2)).to_contain_text("2. 企业名称")
    saved(page)
    expect(card(page, 3).locator(".q-number")).to_have_text("3.")

    # After a reload, the page shows everything as it was left.
    page.reload()
    titles = page.locator("#questions .q-card-title")
    expect(titles).to_have_text(["1. 企业性质*", "2. 企业名称", "3. 主要贸易方式", "4. 联系电话"])
    nature = card(page, 1)
    expect(nature.get_by_label("国企")).to_be_visible()
    expect(nature.get_by_label("外企")).to_be_visible()
    expect(card(page, 3).get_by_placeholder("请注明")).to_be_visible()
    shot(page, "staff-designer")

    # A click on a question opens it in place; 撤销 takes back the drag.
    card(page, 2).locator(".q-card-title").click()
    expect(card(page, 2).get_by_label("题目")).to_have_value("企业名称")
    page.get_by_role("button", name="撤销").click()
    expect(page.get_by_role("status").filter(has_text="已撤销：调整题目顺序")).to_be_visible()
    expect(titles.nth(1)).to_have_text("2. 主要贸易方式")
    survey = session.scalars(select(Survey).where(Survey.title == "企业用工需求调查")).one()
    assert [(q.title, [o.label for o in q.options]) for q in survey.questions] == [
        ("企业性质", ["国企", "民企", "外企"]),
        ("主要贸易方式", ["一般贸易", "加工贸易", "其他"]),
        ("企业名称", []),
        ("联系电话", []),
    ]

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
