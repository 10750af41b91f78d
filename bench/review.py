"""What review costs as a survey grows: freezing a 结果反馈 version on submission, the change
check that runs at each sign-off and on the item's pages, and the three sign-offs of the
default chain with the publication the last one makes; at 4 and at 100,000 responses, on SQLite
and PostgreSQL. The check is a fingerprint (the design version and one aggregate over the
responses then received), so it should not grow with the answers arriving since.

    .venv/bin/python bench/review.py [--databases sqlite postgresql]

Prints a Markdown table (medians of 15 runs after one warm-up) for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.consultation import database  # noqa: E402
from survey import create_app, db  # noqa: E402
from survey.accounts.roles import Role  # noqa: E402
from survey.accounts.services import create_user  # noqa: E402
from survey.config import office_zone  # noqa: E402
from survey.core.models import utcnow  # noqa: E402
from survey.review import services  # noqa: E402
from survey.review.kinds import Moment  # noqa: E402
from survey.surveys import publication, reviewables  # noqa: E402
from survey.surveys.demo import load_demo  # noqa: E402
from survey.surveys.generate import generate_responses  # noqa: E402

REPEATS = 15
SIZES = (0, 100_000)  # responses added to the demo's four


def moment() -> Moment:
    return Moment(utcnow(), office_zone())


def measure(url: str, added: int) -> dict[str, float]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REVIEW": True})
    db.upgrade(app)
    timings: dict[str, list[float]] = {"submit": [], "check": [], "sign": []}
    with app.app_context():
        session = db.get_session()
        survey = load_demo(session, office_zone(), utcnow(), app.secret_key)
        for _batch in generate_responses(session, survey, added, utcnow(), seed=1) if added else ():
            pass
        people = [
            create_user(session, name, "bench-password", role)
            for name, role in (("author", Role.EDITOR), ("first", Role.REVIEWER),
                               ("second", Role.REVIEWER), ("final", Role.APPROVER))
        ]  # fmt: skip
        session.commit()
        author, *signers = people
        for run in range(REPEATS + 1):
            started = time.perf_counter()
            request = services.submit(
                session, reviewables.PUBLISH, survey, author,
                publication.resolve(session, survey), moment(),
            )  # fmt: skip
            session.commit()
            submitted = time.perf_counter()
            assert services.unchanged(session, request, moment())
            checked = time.perf_counter()
            for signer in signers:
                services.approve(session, request, signer, moment())
                session.commit()
            signed = time.perf_counter()
            if run:  # the first run warms up
                timings["submit"].append(submitted - started)
                timings["check"].append(checked - submitted)
                timings["sign"].append(signed - checked)
    app.extensions["survey.engine"].dispose()
    return {key: statistics.median(values) * 1000 for key, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    print("| database | step | 4 responses | 100,004 responses |")
    print("|---|---|---|---|")
    for kind in args.databases:
        results = []
        for added in SIZES:
            with database(kind) as url:
                results.append(measure(url, added))
        for key, label in (
            ("submit", "submit (freeze the 结果反馈 version)"),
            ("check", "change check (each sign-off, the item's pages)"),
            ("sign", "three sign-offs, the last publishing"),
        ):
            small, big = (f"{r[key]:.1f} ms" for r in results)
            print(f"| {kind} | {label} | {small} | {big} |")


if __name__ == "__main__":
    main()
