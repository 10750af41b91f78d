"""What the public's pages weigh and how soon they are complete on a phone over a slow network:
the list, a questionnaire, its thank-you page and its 结果反馈, for the demo and for a survey of
20 questions, in Chromium (Playwright) on a 390 px phone under Lighthouse's "Slow 4G" profile
(1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU 4x slower), a first visit each time
(an empty cache).

    .venv/bin/python bench/pages.py [--runs 3] [--checkout DIR]

The app runs under gunicorn with its gunicorn.conf.py (2 workers) on a fresh SQLite file, from
this checkout or from ``--checkout`` (an earlier commit, to compare: ``git worktree add``).
Prints a Markdown table for bench/RESULTS.md: bytes on the wire (the encoded size of every
response, headers included), the load event, and for a 结果反馈 page the moment every chart is
visible (drawn, in view of a script polling each animation frame), with or without JavaScript;
the load event is read from the page's navigation timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import wait_until_serving  # noqa: E402
from tests.pgserver import free_port  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}  # fmt: skip
# Lighthouse's mobile throttling ("Slow 4G"), as DevTools applies it.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
           "uploadThroughput": 750e3 / 8}  # fmt: skip
CPU_SLOWDOWN = 4
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]
# Every chart on the page visible: an SVG drawn into it (by the server, or by Plotly here).
CHARTS_DRAWN = """() => { const charts = [...document.querySelectorAll('.chart')];
  return charts.length > 0 && charts.every(c => [...c.querySelectorAll('svg')].some(
    s => s.getBoundingClientRect().height > 0)); }"""


def twenty_questions() -> str:
    """A questionnaire of 20 choice questions, of the shapes the bureau asks."""
    questions = []
    for number in range(1, 21):
        kind = ("single", "multiple", "scale")[number % 3]
        question: dict = {"id": f"q{number}", "type": kind, "title": f"第 {number} 项营商环境评价"}
        if kind != "scale":  # a scale: 1 to 5 by default
            count = 4 if kind == "single" else 9
            question["options"] = [f"选项{number}-{index}" for index in range(1, count + 1)]
        questions.append(question)
    definition = {"format": "survey/v1", "title": "营商环境满意度调查", "issuer": "招远市商务局",
                  "questions": questions}  # fmt: skip
    return yaml.safe_dump(definition, allow_unicode=True)


@contextmanager
def served(checkout: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The checkout's app under gunicorn on a fresh SQLite file, with the demo and a published
    20-question survey of 400 responses; yields its address and the slugs."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SURVEY_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite",
               "SURVEY_SECRET_KEY": "bench-secret", "SURVEY_REVIEW": "off",
               "SURVEY_WORKERS": "2", "PYTHONPATH": str(checkout)}  # fmt: skip
        flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "survey"]

        def run(*args: str) -> str:
            done = subprocess.run([*flask, *args], env=env, cwd=checkout, check=True,
                                  capture_output=True, text=True)  # fmt: skip
            return done.stdout.strip()

        run("init-db")
        slugs = {"demo": run("demo").splitlines()[-1]}
        definition = Path(folder) / "twenty.yaml"
        definition.write_text(twenty_questions(), encoding="utf-8")
        slugs["twenty"] = run("import", str(definition), "--open").splitlines()[-1]
        run("generate-responses", slugs["twenty"], "400", "--seed", "1")
        run("publish-results", slugs["twenty"])
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(checkout / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"],
            env=env, cwd=checkout,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base)
            yield base, slugs
        finally:
            server.terminate()
            server.wait(10)


def visit(browser, url: str, *, javascript: bool = True, charts: bool = False) -> dict:
    """One first visit under the profile: bytes on the wire, load, charts visible (seconds)."""
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page: Page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    received: dict[str, float] = {}
    cdp.on("Network.loadingFinished",
           lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]))  # fmt: skip
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    drawn = None
    if charts:
        if javascript:
            page.wait_for_function(CHARTS_DRAWN, polling="raf", timeout=120_000)
            drawn = time.perf_counter() - started
        else:
            # No script runs in the page: look from outside, every 50 ms, for a minute.
            while not page.evaluate(CHARTS_DRAWN) and time.perf_counter() - started < 60:
                time.sleep(0.05)
            if page.evaluate(CHARTS_DRAWN):
                drawn = time.perf_counter() - started
    page.wait_for_load_state("load", timeout=120_000)
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
    page.wait_for_load_state("networkidle", timeout=120_000)
    context.close()
    return {"bytes": sum(received.values()), "load": loaded, "charts": drawn}


def measure(base: str, slugs: dict[str, str], runs: int) -> list[tuple[str, dict]]:
    pages = [
        ("`/` (list)", "/", False, True),
        ("`/s/<demo>` (answer)", f"/s/{slugs['demo']}", False, True),
        ("`/s/<demo>/thanks`", f"/s/{slugs['demo']}/thanks", False, True),
        ("`/s/<demo>/results`", f"/s/{slugs['demo']}/results", True, True),
        ("`/s/<demo>/results`, JavaScript off", f"/s/{slugs['demo']}/results", True, False),
        ("`/s/<20 questions>/results`", f"/s/{slugs['twenty']}/results", True, True),
    ]
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)  # fmt: skip
        for name, path, charts, javascript in pages:
            visits = [visit(browser, base + path, javascript=javascript, charts=charts)
                      for _ in range(runs)]  # fmt: skip
            rows.append((name, visits))
            print(f"{name}: {visits}", file=sys.stderr, flush=True)
        browser.close()
    return rows


def table(rows: list[tuple[str, dict]]) -> str:
    lines = ["| page | KB on the wire | load event, s | every chart visible, s |",
             "|---|---|---|---|"]  # fmt: skip
    for name, visits in rows:
        size = statistics.median(v["bytes"] for v in visits) / 1024
        load = statistics.median(v["load"] for v in visits)
        drawn = [v["charts"] for v in visits if v["charts"] is not None]
        charted = "results" in name
        charts = f"{statistics.median(drawn):.2f}" if drawn else "never" if charted else "—"
        lines.append(f"| {name} | {size:,.1f} | {load:.2f} | {charts} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="visits of each page (median)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the app to serve")
    options = parser.parse_args()
    with served(options.checkout.resolve()) as (base, slugs):
        print(table(measure(base, slugs, options.runs)))


if __name__ == "__main__":
    main()
