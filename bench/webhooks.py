"""What webhooks cost: a submission's POST with no endpoint on the survey and with one (its
outbox message written in the same transaction), and how fast one worker empties the outbox
into a receiver on the loopback interface; on SQLite and PostgreSQL.

    .venv/bin/python bench/webhooks.py [--databases sqlite postgresql] [--posts 1000]

Prints a Markdown table for bench/RESULTS.md. POST times are medians over the posts (the
Flask test client in process: the app's own time, no network).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.consultation import database  # noqa: E402
from survey import create_app, db  # noqa: E402
from survey.config import office_zone  # noqa: E402
from survey.core.models import utcnow  # noqa: E402
from survey.webhooks import addresses, delivery, endpoints  # noqa: E402

LOOPBACK = addresses.networks("127.0.0.0/8")


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def posts(client, slug: str, count: int) -> list[float]:
    """Submit the demo questionnaire ``count`` times; each POST's seconds."""
    page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
    answers: dict[str, str] = {}
    for name, value in re.findall(r'name="(q\d+)" value="(\d+)"', page):
        answers.setdefault(name, value)
    for name in re.findall(r'<input[^>]*type="text"[^>]*name="(q\d+)"', page):
        answers[name] = "基准测试企业"
    spent = []
    for _ in range(count):
        page = client.get(f"/s/{slug}?again=1").get_data(as_text=True)
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]+)"', page))
        started = time.perf_counter()
        posted = client.post(f"/s/{slug}", data={**answers, **hidden})
        spent.append(time.perf_counter() - started)
        assert posted.status_code == 303, posted.status_code
    return spent


def measure(kind: str, count: int) -> tuple[float, float, float]:
    with database(kind) as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REVIEW": False,
                          "RESPONSE_RATE_LIMIT": "1000000 per minute"})  # fmt: skip
        db.upgrade(app)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with app.app_context():
            from survey.surveys.demo import load_demo

            session = db.get_session()
            survey = load_demo(session, office_zone(), utcnow(), app.secret_key)
            client = app.test_client()
            posts(client, survey.slug, 50)  # warm-up
            endpoint, _secret = endpoints.create(
                session, survey, None, f"http://127.0.0.1:{server.server_port}/hook",
                ["response.created"], "bench", data_key=app.config["DATA_KEY"],
                allowed=LOOPBACK, now=utcnow(),
            )  # fmt: skip
            session.commit()
            # Rounds alternate, so that a drift of the machine's speed touches both alike; a
            # paused endpoint hears nothing, as a survey without one.
            spent: dict[bool, list[float]] = {False: [], True: []}
            for round in range(10):
                heard = round % 2 == 1
                endpoints.pause(session, endpoint, survey, None, utcnow(), paused=not heard)
                session.commit()
                spent[heard] += posts(client, survey.slug, count // 5)
            without, with_one = (statistics.median(spent[heard]) for heard in (False, True))
            send = delivery.http_sender(LOOPBACK)
            started = time.perf_counter()
            delivered = 0
            while attempted := delivery.run_once(session, send, app.config["DATA_KEY"]):
                delivered += attempted
            rate = delivered / (time.perf_counter() - started)
            assert delivered == len(spent[True]), delivered
        server.shutdown()
        app.extensions["survey.engine"].dispose()
    return without * 1000, with_one * 1000, rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    print("| database | POST, no endpoint | POST, one endpoint | worker: deliveries/s |")
    print("|---|---|---|---|")
    for kind in args.databases:
        without, with_one, rate = measure(kind, args.posts)
        print(f"| {kind} | {without:.2f} ms | {with_one:.2f} ms | {rate:.0f} |")


if __name__ == "__main__":
    main()
