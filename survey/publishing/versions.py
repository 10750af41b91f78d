"""Numbered, frozen versions of a published document: each publication adds version n + 1 of
its owner (a survey's 结果反馈, next a consultation's 意见采纳情况) and never changes it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.core.models import utcnow


class PublishedVersion:
    """Columns of one published version, mixed into the owner feature's table (which adds the
    owner's foreign key and a unique constraint on it and ``version``)."""

    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per owner
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(64))  # username, kept if the account goes
    summary: Mapped[str] = mapped_column(Text, default="")  # the staff's Markdown, as written
    # The document as published, in its schema (survey.publishing.documents).
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of ``content`` as signed in review (empty when review was off).
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Set on the latest version when the page is withdrawn: the public page then says so.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


Version = TypeVar("Version", bound=PublishedVersion)


def versions(session: Session, model: type[Version], of: ColumnElement[bool]) -> list[Version]:
    """Every version of one owner (``of`` picks its rows), newest first."""
    return list(session.scalars(select(model).where(of).order_by(model.version.desc())))


def latest(session: Session, model: type[Version], of: ColumnElement[bool]) -> Version | None:
    return session.scalar(select(model).where(of).order_by(model.version.desc()).limit(1))


def next_number(latest_version: PublishedVersion | None) -> int:
    return latest_version.version + 1 if latest_version else 1


def content_hash(content: Any) -> str:
    """SHA-256 of the content's canonical JSON: equal content, equal hash (what a reviewer
    signs, and what the live page is checked against)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def mark_withdrawn(latest_version: PublishedVersion | None, now: datetime, reason: str) -> None:
    """Note on the latest version that the page was withdrawn, when and why."""
    if latest_version is not None:
        latest_version.withdrawn_at = now
        latest_version.withdrawal_reason = reason.strip()[:500]
