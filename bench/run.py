"""`make bench`: the platform against a bare Flask + SQLAlchemy reference, side by side in one run
on this machine, on SQLite and on PostgreSQL. Writes the table to bench/RESULTS.md.

A. complete submissions/s over HTTP, 8 concurrent clients for 20 s (wrk + submit.lua: GET the
   form with its tokens, POST, follow the redirect), each app twice (ours, reference, reference,
   ours); then stored == accepted and a recount.
B. results page latency, median of 7, at 1,000 / 10,000 / 100,000 / 1,000,000 responses.
C. CSV export of all responses: wall time (median of 3 below 1,000,000), and the serving worker's
   peak RSS growth.
D. a filtered report and a cross-tabulation at 100,000 responses.
Both apps run under gunicorn, 2 sync workers each, on the same database (separate tables): ours
with its gunicorn.conf.py, the reference with gunicorn's defaults.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.pgserver import free_port, running_postgres  # noqa: E402

VENV = ROOT / ".venv" / "bin"
SIZES = [1_000, 10_000, 100_000, 1_000_000]
OTHER_RESULTS = "<!-- other benchmarks: kept when make bench rewrites the table above -->"
PASSWORD = "benchmark password"
LOAD_SECONDS = 20
A_ORDER = ("ours", "reference", "reference", "ours")


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def flask(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(VENV / "flask"), "--app", "survey", *args],
        env=env, input=stdin, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return done.stdout.strip()


@contextmanager
def fresh_database(kind: str, name: str) -> Iterator[str]:
    """The URL of an empty database ``name``: a SQLite file in a temporary folder, or a database
    on a PostgreSQL server started for it; both are gone afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/{name}.sqlite"
        return
    with running_postgres() as server:
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as db:
            db.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        yield f"{server}/{name}"


@contextmanager
def gunicorn(app: str, env: dict, folder: Path = ROOT):
    """``app`` served by 2 sync workers, with the settings of ``folder``'s gunicorn.conf.py
    if it has one: the platform's own for ours, gunicorn's defaults for the reference."""
    port = free_port()
    process = subprocess.Popen(
        [str(VENV / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--timeout", "600",
         "--log-level", "warning", "--access-logfile", "/dev/null", app],
        env=env, cwd=folder,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base)
    try:
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(10)


def wait_until_serving(base: str) -> None:
    """Wait (up to about 10 s) until a server just started answers at ``base``."""
    for _ in range(100):
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)


def workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


REFERENCE_TABLES = {
    "sqlite": [
        "CREATE TABLE ref_response (id INTEGER PRIMARY KEY, survey_id INTEGER, submitted_at TIMESTAMP)",
        "CREATE TABLE ref_answer (id INTEGER PRIMARY KEY, response_id INTEGER, question_id INTEGER,"
        " option_id INTEGER, text TEXT)",
    ],
    "postgresql": [
        "CREATE TABLE ref_response (id BIGSERIAL PRIMARY KEY, survey_id INTEGER, submitted_at TIMESTAMP)",
        "CREATE TABLE ref_answer (id BIGSERIAL PRIMARY KEY, response_id BIGINT, question_id INTEGER,"
        " option_id INTEGER, text TEXT)",
    ],
}
REFERENCE_INDEXES = [
    "CREATE INDEX ref_answer_question ON ref_answer (question_id, option_id)",
    "CREATE INDEX ref_answer_response ON ref_answer (response_id)",
]


def reset_reference(engine, kind: str) -> None:
    with engine.begin() as db:
        db.execute(text("DROP TABLE IF EXISTS ref_answer"))
        db.execute(text("DROP TABLE IF EXISTS ref_response"))
        for statement in REFERENCE_TABLES[kind] + REFERENCE_INDEXES:
            db.execute(text(statement))


def copy_to_reference(engine, survey_id: int) -> None:
    """Give the reference the same rows as ours (those it does not have yet)."""
    with engine.begin() as db:
        after = db.execute(text("SELECT coalesce(max(id), 0) FROM ref_response")).scalar()
        db.execute(
            text(
                "INSERT INTO ref_response (id, survey_id, submitted_at) SELECT id, survey_id, submitted_at "
                "FROM response WHERE survey_id = :s AND id > :after"
            ),
            {"s": survey_id, "after": after},
        )
        db.execute(text(
            "INSERT INTO ref_answer (response_id, question_id, option_id, text) "
            "SELECT a.response_id, a.question_id, a.option_id, a.text FROM answer a "
            "JOIN response r ON r.id = a.response_id WHERE r.survey_id = :s AND r.id > :after"),
            {"s": survey_id, "after": after})  # fmt: skip
        if engine.dialect.name == "postgresql":
            db.execute(
                text("SELECT setval('ref_response_id_seq', (SELECT max(id) FROM ref_response))")
            )


