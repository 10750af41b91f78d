"""Staff upload an enterprise list and copy one link; the enterprise answers on a phone; the
list shows 已填写 and the 回收率 moves."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import LAPTOP, PHONE, log_in, shot

pytestmark = pytest.mark.browser

LIST = (
    "企业名称,联系人,手机,统一社会信用代码\n"
    "招远市金海贸易有限公司,王经理,13800138000,91350100M000100Y43\n"
    "招远市宏达食品有限公司,李女士,13900001111,\n"
    "招远市新星电子有限公司,孙先生,13700001234,\n"
)


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def test_staff_invite_and_an_enterprise_answers_through_its_link(
    page: Page, browser: Browser, live_server, make_user, make_survey, tmp_path
):
    survey = make_survey(
        [{"id": "nature", "type": "single", "title": "企业性质", "required": True,
          "options": ["国企", "民企", "外企"]}],
        title="外贸企业调查问卷", issuer="招远市商务局",
    )  # fmt: skip
    make_user("editor", "liu")
    log_in(page, live_server, "liu")
    page.goto(f"{live_server}/admin/surveys/{survey.id}")
    expect(page.get_by_role("img", name="答题链接二维码")).to_be_visible()
    shot(page, "invite-survey-qr")

    page.get_by_role("link", name="邀请企业").click()
    listing = tmp_path / "名单.csv"
    listing.write_bytes(LIST.encode("gbk"))  # as Excel on a Chinese Windows saves it
    page.get_by_label("名单文件").set_input_files(listing)
    page.get_by_role("button", name="导入名单").click()
    expect(page.get_by_role("status").filter(has_text="已邀请 3 家企业")).to_be_visible()
    expect(page.locator(".response-rate")).to_have_text("0%")
    page.get_by_label("仅限受邀企业填写").check()
    page.get_by_role("button", name="保存设置").click()
    expect(page.get_by_role("status").filter(has_text="已设为仅限受邀企业填写")).to_be_visible()

    row = page.get_by_role("row").filter(has_text="招远市宏达食品有限公司")
    row.get_by_role("button", name="复制链接").click()
    expect(row.get_by_role("button", name="已复制")).to_be_visible()
    link = row.get_by_role("textbox").input_value()
    assert f"/s/{survey.slug}?t=" in link
    shot(page, "invite-list-before")

    respondent = browser.new_context(**PHONE)
    phone = respondent.new_page()
    phone.goto(f"{live_server}/s/{survey.slug}")
    expect(phone.get_by_text("仅限受邀企业填写")).to_be_visible()
    shot(phone, "invite-phone-refused")
    phone.goto(link)
    expect(phone.get_by_text("受邀企业：招远市宏达食品有限公司")).to_be_visible()
    phone.get_by_label("民企").check()
    shot(phone, "invite-phone-form")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", name="提交成功")).to_be_visible()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="该邀请链接已提交过问卷")).to_be_visible()
    shot(phone, "invite-phone-used")
    respondent.close()

    page.reload()
    expect(row.locator(".status")).to_contain_text("已填写")
    expect(page.locator(".response-rate")).to_have_text("33.33%")
    expect(page.locator(".answered-total")).to_have_text("1")
    shot(page, "invite-list-after")
