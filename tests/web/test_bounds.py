"""Numbers nobody would type in a staff URL or parameter (a 25-digit id, the largest 64-bit
page number, the year 1) are refused as not found or ignored, never a server error."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_of

HUGE = 10**25


def staff_get_urls(app) -> list[str]:
    """Every staff page addressed by ids, with each id 25 digits long."""
    return [
        re.sub(r"<int:[^>]+>", str(HUGE), rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.rule.startswith("/admin")
        and rule.arguments and re.fullmatch(r"(?:[^<]|<int:[^>]+>)*", rule.rule)
    ]  # fmt: skip


def test_huge_ids_in_staff_urls_are_not_found(app, client, login):
    login("admin")
    urls = staff_get_urls(app)
    assert len(urls) > 15
    failed = {url: client.get(url).status_code for url in urls}
    assert {url: code for url, code in failed.items() if code >= 500} == {}
    assert {code for code in failed.values()} <= {404}


@pytest.mark.parametrize("query", ["page=9223372036854775807", f"page={HUGE}", "page=-5"])
def test_huge_page_numbers_are_served(client, login, demo_survey, query):
    login("admin")
    for path in (f"/admin/surveys/{demo_survey.id}/responses", "/admin/audit"):
        assert client.get(f"{path}?{query}").status_code == 200, path


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_filter_the_report(client, login, demo_survey, day):
    login("admin")
    for bound in ("since", "until"):
        response = client.get(f"/admin/surveys/{demo_survey.id}?{bound}={day}")
        assert response.status_code in (200, 400), (bound, response.status_code)


@pytest.mark.parametrize("number", ["²", "1" * 5000, str(HUGE)])
def test_part_numbers_nobody_types_are_parts_not_found(client, make_consultation, number):
    consultation = make_consultation()
    assert client.get(f"/c/{consultation.slug}/opinion?part={number}").status_code == 404


def test_ids_nobody_types_in_a_batch_of_opinions_change_nothing(client, login, make_consultation):
    consultation = make_consultation()
    login("editor")
    base = f"/admin/consultations/{consultation.id}"
    response = client.post(
        f"{base}/opinions/batch",
        data={"csrf_token": csrf_of(client, f"{base}/opinions"), "action": "answer",
              "outcome": "采纳", "ids": ["²", "1" * 5000, str(HUGE)]},
    )  # fmt: skip
    assert response.status_code == 302
