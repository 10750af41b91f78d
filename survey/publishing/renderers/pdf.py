"""A page printed to A4 PDF by headless Chromium (Debian's ``chromium``) through Playwright."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from survey.core.errors import Refusal
from survey.core.i18n import _

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]


class PrintingUnavailable(Refusal):
    """The server has no browser to print with."""


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained page (styles and drawings inline) to A4.

    Run in a thread of its own: Playwright's sync API refuses a thread with an event loop."""
    if not CHROMIUM.exists():
        advice = "apt-get install chromium fonts-noto-cjk"
        raise PrintingUnavailable(
            _("服务器未安装 Chromium，无法导出 PDF（管理员可运行 %(advice)s）", advice=advice)
        )
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html).result()


def _print(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
