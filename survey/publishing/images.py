"""Result charts as static SVG, drawn by Plotly.js itself in headless Chromium (Kaleido) from
the figures the staff report draws live. A published version keeps them, so its public page,
its print and its PDF show every chart without sending Plotly (4.8 MB) to a phone, and without
JavaScript.

Each chart is drawn twice: narrow for a phone's column, wide for a laptop and for A4 paper.
Drawing text at the width it is read keeps it legible; scaling one drawing down to a phone
would shrink its labels to 8 px.

A Word file cannot hold SVG: its pictures are PNG, drawn by the same browser on demand."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from typing import Any

from survey.publishing import charts
from survey.publishing.charts import PLOTLY_JS, Figure
from survey.publishing.documents import ResultFeedback
from survey.publishing.renderers.pdf import CHROMIUM

WIDTHS = {"narrow": 360, "wide": 640}
# A question's drawings: {"narrow": svg, "wide": svg}.
ChartImages = dict[str, str]
# A picture for a Word file: the wide drawing at twice its pixels, sharp on paper.
PICTURE_WIDTH = WIDTHS["wide"]
PICTURE_SCALE = 2
# What drawing a file's pictures may take in all, whatever their number: the file waits for them.
PICTURES_SECONDS = 60
# One drawing to make: the figure, its width in pixels, and "svg" or "png".
Job = tuple[Figure, int, str]

# One browser per process, opened on first use and closed when idle: publishing is rare, and a
# browser holds about 100 MB.
IDLE_SECONDS = 120
OPEN_TIMEOUT = 30
DRAW_TIMEOUT = 20  # seconds a chart may take
# After a failure, pages asking for drawings get none at once for a while rather than each
# waiting for a browser that is likely to fail again.
RETRY_AFTER_SECONDS = 300

log = logging.getLogger(__name__)


class ChartsUnavailable(Exception):
    """The charts could not be drawn (no browser on the server, or it failed)."""


def of_document(document: ResultFeedback) -> dict[str, ChartImages] | None:
    """The drawings of a result document's charts, or None when they cannot be drawn now (the
    tables carry every figure, so the page is complete without them)."""
    try:
        return draw({item.number: charts.figure(item) for item in document.tables})
    except ChartsUnavailable:
        return None


def pictures(
    document: ResultFeedback, seconds: float = PICTURES_SECONDS
) -> dict[str, bytes] | None:
    """A PNG of each chart of a result document, by question number (as a string), for a file
    that cannot hold SVG (Word); None when they cannot be drawn within ``seconds``."""
    wanted = [(item.number, charts.figure(item)) for item in document.tables]
    jobs = [(figure, PICTURE_WIDTH, "png") for _, figure in wanted if figure is not None]
    try:
        drawn = iter(_browser.draw(jobs, seconds) if jobs else [])
    except ChartsUnavailable:
        return None
    return {str(number): next(drawn) for number, figure in wanted if figure is not None}


def draw(figures: Mapping[int, Figure | None]) -> dict[str, ChartImages]:
    """The drawings of each question's figure, by question number (as a string, the way a
    JSON column keeps keys); questions without a figure have none."""
    wanted = [(number, figure) for number, figure in figures.items() if figure is not None]
    jobs = [(figure, width) for _, figure in wanted for width in WIDTHS.values()]
    svgs = iter(_drawings(jobs))
    drawn: dict[str, ChartImages] = {}
    for number, _ in wanted:
        drawn[str(number)] = {
            name: _isolated(next(svgs), f"q{number}{name[0]}-") for name in WIDTHS
        }
    return drawn


def _drawings(jobs: list[tuple[Figure, int]]) -> list[str]:
    """SVG of each (figure, width), from the cache where an equal figure was drawn before (the
    next version of a notice usually repeats most of its charts)."""
    keys = [_key(figure, width) for figure, width in jobs]
    known = {key: svg for key in keys if (svg := _cache.get(key)) is not None}
    missing = {key: job for key, job in zip(keys, jobs, strict=True) if key not in known}
    if missing:
        svg_jobs = [(figure, width, "svg") for figure, width in missing.values()]
        for key, drawn in zip(missing, _browser.draw(svg_jobs), strict=True):
            known[key] = drawn.decode("utf-8")
            _remember(key, known[key])
    return [known[key] for key in keys]


_cache: OrderedDict[str, str] = OrderedDict()
CACHE_SIZE = 512  # drawings of ~6 KB each


def _key(figure: Figure, width: int) -> str:
    canonical = json.dumps(figure, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{width}:{canonical}".encode()).hexdigest()


def _remember(key: str, svg: str) -> None:
    _cache[key] = svg
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)


# Plotly names the clip paths and gradients of a drawing with a random id of its own; two
# drawings of one figure on a page would share them. Only attributes are rewritten: text, where
# a label could read like one, is left as written.
TAG = re.compile(r"<[^>]+>")
REFERENCE = re.compile(r"""(\bid="|\bhref="#|url\(['"]?#)""")


def _isolated(svg: str, prefix: str) -> str:
    """The drawing with every id (and every reference to one) prefixed, so that drawings
    inlined in one page never share an id."""
    return TAG.sub(lambda tag: REFERENCE.sub(rf"\g<1>{prefix}", tag.group(0)), svg)


class _Browser:
    """A Kaleido (one headless Chromium) on an event loop of its own thread, for the threads
    of a worker to share one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._idle: threading.Timer | None = None
        self._failed_at = float("-inf")

    def draw(self, jobs: Iterable[Job], seconds: float | None = None) -> list[bytes]:
        """Each drawing, all of them within ``seconds`` (by default DRAW_TIMEOUT each) once the
        browser is open (within OPEN_TIMEOUT)."""
        with self._lock:
            if time.monotonic() - self._failed_at < RETRY_AFTER_SECONDS:
                raise ChartsUnavailable("the last attempt failed")
            if self._idle is not None:
                self._idle.cancel()
            jobs = list(jobs)
            running: Future[list[bytes]] | None = None
            try:
                if self._kaleido is None:
                    self._open()
                assert self._loop is not None
                running = asyncio.run_coroutine_threadsafe(self._draw_all(jobs), self._loop)
                limit = DRAW_TIMEOUT * len(jobs)
                return running.result(timeout=limit if seconds is None else min(limit, seconds))
            except Exception as error:
                if running is not None:  # a drawing past its time stops, not only its wait
                    running.cancel()
                self._close()
                self._failed_at = time.monotonic()
                log.warning("drawing %d charts failed: %r", len(jobs), error)
                raise ChartsUnavailable(str(error)) from error
            finally:
                self._idle = threading.Timer(IDLE_SECONDS, self.close)
                self._idle.daemon = True
                self._idle.start()

    async def _draw_all(self, jobs: list[Job]) -> list[bytes]:
        drawn = []
        for figure, width, kind in jobs:
            height = figure["layout"]["height"]
            opts = {"format": kind, "width": width, "height": height}
            if kind == "png":
                opts["scale"] = PICTURE_SCALE
            drawn.append(await self._kaleido.calc_fig(figure, opts=opts))
        return drawn

    def _open(self) -> None:
        if not CHROMIUM.exists():
            raise ChartsUnavailable(f"no browser at {CHROMIUM}")
        import kaleido

        self._loop = asyncio.new_event_loop()
        threading.Thread(target=_run_until_stopped, args=(self._loop,), daemon=True).start()

        async def start() -> Any:
            # No MathJax (Kaleido would fetch it from a CDN), and the app's own Plotly.
            browser = kaleido.Kaleido(
                path=str(CHROMIUM), mathjax=False, plotlyjs=str(PLOTLY_JS), timeout=DRAW_TIMEOUT
            )
            await browser.open()
            return browser

        self._kaleido = asyncio.run_coroutine_threadsafe(start(), self._loop).result(
            timeout=OPEN_TIMEOUT
        )

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        loop, browser = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None:
            return
        if browser is not None:
            try:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(timeout=10)
            except Exception as error:  # a browser that died on its own is gone either way
                log.info("closing the chart browser: %r", error)
        loop.call_soon_threadsafe(loop.stop)


def _run_until_stopped(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_forever()
    loop.close()


_browser = _Browser()
