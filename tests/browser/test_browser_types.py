"""The new question types on a 375 px phone and on a laptop, in headless Chromium: rank by
tapping, answer a matrix and a scale, submit, and read the published averages, NPS and matrix
table."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from survey.config import office_zone
from survey.core.models import utcnow
from survey.surveys import publication
from tests.helpers import shot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}  # fmt: skip

QUESTIONS = [
    {"id": "intro", "type": "description", "title": "一、服务评价", "help": "请如实填写"},
    {"id": "overall", "type": "scale", "title": "您对本局服务的总体满意度", "required": True},
    {"id": "nps", "type": "nps", "title": "您向同行推荐本局服务的可能性"},
    {"id": "rate", "type": "matrix_scale", "title": "各项服务评价", "required": True,
     "options": ["政策宣传", "办事效率", "服务态度"],
     "columns": ["非常不满意", "不满意", "一般", "满意", "非常满意"]},
    {"id": "needs", "type": "ranking", "title": "最需要的支持", "required": True,
     "options": ["资金", "人才", "市场", "政策"], "top": 3},
    {"id": "code", "type": "credit_code", "title": "统一社会信用代码"},
]  # fmt: skip


LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}


@pytest.fixture(params=["phone", "laptop"])
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args: dict, screen: str) -> dict:
    return {**browser_context_args, **(PHONE if screen == "phone" else LAPTOP)}


@pytest.fixture
def survey(make_survey):
    return make_survey(QUESTIONS, title="营商环境满意度调查")


def answer(page: Page) -> None:
    page.get_by_role("group", name="1. 您对本局服务的总体满意度").get_by_text(
        "4", exact=True
    ).click()
    page.get_by_role("group", name="2. 您向同行推荐本局服务的可能性").get_by_text(
        "9", exact=True
    ).click()
    for row, column in (("政策宣传", "满意"), ("办事效率", "非常满意"), ("服务态度", "一般")):
        # The cell's label: pills on a phone, the whole grid cell on a wide screen.
        cells = page.get_by_role("group", name=row).locator("label")
        cells.filter(has=page.get_by_text(column, exact=True)).click()
    ranking = page.get_by_role("group", name="4. 最需要的支持")
    for label in ("人才", "资金", "政策"):
        ranking.get_by_role("button", name=label).click()


def test_respondent_answers_new_types_and_reads_results(
    page: Page, live_server, survey, session, screen
):
    page.goto(f"{live_server}/s/{survey.slug}")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    answer(page)
    ranking = page.get_by_role("group", name="4. 最需要的支持")
    expect(ranking.locator(".rank-status")).to_contain_text("已排 3 / 3")
    expect(ranking.locator(".rank-item").first).to_contain_text("人才")
    code = page.get_by_role("textbox", name="统一社会信用代码")
    code.fill("91350100M000100Y44")
    code.blur()
    # Told at once, before 提交.
    expect(page.get_by_role("group", name="5. 统一社会信用代码")).to_contain_text("校验不通过")
    shot(page, f"types-{screen}-filled")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#error-summary")).to_contain_text("校验不通过")
    # Everything else is kept, the order of the ranking too.
    expect(
        page.get_by_role("group", name="政策宣传").get_by_label("满意", exact=True)
    ).to_be_checked()
    expect(ranking.locator(".rank-item.ranked")).to_have_count(3)
    page.get_by_role("textbox", name="统一社会信用代码").fill("91350100M000100Y43")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()

    publication.publish(session, survey, None, utcnow(), office_zone())
    session.commit()
    page.goto(f"{live_server}/s/{survey.slug}/results")
    expect(page.locator("#result-1 .summary-line")).to_have_text("本题平均分：4.00")
    expect(page.locator("#result-2 .summary-line").nth(1)).to_have_text("NPS值：100%")
    matrix = page.locator("#result-3 table")
    expect(matrix.locator("tbody tr").first.locator("th, td")).to_have_text(
        ["政策宣传", "0(0%)", "0(0%)", "0(0%)", "1(100%)", "0(0%)", "4.00"]
    )
    expect(page.locator("#result-4 tbody tr").first.locator("th")).to_have_text("人才")
    expect(page.locator(".chart svg:visible")).to_have_count(page.locator(".chart").count())
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot(page, f"types-{screen}-results")


def test_ranking_and_matrix_work_without_javascript(browser: Browser, live_server, survey):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/s/{survey.slug}")
    page.get_by_role("group", name="1. 您对本局服务的总体满意度").locator(
        "label", has_text="5"
    ).click()
    for row in ("政策宣传", "办事效率", "服务态度"):
        page.get_by_role("group", name=row).get_by_text("满意", exact=True).click()
    for label, place in (("人才", "第 1 位"), ("市场", "第 2 位"), ("资金", "第 3 位")):
        page.get_by_label(label, exact=True).select_option(label=place)
    shot(page, "types-phone-no-js")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    context.close()


@pytest.mark.parametrize("path", ["/s/{slug}", "/s/{slug}/results"])
def test_new_types_have_no_accessibility_violations(page: Page, live_server, survey, session, path):
    publication.publish(session, survey, None, utcnow(), office_zone())
    session.commit()
    page.goto(live_server + path.format(slug=survey.slug))
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []
