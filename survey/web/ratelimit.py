"""Rate limits on public POSTs, per client address and route, in fixed one-window counters.

The counters live where ``RATELIMIT_STORAGE_URI`` says:

- ``sqlite:///path`` (the default, a file in instance/): shared by every worker process of this
  machine, so four workers allow what one would;
- ``redis://host:6379`` (any URI of the ``limits`` library): shared by every machine;
- ``memory://``: this process only (one process, or tests).

A limit is a string such as ``120 per minute``, read from the settings on each request so that
it can be changed without a restart.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from functools import cache, wraps
from typing import Protocol, TypeVar, cast

from flask import Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

View = TypeVar("View", bound=Callable[..., object])


class Windows(Protocol):
    def hit(self, limit: RateLimitItem, *identifiers: str) -> bool: ...


class ProcessWindows:
    """Fixed windows in this process's memory. (The ``limits`` library's own memory store starts
    a timer thread on most hits, which costs more CPU than the rest of a submission's checks.)"""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window, hits)
        self._lock = threading.Lock()

    def hit(self, limit: RateLimitItem, *identifiers: str) -> bool:
        key = limit.key_for(*identifiers)
        window = int(time.time()) // limit.get_expiry()
        with self._lock:
            started, hits = self._counts.get(key, (window, 0))
            if started != window:
                hits = 0
            if hits >= limit.amount:
                return False
            if len(self._counts) >= self.capacity:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            self._counts[key] = (window, hits + 1)
        return True


class FileWindows:
    """Fixed windows in a SQLite file that every worker process of one machine opens: one
    upsert per hit (WAL, no fsync: a counter lost in a crash only lets a few more through)."""

    PRUNE_ONE_IN = 1000  # hits; each prune drops the windows that have ended

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and process: a forked worker never uses its parent's.
        if getattr(self._local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS window (key TEXT PRIMARY KEY, ends INTEGER NOT NULL,"
                " hits INTEGER NOT NULL) WITHOUT ROWID"
            )
            self._local.connection, self._local.pid = connection, os.getpid()
        return self._local.connection

    def hit(self, limit: RateLimitItem, *identifiers: str) -> bool:
        now = int(time.time())
        expiry = limit.get_expiry()
        ends = (now // expiry + 1) * expiry
        try:
            connection = self._connection()
            (hits,) = connection.execute(
                "INSERT INTO window VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET"
                " hits = CASE WHEN ends = excluded.ends THEN hits + 1 ELSE 1 END,"
                " ends = excluded.ends RETURNING hits",
                (limit.key_for(*identifiers), ends),
            ).fetchone()
            if random.randrange(self.PRUNE_ONE_IN) == 0:
                connection.execute("DELETE FROM window WHERE ends <= ?", (now,))
        except sqlite3.Error:
            # A full disk or a file locked for seconds: let respondents through, not fail them.
            logging.getLogger(__name__).exception("rate-limit store %s unusable", self.path)
            return True
        return bool(hits <= limit.amount)


def windows_at(uri: str) -> Windows:
    """The counters that ``RATELIMIT_STORAGE_URI`` names."""
    if uri == "memory://":
        return ProcessWindows()
    if uri.startswith("sqlite:///"):
        return FileWindows(uri.removeprefix("sqlite:///"))
    return FixedWindowRateLimiter(storage_from_string(uri))


def init_app(app: Flask) -> None:
    app.extensions["survey.ratelimit"] = windows_at(app.config["RATELIMIT_STORAGE_URI"])


parse_limit = cache(parse)


def limit_posts(setting: str) -> Callable[[View], View]:
    """Refuse a POST to the decorated view with 429 once the client address has made as many
    as the setting ``setting`` allows in the current window; other methods pass freely."""

    def decorate(view: View) -> View:
        @wraps(view)
        def limited(*args: object, **kwargs: object) -> object:
            if request.method == "POST":
                windows: Windows = current_app.extensions["survey.ratelimit"]
                limit = parse_limit(current_app.config[setting])
                if not windows.hit(limit, request.endpoint or "", request.remote_addr or ""):
                    abort(429)
            return view(*args, **kwargs)

        return cast(View, limited)

    return decorate
