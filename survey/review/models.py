"""The office's review chain, the requests that pass along it, and each sign-off."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.core.models import Base, utcnow


class ReviewStep(Base):
    """One step of the office's chain (初审, 复审, 终审 ...), in order, and the permission a
    person needs to sign it."""

    __tablename__ = "review_step"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(20))
    permission: Mapped[str] = mapped_column(String(40))


class RequestStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next step's sign-off
    RETURNED = "returned"  # sent back to the author with a comment
    VOIDED = "voided"  # the item changed after submission: its sign-offs no longer count
    CANCELLED = "cancelled"  # taken back by its author
    DONE = "done"  # every step signed, and carried out
    URGENT = "urgent"  # a withdrawal an admin carried out at once, without the chain


class ReviewRequest(Base):
    """One item put forward to go public (opened, published or withdrawn): what exactly would
    go public (``snapshot``, and its ``content_hash``), the chain it must pass (as configured
    when it was submitted) and where it stands."""

    __tablename__ = "review_request"
    __table_args__ = (
        Index("ix_review_request_status", "status", "submitted_at"),
        Index("ix_review_request_survey_id", "survey_id"),
        Index("ix_review_request_consultation_id", "consultation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))  # a registered Reviewable's action
    # The item, in its kind's column (as the audit log keeps it).
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(200))  # the item's, when submitted
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the author's choices
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)  # what goes public, frozen
    content_hash: Mapped[str] = mapped_column(String(64))
    # The hash of the item's ``fingerprint`` (what a change of voids the sign-offs).
    state_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    chain: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"name", "permission"}, ...]
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING)
    signed_steps: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")  # the author's word to the reviewers
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closing_note: Mapped[str] = mapped_column(Text, default="")  # why returned or voided
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"version": 3} ...
    # 发布后复查: a reviewer compares the live page with the signed snapshot.
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_by: Mapped[str] = mapped_column(String(64), default="")
    check_ok: Mapped[bool | None] = mapped_column(Boolean)
    check_note: Mapped[str] = mapped_column(Text, default="")
    check_items: Mapped[list[str]] = mapped_column(JSON, default=list)

    signoffs: Mapped[list[SignOff]] = relationship(
        order_by="SignOff.id", cascade="all, delete-orphan", back_populates="request"
    )

    @property
    def next_step(self) -> dict[str, str] | None:
        """The step waiting for a signature, while pending."""
        if self.status != RequestStatus.PENDING or self.signed_steps >= len(self.chain):
            return None
        return self.chain[self.signed_steps]

    @property
    def subject_id(self) -> int:
        return self.survey_id or self.consultation_id or 0


class Decision(enum.StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class SignOff(Base):
    """A reviewer's decision on one step, with the content hash they saw."""

    __tablename__ = "review_signoff"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("review_request.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[int] = mapped_column(Integer)  # 0-based position in the request's chain
    step_name: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # False once the item changed after this sign-off (the request is then voided).
    valid: Mapped[bool] = mapped_column(Boolean, default=True)

    request: Mapped[ReviewRequest] = relationship(back_populates="signoffs")
