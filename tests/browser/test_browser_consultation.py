"""意见征集 end to end in a real Chromium: a citizen on a phone comments on one article and on
the whole draft, staff on a laptop handle both and publish, and a visitor reads the
意见采纳情况 and its PDF."""

from __future__ import annotations

import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select

from survey.consultations.models import Opinion
from tests.helpers import LAPTOP, PHONE, log_in, shot

pytestmark = pytest.mark.browser


def opinions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Opinion))


def no_violations(page) -> None:
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_comment_handle_publish_and_read(browser: Browser, live_server, session, make_user,
                                         make_consultation, tmp_path):  # fmt: skip
    consultation = make_consultation(contact_lines="信函：招远市商务局（邮编265400）")
    draft_url = f"{live_server}/c/{consultation.slug}"

    # A citizen on a phone reads the draft and comments on 第三条.
    phone = browser.new_context(**PHONE)
    citizen = phone.new_page()
    citizen.goto(draft_url)
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "招远市促进外贸高质量发展办法（征求意见稿）"
    )
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    no_violations(citizen)
    shot(citizen, "phone-consultation-draft")
    citizen.get_by_role("link", name="对第三条提意见").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("对第三条提意见")
    citizen.get_by_label("您的意见").fill("建议第三条增加跨境电商培训内容。")
    citizen.get_by_label("姓名/单位").fill("朱明")
    citizen.get_by_label("联系方式").fill("13912345678")
    no_violations(citizen)
    shot(citizen, "phone-consultation-opinion")
    citizen.get_by_role("button", name="提交意见").click()
    expect(citizen.get_by_role("heading", name="意见已提交")).to_be_visible()
    receipt = citizen.locator(".receipt-number").inner_text()
    assert receipt.startswith("YJ")
    shot(citizen, "phone-consultation-receipt")
    # Back to the form: it says what was sent, and keeps nothing to send twice by a tap.
    citizen.go_back()
    expect(citizen.get_by_role("status").filter(has_text="无需重复提交")).to_contain_text(receipt)
    expect(citizen.get_by_label("您的意见")).to_have_value("")
    shot(citizen, "phone-consultation-back")
    assert opinions(session) == 1
    # Back on the draft, the article counts its opinion; then a comment on the whole draft,
    # typed wrong first (a contact that is no contact) and corrected in place.
    citizen.goto(draft_url)
    third = article_id(consultation, "第三条")
    expect(citizen.locator(f"#part-{third} .count")).to_have_text("1 条意见")
    citizen.get_by_role("link", name="对整体提意见").click()
    citizen.get_by_label("您的意见").fill("整体支持，建议尽快出台。")
    citizen.get_by_label("联系方式").fill("打电话")
    citizen.get_by_role("button", name="提交意见").click()
    expect(citizen.locator("#f-contact-error")).to_have_text(
        "请填写手机号码、固定电话（含区号）或电子邮箱"
    )
    expect(citizen.get_by_label("您的意见")).to_have_value("整体支持，建议尽快出台。")
    citizen.get_by_label("联系方式").fill("0535-8212345")
    citizen.get_by_role("button", name="提交意见").click()
    expect(citizen.get_by_role("heading", name="意见已提交")).to_be_visible()
    assert opinions(session) == 2

    # Staff on a laptop answer both, close the consultation and publish.
    make_user("editor", "wang")
    laptop = browser.new_context(**LAPTOP)
    staff = laptop.new_page()
    log_in(staff, live_server, "wang")
    staff.get_by_role("link", name="意见征集", exact=True).click()
    staff.get_by_role("link", name="处理意见").first.click()
    expect(staff.get_by_text("建议第三条增加跨境电商培训内容。")).to_be_visible()
    rows = staff.locator(".opinion-queue tbody tr")
    rows.filter(has_text="跨境电商").get_by_role("checkbox").check()
    staff.get_by_label("处理结果").select_option("采纳")
    staff.get_by_role("button", name="填写处理结果").click()
    expect(staff.get_by_text("已填写 1 条意见的处理结果：采纳")).to_be_visible()
    rows.filter(has_text="整体支持").get_by_role("checkbox").check()
    staff.get_by_label("处理结果").select_option("不予采纳")
    staff.get_by_role("button", name="填写处理结果").click()
    expect(staff.get_by_text("“不予采纳”须填写理由")).to_be_visible()
    rows.filter(has_text="整体支持").get_by_role("checkbox").check()
    staff.get_by_label("处理结果").select_option("部分采纳")
    staff.get_by_label("理由").fill("将在配套细则中明确出台时间。")
    staff.get_by_role("button", name="填写处理结果").click()
    expect(staff.get_by_text("已填写 1 条意见的处理结果：部分采纳")).to_be_visible()
    shot(staff, "laptop-consultation-queue")
    staff.get_by_role("link", name=consultation.title).click()
    staff.get_by_role("button", name="结束征集").click()
    expect(staff.get_by_text("已结束征集")).to_be_visible()
    staff.get_by_role("link", name="发布采纳情况").click()
    expect(staff.get_by_text("共收到意见 2 条，来自 2 人/单位。")).to_be_visible()
    shot(staff, "laptop-consultation-publish-preview")
    staff.get_by_role("button", name="确认发布").click()
    expect(staff.get_by_text("已发布第 1 版意见采纳情况")).to_be_visible()
    expect(staff.get_by_role("link", name="第 1 版")).to_be_visible()

    # A visitor on a phone finds it in the 结果反馈 list and reads it, then its PDF.
    visitor = phone.new_page()
    visitor.goto(f"{live_server}/?tab=results")
    visitor.get_by_role("link", name="公开征求意见采纳情况的说明").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "关于《招远市促进外贸高质量发展办法（征求意见稿）》公开征求意见采纳情况的说明"
    )
    table = visitor.locator(".feedback-table").first
    expect(table).to_contain_text("整体支持，建议尽快出台。")
    expect(visitor.locator("main")).to_contain_text("采纳 1 条，部分采纳 1 条，不予采纳 0 条")
    expect(visitor.locator("main")).to_contain_text("朱*")
    expect(visitor.locator("main")).not_to_contain_text("朱明")
    expect(visitor.locator("main")).not_to_contain_text("13912345678")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    no_violations(visitor)
    shot(visitor, "phone-consultation-feedback")
    href = visitor.get_by_role("link", name="下载 PDF").get_attribute("href")
    response = visitor.request.get(f"{live_server}{href}")
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "feedback.pdf"
    pdf.write_bytes(response.body())
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    text = "".join(layout.split())  # as read, whatever the lines a table cell wraps into
    assert "公开征求意见采纳情况的说明" in text and "将在配套细则中明确出台时间" in text
    assert "13912345678" not in text


def article_id(consultation, label: str) -> int:
    return next(p.id for p in consultation.current.parts if p.label == label)
