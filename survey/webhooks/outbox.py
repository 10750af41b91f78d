"""Writing events to the outbox, in the transaction of the change they announce: one message
per endpoint of the item that hears the event (an event nobody hears writes nothing). The
worker (``delivery``) sends them afterwards, so nothing announced is lost if the receiver or
the app is down."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, insert, literal, select
from sqlalchemy.orm import Session

from survey.webhooks.events import (
    PING,
    PUBLICATION_PUBLISHED,
    PUBLICATION_WITHDRAWN,
    Subject,
    envelope,
    subject_data,
)
from survey.webhooks.models import MessageStatus, WebhookEndpoint, WebhookMessage
from survey.webhooks.models import WebhookSubscription as Subscription


def new_message_id() -> str:
    """A ``webhook-id``: unique across installations (a restored backup reuses row ids)."""
    return f"msg_{secrets.token_hex(12)}"


def announce(
    session: Session,
    event: str,
    subject: Subject,
    now: datetime,
    *,
    subject_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Add ``event`` about ``subject`` (the id of its response, opinion or version:
    ``subject_id``) to the outbox of every endpoint on the item that hears it, with its
    ``data``; without data, the worker composes it at the first attempt."""
    column = getattr(WebhookEndpoint, subject.audit_column)
    payload = envelope(event, now, data) if data is not None else None
    heard = (
        select(
            literal(new_message_id()), WebhookEndpoint.id, literal(event),
            literal(subject_id, Integer), literal(payload, JSON), literal(now),
            literal(MessageStatus.PENDING.value), literal(0), literal(now),
        )
        .join(Subscription, Subscription.endpoint_id == WebhookEndpoint.id)
        .where(column == subject.id, Subscription.event == event,
               WebhookEndpoint.paused_at.is_(None))
    )  # fmt: skip
    columns = ["message_id", "endpoint_id", "event", "subject_id", "payload", "created_at",
               "status", "attempt_count", "next_attempt_at"]  # fmt: skip
    session.execute(insert(WebhookMessage).from_select(columns, heard))


def publication_published(
    session: Session, subject: Subject, version: int, content_hash: str, path: str, now: datetime
) -> None:
    """A 结果反馈 or 意见采纳情况 version went public at ``path``."""
    announce(
        session, PUBLICATION_PUBLISHED, subject, now, subject_id=version,
        data={_named(subject): subject_data(subject), "version": version,
              "content_hash": content_hash, "path": path},
    )  # fmt: skip


def publication_withdrawn(
    session: Session, subject: Subject, version: int | None, reason: str, path: str, now: datetime
) -> None:
    """The public page at ``path`` was withdrawn, for ``reason``."""
    announce(
        session, PUBLICATION_WITHDRAWN, subject, now, subject_id=version,
        data={_named(subject): subject_data(subject), "version": version, "reason": reason,
              "path": path},
    )  # fmt: skip


def _named(subject: Subject) -> str:
    return subject.audit_column.removesuffix("_id")  # "survey", "consultation"


def ping(session: Session, endpoint: WebhookEndpoint, now: datetime, by: str) -> WebhookMessage:
    """A test message to one endpoint, whatever it hears."""
    message = WebhookMessage(
        message_id=new_message_id(), endpoint_id=endpoint.id, event=PING,
        payload=envelope(PING, now, {"endpoint": endpoint.id, "requested_by": by}),
        created_at=now, next_attempt_at=now,
    )  # fmt: skip
    session.add(message)
    return message


# The same for a new response, in the statements the answer path writes directly (see
# ``survey.surveys.answering.storage``): no round trip more on PostgreSQL, and no statement
# more on SQLite for a survey without endpoints beyond one index probe.
FAN_OUT_ON_SQLITE = """
INSERT INTO webhook_message (message_id, endpoint_id, event, subject_id, created_at, status,
                             attempt_count, next_attempt_at)
SELECT ?, e.id, s.event, ?, ?, 'pending', 0, ?
FROM webhook_endpoint e JOIN webhook_subscription s ON s.endpoint_id = e.id
WHERE e.survey_id = ? AND s.event = ? AND e.paused_at IS NULL
"""

FAN_OUT_ON_POSTGRESQL = """
INSERT INTO webhook_message (message_id, endpoint_id, event, subject_id, created_at, status,
                             attempt_count, next_attempt_at)
SELECT %(message_id)s, e.id, s.event, {response}.id, %(submitted_at)s, 'pending', 0,
       %(submitted_at)s
FROM {response}, webhook_endpoint e JOIN webhook_subscription s ON s.endpoint_id = e.id
WHERE e.survey_id = %(survey_id)s AND s.event = %(event)s AND e.paused_at IS NULL
"""
