"""The portal's Atom feeds: well-formed Atom (as feedparser reads it), with the public lists'
items, their links and the dates they were opened or published."""

from __future__ import annotations

from datetime import UTC

import feedparser


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception  # well-formed, and understood as Atom
    assert feed.version == "atom10"
    return feed


def test_feeds_list_what_the_public_lists_show(client, session, demo_survey, make_survey,
                                                make_consultation):  # fmt: skip
    make_survey([{"type": "text", "title": "建议"}], status="draft", title="内部草稿")
    consultation = make_consultation()
    surveys = read(client, "/feeds/surveys.atom")
    assert [e.title for e in surveys.entries] == [demo_survey.title]
    entry = surveys.entries[0]
    assert entry.link.endswith(f"/s/{demo_survey.slug}") and "招远市商务局" in entry.summary
    opinions = read(client, "/feeds/consultations.atom")
    assert [e.link.rsplit("/", 1)[1] for e in opinions.entries] == [consultation.slug]
    results = read(client, "/feeds/results.atom")
    assert [e.title for e in results.entries] == ["招远市商务局外贸企业调查结果反馈"]
    published = demo_survey.results_published_at.replace(tzinfo=UTC)
    assert results.entries[0].updated_parsed[:6] == published.timetuple()[:6]
    assert 'type="application/atom+xml"' in client.get("/").get_data(as_text=True)
