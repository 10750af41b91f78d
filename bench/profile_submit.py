"""Where one complete submission's CPU goes: N cycles of GET form -> POST -> GET thanks through
Flask's test client on a fresh SQLite file, CPU time per request kind, optionally under cProfile;
``--reference`` measures the bare reference app the same way.

    .venv/bin/python bench/profile_submit.py [--cycles 500] [--profile] [--reference] [--postgresql]
        [--freeze]

With ``--postgresql`` both run on a PostgreSQL server started for the run; CPU time is then the
app's only (the server's work is in another process). With ``--freeze`` the objects allocated
by the warm-up (the imported app among them) are put out of the garbage collector's reach, as
gunicorn.conf.py does before forking its workers: full collections then scan only what the
requests allocate, as in production.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from run import answer_bodies, flask, fresh_database, reset_reference, survey_ids  # noqa: E402

Request = Callable[[], None]


def ours(url: str) -> tuple[Request, Request, Request]:
    """The platform's three requests, as a respondent's browser makes them."""
    from survey import create_app

    app = create_app()
    runner = app.test_cli_runner()
    with app.app_context():
        runner.invoke(args=["init-db"])
        slug = runner.invoke(args=["demo"]).output.strip().splitlines()[-1]
    client = app.test_client()
    page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
    answers: dict[str, str] = {}
    for name, value in re.findall(r'name="(q\d+)" value="(\d+)"', page):
        answers.setdefault(name, value)  # the first option of each question
    for name in re.findall(r'<input[^>]*type="text"[^>]*name="(q\d+)"', page):
        answers[name] = "基准测试企业"
    state: dict[str, str] = {}

    def form() -> None:
        page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
        state.update(re.findall(r'type="hidden" name="([^"]+)" value="([^"]+)"', page))

    def post() -> None:
        posted = client.post(f"/s/{slug}", data={**answers, **state})
        assert posted.status_code == 303, posted.status_code
        state["next"] = posted.headers["Location"]

    def thanks() -> None:
        assert client.get(state.pop("next")).status_code == 200

    return form, post, thanks


def reference(url: str) -> tuple[Request, Request, Request]:
    """The bare reference app's three requests on the same survey."""
    from sqlalchemy import create_engine

    os.environ["REFERENCE_DATABASE_URL"] = url
    flask(dict(os.environ), "init-db")
    slug = flask(dict(os.environ), "demo")
    engine = create_engine(url)
    reset_reference(engine, engine.dialect.name)
    survey, questions, options = survey_ids(engine, slug)
    data = MultiDict(parse_qsl(answer_bodies(questions, options)[1]))
    import reference_app

    client = reference_app.app.test_client()

    def form() -> None:
        client.get(f"/s/{survey}")

    def post() -> None:
        assert client.post(f"/s/{survey}", data=data).status_code == 303

    def thanks() -> None:
        client.get(f"/s/{survey}/thanks")

    return form, post, thanks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--freeze", action="store_true")
    args = parser.parse_args()
    with fresh_database("postgresql" if args.postgresql else "sqlite", "profile") as url:
        measure(args, url)


def measure(args: argparse.Namespace, url: str) -> None:
    os.environ["SURVEY_DATABASE_URL"] = url
    os.environ["SURVEY_SECRET_KEY"] = "profile"
    os.environ["SURVEY_RESPONSE_RATE_LIMIT"] = "100000/minute"
    requests = (reference if args.reference else ours)(url)
    spent = [0.0, 0.0, 0.0]
    profiler = cProfile.Profile()
    for cycle in range(20 + args.cycles):
        if cycle == 20 and args.freeze:
            gc.freeze()
        for index, request in enumerate(requests):
            measured = cycle >= 20
            if measured and args.profile:
                profiler.enable()
            started = time.process_time()
            request()
            if measured:
                spent[index] += time.process_time() - started
            profiler.disable()
    # CPU time is the figure to compare: wall time moves with whatever else the machine runs.
    form, post, thanks = (1000 * part / args.cycles for part in spent)
    print(f"ms CPU per request: form {form:.2f}, post {post:.2f}, thanks {thanks:.2f}; "
          f"per cycle {form + post + thanks:.2f}")  # fmt: skip
    if args.profile:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)


if __name__ == "__main__":
    main()
