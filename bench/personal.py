"""What sealing personal answers costs a submission: the same questionnaire (two choice
questions and four 填空 asking for a name, a mobile number, an ID number and an address)
answered with the same values, once with the four marked 个人信息 (sealed with AES-GCM before
they are written) and once unmarked; on SQLite and PostgreSQL.

    .venv/bin/python bench/personal.py [--databases sqlite postgresql] [--posts 2000]

Prints a Markdown table for bench/RESULTS.md: complete submissions per second (GET the form, POST
it, in process through the Flask test client: the app's own time, no network), rounds of the two
alternating so that a drift of the machine's speed touches both alike.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.consultation import database  # noqa: E402
from survey import create_app, db  # noqa: E402
from survey.config import office_zone  # noqa: E402
from survey.core.models import utcnow  # noqa: E402
from survey.surveys.definition import create_survey, validate  # noqa: E402
from survey.surveys.models import Answer  # noqa: E402

CHOICES = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "trend", "type": "single", "title": "订单变化", "options": ["增加", "持平", "减少"]},
]
VALUES = {"contact": "张三祥", "phone": "13912345678", "id_number": "11010519491231002X",
          "where": "烟台市芝罘区北马路 88 号"}  # fmt: skip
ROUNDS = 20  # in the order plain, sealed, sealed, plain, ...: neither always goes first


def questionnaire(sealed: bool) -> list[dict]:
    typed = [{"id": key, "type": "text", "title": key, "personal": sealed} for key in VALUES]
    return [*CHOICES, *typed]


def submissions(client, slug: str, answers: dict[str, str], count: int) -> float:
    """Seconds for ``count`` complete submissions (form, then post)."""
    started = time.perf_counter()
    for _ in range(count):
        page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]+)"', page))
        posted = client.post(f"/s/{slug}", data={**answers, **hidden})
        assert posted.status_code == 303, posted.status_code
    return time.perf_counter() - started


def measure(kind: str, count: int) -> tuple[float, float]:
    with database(kind) as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REVIEW": False,
                          "RESPONSE_RATE_LIMIT": "1000000 per minute"})  # fmt: skip
        db.upgrade(app)
        with app.app_context():
            session = db.get_session()
            surveys, answers = {}, {}
            for sealed in (False, True):
                definition = validate(
                    {"format": "survey/v1", "title": "基准", "questions": questionnaire(sealed)},
                    office_zone(),
                )
                survey = create_survey(session, definition)
                survey.open(utcnow())
                session.commit()
                by_key = {q.key: q for q in survey.questions}
                answers[sealed] = {
                    f"q{by_key['nature'].id}": str(by_key["nature"].options[1].id),
                    f"q{by_key['trend'].id}": str(by_key["trend"].options[0].id),
                    **{f"q{by_key[key].id}": value for key, value in VALUES.items()},
                }
                surveys[sealed] = survey.slug
            client = app.test_client()
            for sealed in (False, True):
                submissions(client, surveys[sealed], answers[sealed], 100)  # warm-up
            spent: dict[bool, list[float]] = {False: [], True: []}
            per_round = count * 2 // ROUNDS
            for round in range(ROUNDS):
                sealed = round % 4 in (1, 2)
                spent[sealed].append(
                    submissions(client, surveys[sealed], answers[sealed], per_round) / per_round
                )
            held = session.scalars(select(Answer.text).where(Answer.sealed.is_(True))).all()
            assert len(held) == 4 * (count + 100) and "13912345678" not in "".join(held)
        app.extensions["survey.engine"].dispose()
    plain, sealed_rate = (1 / statistics.median(spent[s]) for s in (False, True))
    return plain, sealed_rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--posts", type=int, default=2000)
    args = parser.parse_args()
    print("| database | submissions/s, plain | submissions/s, 4 answers sealed | sealed / plain |")
    print("|---|---|---|---|")
    for kind in args.databases:
        plain, sealed = measure(kind, args.posts)
        print(f"| {kind} | {plain:.0f} | {sealed:.0f} | {sealed / plain:.1%} |")


if __name__ == "__main__":
    main()
