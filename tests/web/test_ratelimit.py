"""Rate limits on public POSTs: per address and route, per window, in either kind of store."""

from __future__ import annotations

import pytest
from limits import parse

from survey.web import ratelimit
from tests.conftest import csrf_of
from tests.helpers import fresh_form

GOOD = {"nature": "民企", "markets": ["亚洲"]}


def test_a_window_refuses_once_full_and_opens_again_when_it_ends(monkeypatch):
    windows = ratelimit.ProcessWindows()
    now = [1_000_020.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    limit = parse("3 per minute")
    assert [windows.hit(limit, "respond", "10.0.0.1") for _ in range(4)] == [True] * 3 + [False]
    assert windows.hit(limit, "respond", "10.0.0.2")  # another address has its own count
    assert windows.hit(limit, "login", "10.0.0.1")  # and so has another route
    now[0] += 60
    assert windows.hit(limit, "respond", "10.0.0.1")


def test_a_full_table_keeps_only_the_current_window(monkeypatch):
    windows = ratelimit.ProcessWindows(capacity=2)
    now = [1_000_020.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    limit = parse("1 per minute")
    assert windows.hit(limit, "respond", "a") and windows.hit(limit, "respond", "b")
    now[0] += 60
    assert windows.hit(limit, "respond", "c")  # the old windows are dropped, not "c"'s
    assert not windows.hit(limit, "respond", "c")


@pytest.fixture(params=["memory://", "memory:///"], ids=["this process", "limits storage"])
def app_settings(app_settings: dict, request: pytest.FixtureRequest) -> dict:
    # "memory:///" goes through the limits library's storage, as redis:// does.
    return {**app_settings, "RATELIMIT_STORAGE_URI": request.param}


def test_both_stores_slow_a_flood_of_answers_and_of_logins(app, client, make_survey):
    survey = make_survey(
        [
            {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企"]},
            {"id": "markets", "type": "multiple", "title": "市场", "options": ["亚洲", "欧洲"]},
        ]
    )
    app.config["RESPONSE_RATE_LIMIT"] = "2 per minute"
    codes = [
        client.post(f"/s/{survey.slug}", data=fresh_form(client, survey, GOOD)).status_code
        for _ in range(3)
    ]
    assert codes == [303, 303, 429]
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    token = csrf_of(client)
    logins = [
        client.post("/admin/login", data={"csrf_token": token, "username": "x", "password": "y"})
        for _ in range(2)
    ]
    assert [r.status_code for r in logins] == [401, 429]
    assert "提交过于频繁" in logins[1].get_data(as_text=True)
