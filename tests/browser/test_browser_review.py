"""三审三校 in a real Chromium: an author submits a 结果反馈 version, a reviewer returns it with a
comment, the author fixes it and submits again, two reviewers approve it, a visitor reads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from survey.review import services
from tests.helpers import LAPTOP, PHONE, log_in, shot

pytestmark = pytest.mark.browser


def person(browser: Browser, live_server: str, username: str):
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    log_in(page, live_server, username)
    return page


def test_a_results_version_is_returned_fixed_approved_and_read(
    browser: Browser, live_server, session, staff, department, demo_survey
):
    demo_survey.department_id = department
    services.set_office_chain(session, "two", None)
    session.commit()
    overview = f"{live_server}/admin/surveys/{demo_survey.id}"

    author = person(browser, live_server, "zhang")
    author.goto(overview)
    author.get_by_role("link", name="再次发布结果").click()
    author.get_by_label("调查结论（支持 Markdown）").fill("本次调查共有四家企业参加，国企占多数。")
    author.get_by_label("送审说明（给审核人看，不公开）").fill("请核对第 1 题")
    author.get_by_role("button", name="送审").click()
    expect(
        author.get_by_role("status").filter(has_text="已送审：发布结果反馈，等待审核")
    ).to_be_visible()

    reviewer = person(browser, live_server, "li")
    expect(reviewer.locator(".review-inbox .count-badge")).to_have_text("1")
    reviewer.get_by_role("link", name="待我审核").click()
    reviewer.get_by_role("link", name=demo_survey.title).click()
    expect(reviewer.locator(".submitter")).to_have_text("zhang")
    with reviewer.context.expect_page() as opened:
        reviewer.get_by_role("link", name="预览公众将看到的页面").click()
    preview = opened.value
    expect(preview.locator(".review-preview")).to_be_visible()
    expect(preview.locator(".summary")).to_contain_text("国企占多数")
    shot(preview, "review-preview")
    preview.close()
    reviewer.get_by_label("签核意见").fill("民企 3 家占 75%，结论写反了")
    reviewer.get_by_role("button", name="退回修改").click()
    expect(reviewer.get_by_role("status").filter(has_text="已退回送审人修改")).to_be_visible()

    author.goto(overview)
    panel = author.locator(".review-panel")
    expect(panel).to_contain_text("已退回")
    expect(panel).to_contain_text("结论写反了")
    author.get_by_role("link", name="再次发布结果").click()
    author.get_by_label("调查结论（支持 Markdown）").fill("本次调查共有四家企业参加，民企占 75%。")
    author.get_by_role("button", name="送审").click()
    expect(author.get_by_role("status").filter(has_text="已送审")).to_be_visible()
    # The author's own submission is not theirs to sign.
    author.locator(".review-panel a").first.click()
    expect(author.locator(".why-not")).to_have_text("送审人不能审核自己送审的事项")

    reviewer.goto(f"{live_server}/admin/review/")
    reviewer.get_by_role("link", name=demo_survey.title).first.click()
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.get_by_role("status").filter(has_text="已转签发")).to_be_visible()
    shot(reviewer, "review-request")

    approver = person(browser, live_server, "wang")
    approver.get_by_role("link", name="待我审核").click()
    approver.get_by_role("link", name=demo_survey.title).click()
    approver.get_by_label("签核意见").fill("同意发布")
    approver.get_by_role("button", name="签发通过").click()
    expect(approver.get_by_role("status").filter(has_text="已发布结果反馈")).to_be_visible()
    expect(approver.locator(".hash-compare")).to_contain_text("一致")

    visitor = browser.new_context(**PHONE).new_page()
    visitor.goto(f"{live_server}/s/{demo_survey.slug}/results")
    expect(visitor.locator(".summary")).to_contain_text("民企占 75%")
    first = visitor.locator("table").first
    expect(first.locator("tbody tr").nth(1)).to_contain_text("3")
    expect(first.locator("tbody tr").nth(1)).to_contain_text("75%")
    shot(visitor, "review-published-phone")
