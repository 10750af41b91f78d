"""Where one complete submission's CPU goes: N cycles of GET form -> POST -> GET thanks through
Flask's test client on a fresh SQLite file, timed, optionally under cProfile.

    .venv/bin/python bench/profile_submit.py [--cycles 300] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["SURVEY_DATABASE_URL"] = f"sqlite:///{folder}/profile.sqlite"
    os.environ["SURVEY_SECRET_KEY"] = "profile"
    os.environ["SURVEY_RESPONSE_RATE_LIMIT"] = "100000/minute"
    from survey import create_app

    app = create_app()
    runner = app.test_cli_runner()
    with app.app_context():
        runner.invoke(args=["init-db"])
        slug = runner.invoke(args=["demo"]).output.strip().splitlines()[-1]
    client = app.test_client()
    page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
    radios = re.findall(r'name="(q\d+)" value="(\d+)"', page)
    answers: dict[str, str] = {}
    for name, value in radios:
        answers.setdefault(name, value)  # the first option of each question
    for name in re.findall(r'<input[^>]*type="text"[^>]*name="(q\d+)"', page):
        answers[name] = "基准测试企业"

    def cycle() -> None:
        page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
        fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]+)"', page))
        posted = client.post(f"/s/{slug}", data={**answers, **fields})
        assert posted.status_code == 303, posted.status_code
        assert client.get(posted.headers["Location"]).status_code == 200

    for _ in range(20):
        cycle()
    profiler = cProfile.Profile() if args.profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(args.cycles):
        cycle()
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU time is the figure to compare: wall time moves with whatever else the machine runs.
    print(
        f"per cycle: {1000 * cpu / args.cycles:.2f} ms CPU, {1000 * elapsed / args.cycles:.2f} ms wall"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)


if __name__ == "__main__":
    main()
