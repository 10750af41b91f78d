"""The public list, assets, language, security headers, and the secret key."""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime

from survey import config
from survey.core import sealing
from tests.helpers import plain


def test_list_shows_title_window_status_and_issuer(client, session, make_survey):
    questions = [{"type": "text", "title": "意见"}]
    make_survey(questions, title="正在进行的调查", issuer="招远市商务局")
    upcoming = make_survey(questions, title="下月的调查", opens="2099-01-01", closes="2099-02-01")
    ended = make_survey(questions, title="去年的调查")
    ended.opens_at, ended.closes_at = datetime(2023, 10, 31, 16), datetime(2023, 11, 30, 16)
    session.commit()
    make_survey(questions, title="草稿中的调查", status="draft")
    html = client.get("/").get_data(as_text=True)
    assert "调查征集" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    texts = {re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1): row for row in rows[1:]}
    assert set(texts) == {"正在进行的调查", "下月的调查", "去年的调查"}  # drafts are not public
    assert "进行中" in texts["正在进行的调查"] and "招远市商务局" in texts["正在进行的调查"]
    assert "未开始" in texts["下月的调查"] and "2099-01-01 至 2099-02-01" in plain(
        texts["下月的调查"]
    )
    assert "已结束" in texts["去年的调查"] and "2023-11-01 至 2023-11-30" in plain(
        texts["去年的调查"]
    )
    assert upcoming.slug in texts["下月的调查"]


def test_list_links_published_results(client, demo_survey):
    html = client.get("/").get_data(as_text=True)
    assert f'href="/s/{demo_survey.slug}/results">结果反馈</a>' in html


def test_plotly_is_served_by_the_app(client):
    with client.get("/assets/plotly.min.js") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert b"plotly" in response.data[:2000].lower() and len(response.data) > 1_000_000


def test_pages_carry_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_staff_pages_exports_and_the_api_are_never_cached(client, login, demo_survey):
    login("editor")
    base = f"/admin/surveys/{demo_survey.id}"
    for url in ("/admin/", base, f"{base}/responses", f"{base}/responses.csv"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers.getlist("Cache-Control") == ["no-store"], url
    assert client.get("/api/v1/surveys").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get(f"/s/{demo_survey.slug}/results").headers.get(
        "Cache-Control", ""
    )


def test_no_page_loads_anything_from_another_origin(client, demo_survey):
    for url in ("/", f"/s/{demo_survey.slug}", f"/s/{demo_survey.slug}/results"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), url


def test_output_is_escaped(client, make_survey):
    survey = make_survey(
        [{"type": "single", "title": "<script>alert(1)</script>", "options": ["<b>甲</b>", "乙"]}],
        title="<img src=x onerror=alert(1)>",
    )
    html = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "<b>甲</b>" not in html


def test_english_is_available(client, demo_survey):
    switch = client.get(f"/lang/en?next=/s/{demo_survey.slug}")
    assert switch.status_code == 302 and switch.headers["Location"] == f"/s/{demo_survey.slug}"
    html = client.get(f"/s/{demo_survey.slug}").get_data(as_text=True)
    assert ">Submit</button>" in html and 'lang="en"' in html
    assert client.get("/").get_data(as_text=True).count("Open") >= 1
    client.get("/lang/zh_Hans_CN")
    assert ">提交</button>" in client.get(f"/s/{demo_survey.slug}").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\r\nLocation: http://evil.example",
    ):
        response = client.get("/lang/en", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_missing_keys_are_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_DATA_KEY", raising=False)
    instance = tmp_path / "instance"
    first = config.load(str(instance), {})
    assert len(first["SECRET_KEY"]) >= 32
    assert sealing.unseal(first["DATA_KEY"], sealing.seal(first["DATA_KEY"], "x", "c"), "c") == "x"
    for name in ("secret_key", "data_key"):
        assert stat.S_IMODE(os.stat(instance / name).st_mode) == 0o600
    second = config.load(str(instance), {})
    assert (second["SECRET_KEY"], second["DATA_KEY"]) == (first["SECRET_KEY"], first["DATA_KEY"])


def test_archived_surveys_leave_the_list_but_keep_their_pages(client, session, demo_survey):
    demo_survey.status = "archived"
    session.commit()
    assert demo_survey.title not in client.get("/").get_data(as_text=True)
    results = client.get(f"/s/{demo_survey.slug}/results")
    assert results.status_code == 200 and "本题有效填写人次" in results.get_data(as_text=True)
    assert "本次调查已结束" in client.get(f"/s/{demo_survey.slug}").get_data(as_text=True)


def test_care_mode_is_remembered_and_kept_pages_are_kept_per_mode(app, client, make_survey):
    survey = make_survey([{"type": "text", "title": "意见"}])
    app.config["QUESTIONNAIRE_RECHECK_SECONDS"] = 3600  # pages kept, as in production
    switched = client.get(f"/care?mode=on&next=/s/{survey.slug}")
    assert switched.status_code == 303 and switched.headers["Location"] == f"/s/{survey.slug}"
    other = app.test_client()
    for _ in range(2):  # each mode's page comes from its own copy, in either order
        for path in (f"/s/{survey.slug}", f"/s/{survey.slug}/thanks"):
            cared = client.get(path).get_data(as_text=True)
            plain_page = other.get(path).get_data(as_text=True)
            assert 'class="care"' in cared and "退出关怀模式" in cared, path
            assert 'class="care"' not in plain_page and "退出关怀模式" not in plain_page, path
    assert client.get("/care?mode=off&next=//evil.example").headers["Location"] == "/"
    assert 'class="care"' not in client.get("/").get_data(as_text=True)
    # Staff pages keep their own layout whatever the public pages do.
    client.get("/care?mode=on&next=/")
    assert 'class="care"' not in client.get("/admin/login").get_data(as_text=True)


def test_a_shared_link_shows_the_title_what_it_is_and_the_issuer(client, demo_survey):
    import html as markup

    shared = [
        (f"/s/{demo_survey.slug}", demo_survey.title),
        (f"/s/{demo_survey.slug}/results", "招远市商务局外贸企业调查结果反馈"),
    ]
    for path, title in shared:
        page = client.get(path).get_data(as_text=True)
        card = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page))
        assert markup.unescape(card["og:title"]) == title
        described = markup.unescape(card["og:description"])
        assert described.startswith("发布单位：招远市商务局。") and len(described) <= 125
        assert card["description"] == card["og:description"]
