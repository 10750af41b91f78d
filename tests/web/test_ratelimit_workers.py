"""Rate limits hold across the worker processes of one machine without Redis (issue #20,
row 6): four gunicorn workers let through what one would."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import TEST_DATA_KEY
from tests.pgserver import free_port
from tests.servers import clear_of_a_window_boundary, gunicorn


@pytest.fixture
def served(app, database_url, tmp_path):
    """The app's database served by gunicorn with four workers and the default counters (a
    file the workers share), with 10 logins an hour per address."""
    settings = {
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_SECRET_KEY": "test-secret",
        "SURVEY_DATA_KEY": TEST_DATA_KEY,
        "SURVEY_RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimits.sqlite'}",
        "SURVEY_LOGIN_RATE_LIMIT": "10 per hour",
    }
    bind = f"127.0.0.1:{free_port()}"
    with gunicorn(settings, bind, tmp_path / "gunicorn.log", workers=4):
        yield f"http://{bind}"


def test_four_workers_allow_as_many_login_attempts_as_one(served):
    clear_of_a_window_boundary()
    with httpx.Client(base_url=served, timeout=30) as browser:
        page = browser.get("/admin/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        guess = {"csrf_token": token, "username": "admin", "password": "wrong password"}

        def attempt(_n: int) -> int:
            return browser.post("/admin/login", data=guess).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(attempt, range(40)))
    assert codes.count(401) == 10 and codes.count(429) == 30


def test_the_counters_are_a_file_in_instance_unless_set(tmp_path):
    from survey import config

    settings = config.load(str(tmp_path), {"SECRET_KEY": "x", "DATA_KEY": TEST_DATA_KEY})
    assert settings["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path / 'ratelimits.sqlite'}"
