"""Staff publish a result with a summary in a real Chromium; an anonymous visitor reads it,
and the page printed to PDF holds the tables."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import LAPTOP, log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def test_staff_publish_and_a_visitor_reads_and_prints(
    page: Page, browser: Browser, live_server, make_user, demo_survey, tmp_path
):
    make_user("editor", "chen")
    log_in(page, live_server, "chen")
    page.goto(f"{live_server}/admin/surveys/{demo_survey.id}")
    page.get_by_role("link", name="再次发布结果").click()
    expect(page.get_by_role("heading", name="发布结果反馈")).to_be_visible()
    expect(page.get_by_label("1. 企业性质 [单选题]")).to_be_checked()
    expect(page.get_by_label("6. 企业名称 [填空题]")).not_to_be_checked()
    page.get_by_label("调查结论（支持 Markdown）").fill(
        "本次调查显示，**民营企业**是外贸的主体。\n\n- 企业普遍关注海外市场\n- 联系人：王小明"
    )
    shot(page, "results-publish-form")
    # The page as it will go out, before it does; then sent from there as it was seen.
    page.get_by_role("button", name="预览", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="尚未发布，公众看不到")).to_be_visible()
    expect(page.locator("#result-1 table").get_by_role("row", name="民企 3 75%")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("联系人：王小明")
    shot(page, "results-publish-preview")
    page.get_by_role("button", name="确认发布").first.click()
    expect(page.get_by_role("status").filter(has_text="结果已发布（第 2 版）")).to_be_visible()

    # The staff's PDF of the results carries the 调查结论 the public page shows.
    staff_pdf = tmp_path / "staff.pdf"
    staff_pdf.write_bytes(
        page.request.get(f"{live_server}/admin/surveys/{demo_survey.id}/results.pdf").body()
    )
    staff_text = subprocess.run(["pdftotext", "-layout", str(staff_pdf), "-"], capture_output=True,
                                text=True, check=True).stdout  # fmt: skip
    assert "三、调查结论" in staff_text and "民营企业是外贸的主体" in staff_text
    assert "企业普遍关注海外市场" in staff_text

    visitor = browser.new_context(**LAPTOP)
    public = visitor.new_page()
    public.goto(f"{live_server}/?tab=results")
    public.get_by_role("link", name="招远市商务局外贸企业调查结果反馈").click()
    expect(public.get_by_role("heading", name="招远市商务局外贸企业调查结果反馈")).to_be_visible()
    expect(public.get_by_text("一、调查基本情况")).to_be_visible()
    table = public.locator("#result-1 table")
    expect(table.get_by_role("row", name="国企 1 25%")).to_be_visible()
    expect(table.get_by_role("row", name="民企 3 75%")).to_be_visible()
    expect(table.get_by_role("row", name="外企 0 0%")).to_be_visible()
    expect(public.locator("#result-1 .chart-wide svg")).to_be_visible()
    expect(public.locator(".summary strong")).to_have_text("民营企业")
    expect(public.locator(".summary")).to_contain_text("联系人：王小明")  # the staff's own
    content = public.content()
    for typed in ("招远金都机械制造有限公司", "企业名称", "进出口情况"):
        assert typed not in content
    expect(public.get_by_role("link", name="第 1 版")).to_be_visible()
    shot(public, "results-public")

    pdf = tmp_path / "page.pdf"
    public.emulate_media(media="print")
    shot(public, "results-print")
    public.pdf(path=pdf, format="A4", prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "招远市商务局外贸企业调查结果反馈" in text
    assert any(line.split()[:3] == ["国企", "1", "25%"] for line in text.splitlines())
    assert any(line.split()[:2] == ["本题有效填写人次", "4"] for line in text.splitlines())
    assert "历次发布" not in text  # the version list stays on screen
    visitor.close()


QUESTION_HEADING = re.compile(r"^\s*\d+ .+\[.+题\]\s*$")
SECTION_HEADING = re.compile(r"^\s*[一二三四]、")
A4_COLUMN = 627  # px: 210 mm less print.css's 22 mm margins, at 96 px an inch


def test_results_print_like_a_paper_notice(page: Page, live_server, demo_survey, tmp_path):
    page.set_viewport_size({"width": A4_COLUMN, "height": 1000})
    page.goto(f"{live_server}/s/{demo_survey.slug}/results")
    page.emulate_media(media="print")
    column = page.locator("article.results").bounding_box()
    sections = page.locator("section.result")
    assert sections.count() == 5
    for index in range(sections.count()):
        section = sections.nth(index)
        chart = section.locator(".chart-drawn svg:visible").bounding_box()
        table = section.locator("table").bounding_box()
        heading = section.locator("h3").bounding_box()
        # Within the text column, beside its table (not over it), under its heading.
        assert (
            column["x"] - 0.5 <= chart["x"]
            and chart["x"] + chart["width"] <= column["x"] + column["width"] + 0.5
        )
        assert (
            chart["x"] >= table["x"] + table["width"] or chart["y"] >= table["y"] + table["height"]
        )
        assert chart["y"] >= heading["y"] + heading["height"]
        if index + 1 < sections.count():
            following = sections.nth(index + 1).locator("h3").bounding_box()
            assert chart["y"] + chart["height"] <= following["y"]
            assert table["y"] + table["height"] <= following["y"]

    pdf = tmp_path / "notice.pdf"
    page.pdf(path=pdf, format="A4", prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    pages = [[line for line in sheet.splitlines() if line.strip()] for sheet in text.split("\f")]
    pages = [lines for lines in pages if lines]
    assert len(pages) <= 4  # six before, with charts parted from their tables
    for lines in pages:
        # A heading never ends a page, and each question's table and chart are on its heading's.
        assert not QUESTION_HEADING.match(lines[-1]) and not SECTION_HEADING.match(lines[-1])
        headings = sum(1 for line in lines if QUESTION_HEADING.match(line))
        assert headings == sum(line.count("本题有效填写人次") for line in lines)
    markets = next(lines for lines in pages if any("3 产品主要出口" in line for line in lines))
    assert sum(line.count("(50%)") for line in markets) == 2  # the chart's bars 东南亚 and 日韩
