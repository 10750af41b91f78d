"""A throw-away PostgreSQL server in a temporary directory, for the tests and the benchmarks."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _server_binaries() -> Path:
    """The newest PostgreSQL server Debian installed (the version varies with the release)."""
    installed = Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")
    versions = sorted(installed, key=lambda pg_ctl: int(pg_ctl.parts[-3]))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return versions[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def running_postgres(addresses: tuple[str, ...] = (), network: str = "") -> Iterator[str]:
    """Start a server on a free port; yield its base URL (add "/dbname"); stop and remove it.
    It listens on 127.0.0.1 and ``addresses``, and trusts clients from ``network`` too."""
    data = Path(tempfile.mkdtemp(prefix="survey-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    binaries = _server_binaries()
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    subprocess.run(_as_postgres([*initdb, "-E", "UTF8", "--locale=C.UTF-8"]), **quiet)
    if network:
        with (data / "pg_hba.conf").open("a") as rules:
            rules.write(f"host all all {network} trust\n")
    listen = ",".join(("127.0.0.1", *addresses))
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "30"]
    for attempt in range(3):
        port = free_port()
        options = f"-c listen_addresses={listen} -p {port} -k {data} -c fsync=off"
        start = [*pg_ctl, "-l", str(data / "log"), "-o", options, "start"]
        started = subprocess.run(_as_postgres(start), stdout=subprocess.DEVNULL)
        if started.returncode == 0:
            break
        # Another process (the other test worker, say) took the port since free_port.
        if attempt == 2 or "already in use" not in (data / "log").read_text(errors="replace"):
            raise subprocess.CalledProcessError(started.returncode, start)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([*pg_ctl, "-m", "immediate", "stop"]), **quiet)
        shutil.rmtree(data, ignore_errors=True)
