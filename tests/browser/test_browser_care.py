"""关怀模式 on every public page, in Chromium on a phone: the header's control turns it on and off
and is remembered; in the mode, text is 18 px or more with a line height of 1.5 or more, every
tap target is 60 × 60 px or more, nothing moves, and axe finds nothing in either mode; 朗读
appears where the browser can speak."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.helpers import PHONE, shot

pytestmark = pytest.mark.browser

# For each visible element with text of its own, its font size and line height; for each tap
# target, its box; and anything that animates. Charts are images whose figures the table beside
# them repeats in page text.
MEASURE = """() => {
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  };
  const what = (e) => `${e.tagName}.${e.className} "${e.textContent.trim().slice(0, 20)}"`;
  const small = [], cramped = [], targets = [], moving = [];
  for (const e of document.querySelectorAll('body *')) {
    if (!visible(e) || e.closest('.chart, .visually-hidden, script, style')) continue;
    const style = getComputedStyle(e);
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(style.fontSize);
    if (own && size < 18) small.push(`${what(e)}: ${size}px`);
    const line = parseFloat(style.lineHeight);
    if (own && style.lineHeight !== 'normal' && line < 1.5 * size - 0.5)
      cramped.push(`${what(e)}: ${line}px for ${size}px`);
    if (style.animationName !== 'none' || parseFloat(style.transitionDuration) > 0)
      moving.push(what(e));
  }
  const tappable = 'a, button, select, textarea, .option label, '
    + 'input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
  for (const e of document.querySelectorAll(tappable)) {
    if (!visible(e) || e.closest('.skip-link')) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 60 || r.height < 60)
      targets.push(`${what(e)}: ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  const fontSize = parseFloat(getComputedStyle(document.body).fontSize);
  return {small, cramped, targets, moving, fontSize};
}"""


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **PHONE}


def pages(live_server: str, survey, consultation) -> dict[str, str]:
    return {
        "list": f"{live_server}/",
        "answer": f"{live_server}/s/{survey.slug}",
        "thanks": f"{live_server}/s/{survey.slug}/thanks",
        "results": f"{live_server}/s/{survey.slug}/results",
        "consultation": f"{live_server}/c/{consultation.slug}",
        "opinion": f"{live_server}/c/{consultation.slug}/opinion",
    }


def test_care_mode_on_every_public_page(page: Page, live_server, demo_survey, make_consultation):
    consultation = make_consultation(title="关于促进外贸稳规模优结构的若干措施（征求意见稿）")
    axe = Axe()
    page.goto(f"{live_server}/")
    for name, url in pages(live_server, demo_survey, consultation).items():
        page.goto(url)
        assert axe.run(page).response["violations"] == [], name  # the plain mode
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="关怀模式").click()
    expect(page.locator("html")).to_have_class("care")
    for name, url in pages(live_server, demo_survey, consultation).items():
        page.goto(url)  # remembered from page to page
        expect(page.locator("html")).to_have_class("care")
        expect(page.get_by_role("link", name="退出关怀模式")).to_be_visible()
        measured = page.evaluate(MEASURE)
        assert measured["fontSize"] >= 18, name
        assert measured["small"] == [], (name, measured["small"])
        assert measured["cramped"] == [], (name, measured["cramped"])
        assert measured["targets"] == [], (name, measured["targets"])
        assert measured["moving"] == [], (name, measured["moving"])
        violations = axe.run(page).response["violations"]
        assert violations == [], (name, [v["id"] for v in violations])
        shot(page, f"care-{name}")
    page.get_by_role("link", name="退出关怀模式").click()
    expect(page.locator("html")).not_to_have_class("care")


def test_read_aloud_appears_only_where_the_browser_can_speak(
    browser: Browser, live_server, demo_survey
):
    for speaks in (True, False):
        context = browser.new_context(**PHONE)
        if not speaks:
            context.add_init_script("delete window.speechSynthesis")
        phone = context.new_page()
        phone.goto(f"{live_server}/s/{demo_survey.slug}/results")
        phone.get_by_role("link", name="关怀模式").click()
        read = phone.get_by_role("button", name="朗读")
        if speaks:
            expect(read).to_be_visible()
        else:
            expect(read).to_be_hidden()
        context.close()
