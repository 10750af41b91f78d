"""Atom feeds for the office's portal (its CMS reads them): the current 调查征集, the current
意见征集, and every 结果反馈 and 意见采纳情况 published, newest first. Written by feedgen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, current_app, url_for
from flask.typing import ResponseReturnValue

from survey.config import office_zone
from survey.consultations import queries as consultations
from survey.consultations.feedback import feedback_title as opinion_feedback_title
from survey.db import get_session
from survey.surveys.publication import feedback_title
from survey.surveys.queries import public_list

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
FEED_SIZE = 50


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    summary: str
    published: datetime  # naive UTC, as stored
    updated: datetime


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _atom(name: str, title: str, entries: Iterable[Entry]) -> ResponseReturnValue:
    shown = sorted(entries, key=lambda entry: entry.updated, reverse=True)[:FEED_SIZE]
    feed = FeedGenerator()
    own = url_for(f"feeds.{name}", _external=True)
    feed.id(own)
    feed.title(f"{title} · {current_app.config['SITE_NAME']}")
    feed.link(href=own, rel="self")
    feed.link(href=url_for("portal.index", _external=True), rel="alternate")
    feed.language("zh-CN")
    feed.updated(_aware(shown[0].updated) if shown else datetime(2000, 1, 1, tzinfo=UTC))
    for entry in reversed(shown):  # feedgen puts the last added first
        item = feed.add_entry()
        item.id(entry.url)
        item.title(entry.title)
        item.link(href=entry.url)
        item.summary(entry.summary)
        item.published(_aware(entry.published))
        item.updated(_aware(entry.updated))
    return current_app.response_class(feed.atom_str(pretty=True), mimetype="application/atom+xml")


@bp.get("/surveys.atom")
def surveys() -> ResponseReturnValue:
    """The 调查征集 the public list shows."""
    zone = office_zone()
    return _atom(
        "surveys",
        "调查征集",
        (
            Entry(
                url_for("surveys.answer", slug=s.slug, _external=True), s.title,
                f"{s.issuer} 征集时间：{s.window_text(zone)}".strip(),
                s.opens_at or s.created_at, max(s.opens_at or s.created_at, s.created_at),
            )
            for s in public_list(get_session())
        ),
    )  # fmt: skip


@bp.get("/consultations.atom")
def consultations_feed() -> ResponseReturnValue:
    """The 意见征集 the public list shows."""
    zone = office_zone()
    return _atom(
        "consultations_feed",
        "意见征集",
        (
            Entry(
                url_for("consultations.draft_page", slug=c.slug, _external=True), c.title,
                f"{c.issuer} 征集时间：{c.window_text(zone)}".strip(),
                c.opens_at or c.created_at, max(c.opens_at or c.created_at, c.created_at),
            )
            for c in consultations.public_list(get_session())
        ),
    )  # fmt: skip


@bp.get("/results.atom")
def results() -> ResponseReturnValue:
    """Every 结果反馈 and 意见采纳情况 published, by when it was (last) published."""
    session = get_session()
    published = [
        Entry(
            url_for("surveys.results", slug=s.slug, _external=True), feedback_title(s.title),
            s.issuer, s.results_published_at, s.results_published_at,
        )
        for s in public_list(session, published=True)
        if s.results_published_at is not None
    ] + [
        Entry(
            url_for("consultations.feedback_page", slug=c.slug, _external=True),
            opinion_feedback_title(c.title), c.issuer, c.feedback_published_at,
            c.feedback_published_at,
        )
        for c in consultations.public_list(session, published=True)
        if c.feedback_published_at is not None
    ]  # fmt: skip
    return _atom("results", "结果反馈", published)
