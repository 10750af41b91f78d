"""Rate limits on public POSTs, per client address and route, in fixed one-window counters.

The counters live where ``RATELIMIT_STORAGE_URI`` says: ``memory://`` keeps them in this process
(one server), any other URI of the ``limits`` library (``redis://host:6379``) shares them between
every process and machine. A limit is a string such as ``120 per minute``, read from the
settings on each request so that it can be changed without a restart.
"""

from __future__ import annotations

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


def init_app(app: Flask) -> None:
    uri = app.config["RATELIMIT_STORAGE_URI"]
    windows: Windows = (
        ProcessWindows() if uri == "memory://" else FixedWindowRateLimiter(storage_from_string(uri))
    )
    app.extensions["survey.ratelimit"] = windows


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
