"""The app served as it is deployed, by gunicorn with the checkout's gunicorn.conf.py, for the
tests that need several worker processes (or several hosts, in network namespaces)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

CHECKOUT = Path(__file__).parent.parent


def wait_until_serving(base: str, process: subprocess.Popen, log: Path) -> None:
    """Wait (up to 30 s) until a server just started answers at ``base``; fail with its log
    if it stops."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn not serving at {base}:\n{log.read_text()[-3000:]}")


def worker_pids(master: subprocess.Popen) -> list[int]:
    """The worker processes of a gunicorn master (its children)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


@contextlib.contextmanager
def gunicorn(
    settings: dict[str, str], bind: str, log: Path, *, workers: int = 2, netns: str | None = None
) -> Iterator[subprocess.Popen]:
    """gunicorn serving the app with ``settings`` (SURVEY_... variables) at ``bind``, inside
    network namespace ``netns`` if given; stopped, with every worker, afterwards."""
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    if netns:
        command = ["ip", "netns", "exec", netns, *command]
    environment = {
        **os.environ, **settings, "SURVEY_BIND": bind, "SURVEY_WORKERS": str(workers),
        "GUNICORN_CMD_ARGS": "--access-logfile /dev/null",
    }  # fmt: skip
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=CHECKOUT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_serving(f"http://{bind}", process, log)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # No worker may outlive its master.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
            for _ in range(50):
                time.sleep(0.1)
                os.killpg(process.pid, 0)
            raise AssertionError(f"processes of gunicorn {process.pid} left running")


def clear_of_a_window_boundary(window: int = 3600, margin: int = 60) -> None:
    """Wait, if need be, until the next ``window`` (seconds) of the rate limits' fixed windows
    is more than ``margin`` seconds from its end: counts that straddle a boundary start again."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.5)
