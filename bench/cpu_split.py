"""Where a complete submission cycle's CPU goes under benchmark A's load: each app's gunicorn
workers, the database server and wrk itself, in milliseconds per cycle, read from /proc around
one 20 s load of each app (ours, then the reference).

    .venv/bin/python bench/cpu_split.py [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # the benchmark's own setup, servers and load
    LOAD_SECONDS,
    ROOT,
    answer_bodies,
    flask,
    fresh_database,
    gunicorn,
    load,
    reset_reference,
    survey_ids,
)

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of the processes and of their children that have exited."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # exited meanwhile: its parent counts it
            continue
        total += sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def tree(root: int) -> list[int]:
    pids, pending = [], [root]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        pending += [int(child) for child in children.stdout.split()]
    return pids


def database_pids(kind: str) -> list[int]:
    if kind == "sqlite":  # in the workers' own processes
        return []
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def split(kind: str, url: str) -> None:
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "REFERENCE_DATABASE_URL": url,
           "SURVEY_SECRET_KEY": "benchmark", "SURVEY_RESPONSE_RATE_LIMIT": "1000000 per minute"}  # fmt: skip
    flask(env, "init-db")
    slug = flask(env, "demo")
    engine = create_engine(url)
    reset_reference(engine, kind)
    survey, questions, options = survey_ids(engine, slug)
    ours_body, reference_body = answer_bodies(questions, options)
    with ExitStack() as stack:
        ours = stack.enter_context(gunicorn("wsgi:app", env))
        reference = stack.enter_context(gunicorn("reference_app:app", env, ROOT / "bench"))
        sides = [("ours", ours, f"/s/{slug}", ours_body),
                 ("reference", reference, f"/s/{survey}", reference_body)]  # fmt: skip
        print(f"{kind}: ms of CPU per complete cycle | gunicorn workers | database | wrk")
        for name, (base, master), path, body in sides:
            before = (cpu_seconds(tree(master)), cpu_seconds(database_pids(kind)), os.times())
            cycles = load(base, path, body)["completed"]
            after = (cpu_seconds(tree(master)), cpu_seconds(database_pids(kind)), os.times())
            wrk = (after[2].children_user + after[2].children_system
                   - before[2].children_user - before[2].children_system)  # fmt: skip
            per_cycle = [1000 * spent / cycles for spent in
                         (after[0] - before[0], after[1] - before[1], wrk)]  # fmt: skip
            print(f"{name}: {cycles / LOAD_SECONDS:.0f} cycles/s | "
                  + " | ".join(f"{ms:.2f}" for ms in per_cycle))  # fmt: skip
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args()
    with fresh_database(args.database, "split") as url:
        split(args.database, url)


if __name__ == "__main__":
    main()
