"""Settings read from the environment, with safe defaults for a single machine.

Every setting can be overridden by an environment variable of the same name prefixed with
``SURVEY_`` (``SURVEY_DATABASE_URL``, ``SURVEY_SECRET_KEY`` ...), or by the ``test_config``
mapping given to :func:`survey.create_app`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from survey.core import sealing

DEFAULTS: dict[str, Any] = {
    # SQLite file in instance/ unless SURVEY_DATABASE_URL names another database.
    "DATABASE_URL": None,
    # Local time of the office running the platform: used to show and read 征集时间.
    "TIMEZONE": "Asia/Shanghai",
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "LANGUAGES": ("zh_Hans_CN", "en"),
    # Rate-limit counters: empty for a file in instance/ that this machine's workers share,
    # redis://host:6379 for several machines, memory:// for one process.
    "RATELIMIT_STORAGE_URI": "",
    # Public POSTs per client address: a meeting room of 30 behind one NAT must get through.
    "RESPONSE_RATE_LIMIT": "120 per minute",
    # Opinions per client address on a consultation: a meeting room commenting together fits.
    "OPINION_RATE_LIMIT": "60 per minute",
    # The 处理结果 staff choose from, in the order the 意见采纳情况 states them; a trailing *
    # marks those that need a reason.
    "OPINION_OUTCOMES": "采纳,部分采纳*,不予采纳*,已有规定,其他",
    # API calls per token (per client address when anonymous).
    "API_RATE_LIMIT": "600 per minute",
    # Staff login attempts per client address: enough for typos, too few for guessing.
    "LOGIN_RATE_LIMIT": "10 per minute",
    "SESSION_COOKIE_SECURE": False,
    # Cross-site requests (a link or form on another site) carry no staff session.
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Hours a staff login lasts (a working day), whatever the browser keeps.
    "STAFF_SESSION_HOURS": 12.0,
    # Staff may keep a designer form open for hours: the CSRF token lives as long as the session.
    "WTF_CSRF_TIME_LIMIT": None,
    # Biggest request body accepted; a whole questionnaire answer is far below this.
    "MAX_CONTENT_LENGTH": 512 * 1024,
    # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-For is trusted.
    "TRUSTED_PROXIES": 0,
    "SITE_NAME": "网上调查征集",
    # Scheme and host of the public answer links in QR codes and invitation exports, e.g.
    # https://survey.example.gov.cn; empty: the host of the staff member's request.
    "PUBLIC_BASE_URL": "",
    # How old a worker's copy of a questionnaire may be when it serves an answer page (seconds).
    # Submissions are always judged by the current design, whatever this says.
    "QUESTIONNAIRE_RECHECK_SECONDS": 1.0,
    # 三审三校: opening a survey or consultation, publishing and withdrawing results pass the
    # office's chain of sign-offs. SURVEY_REVIEW=off turns review off for the whole install
    # (a one-person office): those actions then take effect at once, audited as before.
    "REVIEW": True,
    # Networks that webhook deliveries may reach although they are loopback, private or
    # link-local (comma-separated, e.g. "10.20.0.0/16" for the office's OA server); by
    # default only public addresses are reached.
    "WEBHOOK_ALLOWED_NETWORKS": "",
    # Seconds the worker waits between looks at the outbox when nothing is due.
    "WEBHOOK_POLL_SECONDS": 2.0,
}

FLOAT_KEYS = {"QUESTIONNAIRE_RECHECK_SECONDS", "WEBHOOK_POLL_SECONDS", "STAFF_SESSION_HOURS"}

BOOLEAN_KEYS = {"SESSION_COOKIE_SECURE", "REVIEW"}


def load(instance_path: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Build the settings: defaults, then environment, then explicit overrides."""
    settings = dict(DEFAULTS)
    for key in [*DEFAULTS, "SECRET_KEY", "DATA_KEY", "PREVIOUS_DATA_KEYS"]:
        value = os.environ.get(f"SURVEY_{key}")
        if value is not None:
            if key in BOOLEAN_KEYS:
                settings[key] = value.lower() in {"1", "true", "yes", "on"}
            else:
                settings[key] = float(value) if key in FLOAT_KEYS else value
    settings.update(overrides or {})
    if not settings.get("DATABASE_URL"):
        settings["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'survey.sqlite'}"
    if not settings.get("RATELIMIT_STORAGE_URI"):
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        settings["RATELIMIT_STORAGE_URI"] = f"sqlite:///{Path(instance_path) / 'ratelimits.sqlite'}"
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = instance_key(Path(instance_path), "secret_key", secrets.token_hex)
    if not settings.get("DATA_KEY"):
        # The key that seals secrets kept in the database (webhook signing secrets): every
        # host of an installation needs the same one, from SURVEY_DATA_KEY or a shared
        # instance/ folder.
        settings["DATA_KEY"] = instance_key(Path(instance_path), "data_key", sealing.new_key)
    previous = settings.get("PREVIOUS_DATA_KEYS")
    if previous is None:
        # Keys ``rotate-data-key`` replaced: values sealed under them still open.
        kept = Path(instance_path) / "previous_data_keys"
        previous = kept.read_text() if kept.exists() else ""
    old = [k.strip() for k in previous.split(",") if k.strip()]
    settings["DATA_KEYS"] = [settings["DATA_KEY"], *old]
    return settings


def instance_key(instance_path: Path, name: str, make: Callable[[], str]) -> str:
    """Read a key kept in instance/, creating it with ``make`` (readable by the owner only)
    once."""
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = make()
    # O_EXCL: when two workers start together, one writes and the other reads its key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def office_zone() -> ZoneInfo:
    """The office's time zone, in which 征集时间 is read and every moment is shown."""
    return ZoneInfo(current_app.config["TIMEZONE"])
