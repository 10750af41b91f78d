"""Staff review of single responses: marking one invalid (it then counts nowhere) and restoring
it. The counters move by SQL in the same transaction as the mark and its audit event."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from survey import audit, tally
from survey.models import Response, Survey, User

REASON_MAX_LENGTH = 500


class ReviewError(ValueError):
    """A mark that cannot be made; the message says why, in the staff's words."""


def mark_invalid(
    session: Session, survey: Survey, response: Response, actor: User | None, reason: str,
    now: datetime,
) -> None:  # fmt: skip
    """Mark ``response`` invalid for ``reason`` and take it out of every count."""
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("请填写作废的原因"))
    if len(reason) > REASON_MAX_LENGTH:
        raise ReviewError(_("原因最多 %(n)s 个字", n=REASON_MAX_LENGTH))
    # Flip the mark by a conditional UPDATE: of two staff marking at once, one moves the counts.
    flipped = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.invalid_at.is_(None))
        .values(invalid_at=now, invalid_reason=reason),
        execution_options={"synchronize_session": False},
    )
    if flipped.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError(_("这份答卷已经作废"))
    tally.uncount_response(session, response)
    session.refresh(response)
    audit.record(session, actor, "response.invalidate", survey, response=response.id, reason=reason)


def restore(session: Session, survey: Survey, response: Response, actor: User | None) -> None:
    """Count an invalid response again."""
    reason = response.invalid_reason
    restored = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.invalid_at.is_not(None))
        .values(invalid_at=None, invalid_reason=""),
        execution_options={"synchronize_session": False},
    )
    if restored.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError(_("这份答卷没有作废"))
    tally.uncount_response(session, response, sign=1)
    session.refresh(response)
    audit.record(session, actor, "response.restore", survey, response=response.id, reason=reason)
