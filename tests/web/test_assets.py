"""The app's assets under content-hashed URLs, kept a year and sent compressed; the public's
pages compressed, the staff's not."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli

STATIC = Path(__file__).parent.parent.parent / "static"


def asset_url(html: str, name: str) -> str:
    return re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', html).group(1)


def test_pages_link_assets_by_the_hash_of_their_content(client, demo_survey):
    html = client.get(f"/s/{demo_survey.slug}").get_data(as_text=True)
    url = asset_url(html, "css/site.css")
    digest = hashlib.sha256((STATIC / "css" / "site.css").read_bytes()).hexdigest()[:12]
    assert url == f"/static/css/site.css?v={digest}"
    assert asset_url(html, "js/form.js").endswith(
        hashlib.sha256((STATIC / "js" / "form.js").read_bytes()).hexdigest()[:12]
    )


def test_a_hashed_asset_is_kept_a_year_and_sent_compressed(client, demo_survey):
    url = asset_url(client.get(f"/s/{demo_survey.slug}").get_data(as_text=True), "css/site.css")
    original = (STATIC / "css" / "site.css").read_bytes()
    plain = client.get(url)
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Encoding" not in plain.headers and plain.data == original
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert (
        zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    )
    assert gzip.decompress(zipped.data) == original and len(zipped.data) < len(original) / 3
    squeezed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.data) == original
    again = client.get(
        url, headers={"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"}
    )
    assert again.status_code == 304 and again.data == b""


def test_an_asset_asked_for_without_its_hash_is_revalidated(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    stale = client.get("/static/css/site.css?v=000000000000")
    assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/css/missing.css").status_code == 404
    assert client.get("/static/../survey/config.py").status_code == 404


def test_public_pages_are_sent_compressed_and_staff_pages_are_not(client, login, demo_survey):
    for path in ("/", f"/s/{demo_survey.slug}", f"/s/{demo_survey.slug}/results"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip", path
        assert "<html" in gzip.decompress(response.data).decode()
    login("editor")
    staff = client.get(f"/admin/surveys/{demo_survey.id}", headers={"Accept-Encoding": "gzip"})
    assert staff.status_code == 200 and "Content-Encoding" not in staff.headers
    assert "csrf_token" in staff.get_data(as_text=True)


def test_the_staff_reports_plotly_is_versioned_and_compressed(client):
    response = client.get("/assets/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 1_600_000  # of 4.8 MB
