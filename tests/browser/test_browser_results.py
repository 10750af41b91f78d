"""Staff publish a result with a summary in a real Chromium; an anonymous visitor reads it,
and the page printed to PDF holds the tables."""

from __future__ import annotations

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
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="结果已发布（第 2 版）")).to_be_visible()

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
    expect(public.locator("#result-1 .chart .main-svg").first).to_be_attached()
    expect(public.locator(".summary strong")).to_have_text("民营企业")
    expect(public.locator(".summary")).to_contain_text("联系人：王*明")
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
    assert any(line.split() == ["国企", "1", "25%"] for line in text.splitlines())
    assert any(line.split() == ["本题有效填写人次", "4"] for line in text.splitlines())
    assert "历次发布" not in text  # the version list stays on screen
    visitor.close()
