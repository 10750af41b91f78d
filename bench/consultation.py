"""How the size of a consultation affects its pages: a draft of 200 articles with 10,000
opinions against one of 5 articles with 10, on SQLite and PostgreSQL. Every count on these
pages is a GROUP BY in the database, so the big draft should cost about what the small one
does, apart from printing 200 articles.

    .venv/bin/python bench/consultation.py [--databases sqlite postgresql]

Prints a Markdown table (medians of 15 requests through the app, after two warm-up requests)
for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from survey import create_app, db  # noqa: E402
from survey.consultations import design, lifecycle  # noqa: E402
from survey.consultations.drafts import chinese_numeral  # noqa: E402
from survey.consultations.models import Opinion  # noqa: E402
from survey.core.models import utcnow  # noqa: E402
from tests.pgserver import running_postgres  # noqa: E402

REPEATS = 15


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite"
        return
    with running_postgres() as server:
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        yield f"{server}/bench"


def draft_text(articles: int) -> str:
    lines = ["基准测试办法（征求意见稿）"]
    per_chapter = 10
    for number in range(1, articles + 1):
        if number % per_chapter == 1:
            lines.append(f"第{chinese_numeral(number // per_chapter + 1)}章　第{number}条起")
        lines.append(
            f"第{chinese_numeral(number)}条　本条规定第{number}项事务，" + "内容" * 40 + "。"
        )
        lines.append("（一）第一项；")
        lines.append("（二）第二项。")
    return "\n".join(lines)


def make(session, articles: int, opinions: int) -> tuple[str, int]:
    now = utcnow()
    settings = design.Settings(title="", issuer="招远市商务局", closes_at=now + timedelta(days=30))
    consultation, _warnings = design.create_consultation(
        session, None, settings, draft_text(articles)
    )
    lifecycle.open_consultation(session, consultation, None, now)
    session.flush()
    parts = consultation.current.commentable_parts
    rows = []
    for n in range(opinions):
        part = parts[n % len(parts)] if n % 10 else None  # one in ten on the whole draft
        rows.append({
            "consultation_id": consultation.id, "version_id": consultation.current.id,
            "part_id": part.id if part else None, "part_key": part.key if part else "",
            "receipt": "YJ" + secrets.token_hex(6).upper(), "body": f"第{n}条意见" * 20,
            "name": "", "contact": "", "channel": "web", "received_at": now,
            "origin": f"o{n % 500}", "device": f"d{n}", "submitter": f"s{n}", "flags": [],
            "flagged": False, "screening": "pending", "reason": "", "handled_by": "",
        })  # fmt: skip
    for start in range(0, len(rows), 2000):
        session.execute(insert(Opinion), rows[start : start + 2000])
    session.commit()
    return consultation.slug, consultation.id


def median_ms(client, url: str) -> float:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def measure(kind: str) -> list[tuple[str, str, float, float]]:
    results = []
    with database(kind) as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
        db.upgrade(app)
        with app.app_context():
            session = db.get_session()
            small = make(session, 5, 10)
            big = make(session, 200, 10_000)
            from survey.accounts.roles import Role
            from survey.accounts.services import create_user

            create_user(session, "bench", "bench password long", Role.EDITOR)
            session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/admin/login", data={"csrf_token": token, "username": "bench",
                                          "password": "bench password long"})  # fmt: skip
        pages = {
            "public page /c/<slug>": lambda slug, id: f"/c/{slug}",
            "staff queue, first page": lambda slug, id: f"/admin/consultations/{id}/opinions",
            "staff queue, one article, unhandled": lambda slug, id: (
                f"/admin/consultations/{id}/opinions?part=第三条&handled=no"
            ),
            "staff overview (counts per article)": lambda slug, id: f"/admin/consultations/{id}",
            "publish preview (whole table)": lambda slug, id: f"/admin/consultations/{id}/publish",
        }
        for name, build in pages.items():
            results.append(
                (kind, name, median_ms(client, build(*small)), median_ms(client, build(*big)))
            )
        app.extensions["survey.engine"].dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    chosen = parser.parse_args().databases
    print("| database | page | 5 articles, 10 opinions | 200 articles, 10,000 opinions |")
    print("|---|---|---|---|")
    for kind in chosen:
        for database_kind, name, small, big in measure(kind):
            print(f"| {database_kind} | {name} | {small:.1f} ms | {big:.1f} ms |")


if __name__ == "__main__":
    main()
