"""Webhook endpoints staff register on an item, the events each hears, and the outbox: one
message per event and endpoint, written in the transaction of the event, with every attempt
the worker made to deliver it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.core.models import IDS_NEVER_REUSED, Base, utcnow


class WebhookEndpoint(Base):
    """A receiver's URL, on one survey or one consultation (in its kind's column)."""

    __tablename__ = "webhook_endpoint"
    __table_args__ = (
        CheckConstraint("(survey_id IS NULL) <> (consultation_id IS NULL)", name="one_subject"),
        IDS_NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    # The Standard Webhooks signing secret (whsec_...), sealed with the data key.
    sealed_secret: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    paused_at: Mapped[datetime | None] = mapped_column(DateTime)  # hears nothing while paused

    subscriptions: Mapped[list[WebhookSubscription]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def events(self) -> list[str]:
        return sorted(s.event for s in self.subscriptions)


class WebhookSubscription(Base):
    """One event an endpoint hears."""

    __tablename__ = "webhook_subscription"

    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), primary_key=True
    )
    event: Mapped[str] = mapped_column(String(40), primary_key=True)


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt of the schedule failed


class WebhookMessage(Base):
    """The outbox: an event to deliver to one endpoint. The endpoints of one event share its
    ``message_id`` (the ``webhook-id`` header, the receiver's idempotency key)."""

    __tablename__ = "webhook_message"
    __table_args__ = (
        UniqueConstraint("message_id", "endpoint_id"),
        Index("ix_webhook_message_due", "status", "next_attempt_at"),
        Index("ix_webhook_message_endpoint_id", "endpoint_id", "id"),
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(40))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)  # the response, opinion or version
    # The body as it is sent (every attempt sends the same): written with the event, or, for
    # events composed later (a new response), at the first attempt.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=MessageStatus.PENDING)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    # When the worker may next try it (also pushed ahead while a worker holds it).
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    attempts: Mapped[list[WebhookAttempt]] = relationship(
        cascade="all, delete-orphan", order_by="WebhookAttempt.id", lazy="selectin"
    )


class WebhookAttempt(Base):
    """One try at delivering a message: the receiver's status code, or why there was none."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_message.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(300), default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    response_excerpt: Mapped[str] = mapped_column(String(500), default="")

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
