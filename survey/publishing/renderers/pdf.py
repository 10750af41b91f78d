"""A page printed to A4 PDF, or photographed as a PNG, by headless Chromium (Debian's
``chromium``) through Playwright."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from survey.core.errors import Refusal
from survey.core.i18n import _

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]
# An A4 sheet in CSS pixels (96 to the inch): 210 mm × 297 mm.
A4_PIXELS = (794, 1123)


class PrintingUnavailable(Refusal):
    """The server has no browser to print with."""


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained page (styles and drawings inline) to A4."""
    return _in_browser(_print, html)


def html_to_png(html: str, size: tuple[int, int] = A4_PIXELS, scale: float = 2) -> bytes:
    """A picture of a self-contained page laid out ``size`` CSS pixels wide and high, at
    ``scale`` device pixels to the CSS pixel (2: about 190 dpi on A4, sharp when printed)."""
    return _in_browser(_photograph, html, size, scale)


def _in_browser(work: Callable[..., bytes], *args: Any) -> bytes:
    """Run ``work`` in a thread of its own: Playwright's sync API refuses a thread with an
    event loop."""
    if not CHROMIUM.exists():
        advice = "apt-get install chromium fonts-noto-cjk"
        raise PrintingUnavailable(
            _("服务器未安装 Chromium，无法导出 PDF（管理员可运行 %(advice)s）", advice=advice)
        )
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work, *args).result()


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


def _photograph(html: str, size: tuple[int, int], scale: float) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            width, height = size
            page = browser.new_page(
                viewport={"width": width, "height": height}, device_scale_factor=scale
            )
            page.set_content(html, wait_until="load")
            return page.screenshot(type="png")
        finally:
            browser.close()
