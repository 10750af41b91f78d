"""Marking a single response invalid (作废: it then counts nowhere) and restoring it. The
counters move by SQL in the same transaction as the mark and its audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, update
from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.surveys import counting
from survey.surveys.models import Response, Survey

REASON_MAX_LENGTH = 500


class InvalidationError(Refusal):
    """A mark that cannot be made; the message says why, in the staff's words."""


def mark_invalid(
    session: Session, survey: Survey, response: Response, actor: User | None, reason: str,
    now: datetime,
) -> None:  # fmt: skip
    """Mark ``response`` invalid for ``reason`` and take it out of every count."""
    reason = reason.strip()
    if not reason:
        raise InvalidationError(_("请填写作废的原因"))
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidationError(_("原因最多 %(n)s 个字", n=REASON_MAX_LENGTH))
    # Flip the mark by a conditional UPDATE: of two staff marking at once, one moves the counts.
    flipped = _updated(
        session,
        update(Response)
        .where(Response.id == response.id, Response.invalid_at.is_(None))
        .values(invalid_at=now, invalid_reason=reason),
    )
    if flipped != 1:
        raise InvalidationError(_("这份答卷已经作废"))
    counting.uncount_response(session, response)
    session.refresh(response)
    audit.record(session, actor, "response.invalidate", survey, response=response.id, reason=reason)


def restore(session: Session, survey: Survey, response: Response, actor: User | None) -> None:
    """Count an invalid response again."""
    reason = response.invalid_reason
    restored = _updated(
        session,
        update(Response)
        .where(Response.id == response.id, Response.invalid_at.is_not(None))
        .values(invalid_at=None, invalid_reason=""),
    )
    if restored != 1:
        raise InvalidationError(_("这份答卷没有作废"))
    counting.uncount_response(session, response, restore=True)
    session.refresh(response)
    audit.record(session, actor, "response.restore", survey, response=response.id, reason=reason)


def _updated(session: Session, statement: Update) -> int:
    """Run a plain UPDATE (the response is refreshed after); the number of rows it changed."""
    options = {"synchronize_session": False}
    result = cast(CursorResult[Any], session.execute(statement, execution_options=options))
    return result.rowcount