def survey_ids(engine, slug: str) -> tuple[int, dict[str, int], dict[int, list[int]]]:
    with engine.connect() as db:
        survey = db.execute(text("SELECT id FROM survey WHERE slug = :s"), {"s": slug}).scalar()
        questions = dict(db.execute(text(
            "SELECT key, id FROM question WHERE survey_id = :s"), {"s": survey}).all())  # fmt: skip
        options: dict[int, list[int]] = {}
        for qid, oid in db.execute(text(
            "SELECT question_id, id FROM option WHERE question_id IN "
            "(SELECT id FROM question WHERE survey_id = :s) ORDER BY position"), {"s": survey}):  # fmt: skip
            options.setdefault(qid, []).append(oid)
    return survey, questions, options


def answer_bodies(questions: dict[str, int], options: dict[int, list[int]]) -> tuple[str, str]:
    """The same valid answers for both apps (the reference only takes the choices)."""
    choices = [(f"q{questions[k]}", options[questions[k]][1]) for k in
               ("nature", "trade", "markets", "products", "outlook")]  # fmt: skip
    ours = urlencode([*choices, (f"q{questions['name']}", "基准测试企业")])
    return ours, urlencode(choices)


def load(base: str, path: str, body: str) -> dict[str, int]:
    out = subprocess.run(
        ["wrk", "-t8", "-c8", f"-d{LOAD_SECONDS}s", "-s", str(ROOT / "bench" / "submit.lua"),
         base, "--", path, body], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"RESULT completed=(\d+) accepted=(\d+) failed=(\d+)", out)
    return {
        k: int(v) for k, v in zip(("completed", "accepted", "failed"), found.groups(), strict=True)
    }


def median_ms(client: httpx.Client, url: str, times: int = 7) -> float:
    client.get(url).raise_for_status()  # warm up
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        client.get(url).raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def export(client: httpx.Client, url: str, master: int, times: int) -> tuple[float, float]:
    """Median wall seconds of ``times`` downloads, and the largest peak-RSS growth of a worker
    during any of them (MiB)."""
    elapsed, growth = [], 0
    for _ in range(times):
        pids = workers(master)
        before = {}
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart the peak at the current RSS
            before[pid] = status_kib(pid, "VmRSS")
        started = time.perf_counter()
        with client.stream("GET", url) as response:
            response.raise_for_status()
            for _chunk in response.iter_bytes():
                pass
        elapsed.append(time.perf_counter() - started)
        growth = max(growth, *(status_kib(pid, "VmHWM") - before[pid] for pid in pids))
    return statistics.median(elapsed), growth / 1024


def staff_client(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=600)
    page = client.get("/admin/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/admin/login", data={"csrf_token": token, "username": "bench", "password": PASSWORD}
    )
    return client


