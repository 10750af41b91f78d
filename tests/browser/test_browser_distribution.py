"""Staff copy the survey link with 复制链接: through the clipboard API where the page is a secure
context, and on a plain-HTTP intranet (no clipboard API) by the older copy command; without
scripts the link is still there to select."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import LAPTOP, log_in, shot

pytestmark = pytest.mark.browser

# What a page on plain HTTP (not localhost) sees: no clipboard API. The copy command's text is
# kept where the test can read it.
PLAIN_HTTP = """
Object.defineProperty(window, "isSecureContext", { value: false });
Object.defineProperty(navigator, "clipboard", { value: undefined });
document.addEventListener("copy", () => { window.copied = String(document.getSelection()); });
"""


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def test_staff_copy_the_survey_link(
    page: Page, browser: Browser, live_server, make_user, make_survey
):
    survey = make_survey([{"type": "text", "title": "建议"}], title="外贸企业调查问卷")
    make_user("editor", "liu")
    overview = f"{live_server}/admin/surveys/{survey.id}"
    link = f"{live_server}/s/{survey.slug}"

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server, "liu")
    page.goto(overview)
    panel = page.get_by_role("region", name="发放问卷")
    expect(panel.get_by_label("答题链接")).to_have_value(link)
    panel.get_by_role("button", name="复制链接").click()
    expect(panel.get_by_role("button", name="已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    shot(page, "distribution-copied")

    intranet = page.context.new_page()
    intranet.add_init_script(PLAIN_HTTP)
    intranet.goto(overview)
    panel = intranet.get_by_role("region", name="发放问卷")
    panel.get_by_role("button", name="复制链接").click()
    expect(panel.get_by_role("button", name="已复制")).to_be_visible()
    assert intranet.evaluate("window.copied") == link
    intranet.close()

    no_scripts = browser.new_context(
        **LAPTOP, java_script_enabled=False, storage_state=page.context.storage_state()
    )
    bare = no_scripts.new_page()
    bare.goto(overview)
    panel = bare.get_by_role("region", name="发放问卷")
    expect(panel.get_by_label("答题链接")).to_have_value(link)
    expect(panel.get_by_role("button", name="复制链接")).to_be_hidden()  # it would do nothing
    no_scripts.close()