def run(kind: str, url: str, sizes: list[int]) -> dict:
    results: dict = {"kind": kind}
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "REFERENCE_DATABASE_URL": url,
           "SURVEY_SECRET_KEY": "benchmark", "SURVEY_RESPONSE_RATE_LIMIT": "1000000 per minute"}  # fmt: skip
    flask(env, "init-db")
    slug = flask(env, "demo")
    flask(env, "create-user", "bench", "--role", "admin", stdin=PASSWORD + "\n")
    engine = create_engine(url)
    reset_reference(engine, kind)
    survey, questions, options = survey_ids(engine, slug)
    ours_body, reference_body = answer_bodies(questions, options)
    with ExitStack() as stack:
        ours, ours_pid = stack.enter_context(gunicorn("wsgi:app", env))
        reference, reference_pid = stack.enter_context(
            gunicorn("reference_app:app", env, ROOT / "bench")
        )

        # Each app twice, in the order ours, reference, reference, ours: a drift in the
        # machine's speed during the four runs (other tenants, the database's housekeeping)
        # weighs on both sides alike.
        runs: dict[str, list[dict[str, int]]] = {"ours": [], "reference": []}
        for side in A_ORDER:
            log(f"{kind} A: submissions for {LOAD_SECONDS} s, {side}")
            if side == "ours":
                runs[side].append(load(ours, f"/s/{slug}", ours_body))
            else:
                runs[side].append(load(reference, f"/s/{survey}", reference_body))
        with engine.connect() as db:
            stored = db.execute(text("SELECT count(*) FROM response WHERE survey_id = :s"),
                                {"s": survey}).scalar() - 4  # the demo's own four  # fmt: skip
            reference_stored = db.execute(text("SELECT count(*) FROM ref_response")).scalar()
        check = subprocess.run([str(VENV / "flask"), "--app", "survey", "recount", slug, "--check"],
                               env=env, cwd=ROOT, capture_output=True, text=True)  # fmt: skip

        def total(side: str, count: str) -> int:
            return sum(run[count] for run in runs[side])

        results["A"] = {
            "ours": total("ours", "completed") / (LOAD_SECONDS * 2),
            "reference": total("reference", "completed") / (LOAD_SECONDS * 2),
            "ours_runs": [run["completed"] / LOAD_SECONDS for run in runs["ours"]],
            "reference_runs": [run["completed"] / LOAD_SECONDS for run in runs["reference"]],
            "accepted": total("ours", "accepted"), "stored": stored,
            "reference_accepted": total("reference", "accepted"),
            "reference_stored": reference_stored,
            "failed": total("ours", "failed"), "recount_ok": check.returncode == 0,
        }  # fmt: skip

        # B, C, D on a second copy of the survey, grown to each size in turn.
        grown = flask(
            env,
            "import",
            str(ROOT / "survey" / "surveys" / "demo" / "foreign-trade.yaml"),
            "--open",
        )
        grown_id, grown_questions, grown_options = survey_ids(engine, grown)
        reset_reference(engine, kind)
        staff = staff_client(ours)
        plain = httpx.Client(timeout=600)
        have = 0
        for size in sizes:
            log(f"{kind}: growing to {size:,} responses")
            flask(env, "generate-responses", grown, str(size - have), "--seed", str(size))
            have = size
            copy_to_reference(engine, grown_id)
            if kind == "postgresql":
                # As after any bulk load: statistics for the planner, and the visibility map
                # that lets both apps' queries answer from their indexes alone.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                    db.execute(text("VACUUM ANALYZE"))
            row = results.setdefault(size, {})
            # The staff report counts live (from the kept counters); the public 结果反馈 page
            # shows the version published last, so publish again at each size before reading it.
            row["B_ours"] = median_ms(staff, f"/admin/surveys/{grown_id}")
            flask(env, "publish-results", grown)
            row["B_public"] = median_ms(plain, f"{ours}/s/{grown}/results")
            row["B_reference"] = median_ms(plain, f"{reference}/s/{grown_id}/results")
            # A download of a few hundred milliseconds moves by a factor with the machine's
            # housekeeping: those take the median of three; a million responses' takes a minute.
            times = 1 if size >= 1_000_000 else 3
            row["C_ours"] = export(
                staff, f"{ours}/admin/surveys/{grown_id}/responses.csv", ours_pid, times
            )
            row["C_reference"] = export(
                plain, f"{reference}/s/{grown_id}/export.csv", reference_pid, times
            )
            if size == 100_000:
                nature = grown_questions["nature"]
                chosen = grown_options[nature][1]
                row["D_filter"] = median_ms(staff, f"/admin/surveys/{grown_id}?chose={chosen}")
                row["D_crosstab"] = median_ms(
                    staff, f"/admin/surveys/{grown_id}/crosstab?rows={nature}"
                    f"&columns={grown_questions['markets']}")  # fmt: skip
            log(f"{kind} {size:,}: {row}")
    engine.dispose()
    return results


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = Path("/proc/meminfo").read_text().split()[1]  # MemTotal, KiB
    return (f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")  # fmt: skip


def runs_of(figures: list[float]) -> str:
    return ", ".join(f"{figure:.0f}" for figure in figures)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(runs: list[dict], sizes: list[int]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {machine()}.",
        "Both apps under gunicorn, 2 sync workers each, one run, same machine, same data;",
        "the ratio is ours / reference (for A higher is better, for B and C lower is better).",
        "",
    ]
    for run in runs:
        kind = run["kind"]
        a = run["A"]
        ratio = a["ours"] / a["reference"] if a["reference"] else 0
        lines += [
            f"## {'SQLite (WAL)' if kind == 'sqlite' else 'PostgreSQL 15'}",
            "",
            "| measure | ours | reference | ratio | target | |",
            "|---|---|---|---|---|---|",
            f"| A. complete submissions/s, 8 clients, 2 × {LOAD_SECONDS} s² | {a['ours']:.0f} "
            f"({runs_of(a['ours_runs'])}) | {a['reference']:.0f} ({runs_of(a['reference_runs'])}) "
            f"| {ratio:.2f}× | ≥ 0.7× | {verdict(ratio >= 0.7)} |",
            f"| A. accepted / stored / refused | {a['accepted']} / {a['stored']} / {a['failed']} | "
            f"{a['reference_accepted']} / {a['reference_stored']} | | nothing lost¹ | "
            f"{verdict(a['accepted'] <= a['stored'] <= a['accepted'] + 16 and a['failed'] == 0)} |",
            f"| A. counters equal a recount afterwards | {'yes' if a['recount_ok'] else 'no'} | | | "
            f"yes | {verdict(a['recount_ok'])} |",
        ]
        first = run[sizes[0]]["B_ours"]
        for size in sizes:
            row = run[size]
            b, b_ref = row["B_ours"], row["B_reference"]
            limit = {100_000: 30, 1_000_000: 50}.get(size)
            target = f"≤ {limit} ms" if limit else ""
            ok = "" if not limit else verdict(b <= limit)
            if size == 1_000_000:
                target += f", ≤ 2× the 1,000 figure ({2 * first:.1f} ms)"
                ok = verdict(b <= limit and b <= 2 * first)
            lines.append(
                f"| B. results (staff report, live counts) at {size:,}, median of 7 | {b:.1f} ms | "
                f"{b_ref:.1f} ms | {b / b_ref:.2f}× | {target} | {ok} |"
            )
            lines.append(
                f"| B. public 结果反馈 page (published snapshot) at {size:,} | "
                f"{row['B_public']:.1f} ms | | | | |"
            )
        for size in sizes:
            row = run[size]
            (c, rss), (c_ref, rss_ref) = row["C_ours"], row["C_reference"]
            time_ok = verdict(c <= 1.5 * c_ref)
            rss_ok = verdict(rss <= 32) if size == 1_000_000 else ""
            median_note = " (median of 3)" if size < 1_000_000 else ""
            lines.append(
                f"| C. CSV export at {size:,}: time{median_note} | {c:.2f} s | {c_ref:.2f} s | "
                f"{c / c_ref:.2f}× | ≤ 1.5× | {time_ok} |"
            )
            lines.append(
                f"| C. CSV export at {size:,}: worker peak RSS growth | {rss:.1f} MiB | "
                f"{rss_ref:.1f} MiB | | {'≤ 32 MiB' if size == 1_000_000 else ''} | {rss_ok} |"
            )
        if 100_000 in run:
            row = run[100_000]
            lines.append(f"| D. filtered report at 100,000, median of 7 | {row['D_filter']:.0f} ms | "
                         f"| | ≤ 300 ms | {verdict(row['D_filter'] <= 300)} |")  # fmt: skip
            lines.append(f"| D. cross-tab at 100,000, median of 7 | {row['D_crosstab']:.0f} ms | "
                         f"| | ≤ 300 ms | {verdict(row['D_crosstab'] <= 300)} |")  # fmt: skip
        lines.append("")
    lines.append(
        "¹ wrk counts a submission when its redirect arrives; the up to 8 in flight when a 20 s "
        "run ends are stored but not counted, so stored may exceed accepted by at most 8 a run.\n"
        "² Each app is loaded twice, in the order ours, reference, reference, ours; the figure is "
        "the mean of its two runs (each run's in brackets)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    runs = []
    for kind in args.databases:
        with fresh_database(kind, "bench") as url:
            runs.append(run(kind, url, args.sizes))
    table = report(runs, args.sizes)
    print(table)
    # The other benchmarks' sections (bench/consultation.py) follow this marker and are kept.
    kept = ""
    if args.output.exists() and OTHER_RESULTS in (previous := args.output.read_text("utf-8")):
        kept = "\n" + previous[previous.index(OTHER_RESULTS) :]
    args.output.write_text(table + "\n" + kept, encoding="utf-8")


if __name__ == "__main__":
    main()
