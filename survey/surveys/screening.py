"""Flags of suspected duplicates and bots (疑似重复、疑似刷票), for staff to look at: a response
from the same device or the same network address as another within minutes, one whose answers
are the same as another's, one answered faster than the survey's threshold. Worked out in SQL
when staff look, from the keyed hashes each response keeps; a flag never drops a response: staff
decide, and may mark every flagged one invalid in one step."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from survey.accounts.models import User
from survey.core import audit
from survey.core.i18n import _, _l
from survey.surveys import invalidation
from survey.surveys.models import Response, Survey

NEARBY_MINUTES = 10  # a second response from the same device or address within this is flagged
MAX_INVALIDATED_AT_ONCE = 2000  # one step marks at most this many (a request's worth of work)


class Flag(enum.StrEnum):
    DEVICE = "device"
    ADDRESS = "address"
    IDENTICAL = "identical"
    FAST = "fast"


FLAG_NAMES = {
    Flag.DEVICE: _l("同设备"),
    Flag.ADDRESS: _l("同地址"),
    Flag.IDENTICAL: _l("答案雷同"),
    Flag.FAST: _l("用时过短"),
}
FLAG_HINTS = {
    Flag.DEVICE: _l("%(n)s 分钟内同一设备提交了另一份答卷", n=NEARBY_MINUTES),
    Flag.ADDRESS: _l("%(n)s 分钟内同一网络地址提交了另一份答卷", n=NEARBY_MINUTES),
    Flag.IDENTICAL: _l("与另一份答卷的答案完全相同"),
    Flag.FAST: _l("答题用时少于设定的秒数"),
}


def _seconds(session: Session, column: Any) -> ColumnElement[Any]:
    """A naive-UTC timestamp as seconds, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", column)
    return func.julianday(column) * 86400


def conditions(session: Session, survey: Survey) -> dict[Flag, ColumnElement[bool]]:
    """Each flag as a condition on ``Response`` (correlated, each answered by an index)."""
    other = aliased(Response)
    at, other_at = _seconds(session, Response.submitted_at), _seconds(session, other.submitted_at)
    nearby = and_(
        other.survey_id == Response.survey_id,
        other.id != Response.id,
        func.abs(other_at - at) <= NEARBY_MINUTES * 60,
    )
    return {
        Flag.DEVICE: and_(
            Response.device_hash.is_not(None),
            exists().where(nearby, other.device_hash == Response.device_hash),
        ),
        Flag.ADDRESS: and_(
            Response.address_hash.is_not(None),
            exists().where(nearby, other.address_hash == Response.address_hash),
        ),
        Flag.IDENTICAL: and_(
            Response.answers_digest.is_not(None),
            exists().where(
                other.survey_id == Response.survey_id,
                other.id != Response.id,
                other.answers_digest == Response.answers_digest,
            ),
        ),
        Flag.FAST: and_(
            Response.duration_seconds.is_not(None),
            Response.duration_seconds < survey.too_fast_seconds,
        ),
    }


def flagged(session: Session, survey: Survey, flag: str) -> ColumnElement[bool] | None:
    """The condition of the list filter ``flag`` ("any" or a flag's name; None: no filter)."""
    found = conditions(session, survey)
    if flag == "any":
        return or_(*found.values())
    try:
        return found[Flag(flag)]
    except ValueError:
        return None


def flags_of(session: Session, survey: Survey, response_ids: list[int]) -> dict[int, list[Flag]]:
    """The flags of each of these responses."""
    if not response_ids:
        return {}
    found = conditions(session, survey)
    rows = session.execute(
        select(Response.id, *(condition.label(flag) for flag, condition in found.items()))
        .where(Response.id.in_(response_ids))
    )  # fmt: skip
    return {row[0]: [flag for flag, on in zip(found, row[1:], strict=True) if on] for row in rows}


def count_flagged(session: Session, survey: Survey, flag: str) -> int:
    """How many valid responses ``flag`` marks: what one step would invalidate."""
    condition = flagged(session, survey, flag)
    if condition is None:
        return 0
    counted = select(func.count()).where(
        Response.survey_id == survey.id, Response.invalid_at.is_(None), condition
    )
    return min(session.scalar(counted) or 0, MAX_INVALIDATED_AT_ONCE)


def invalidate_flagged(
    session: Session, survey: Survey, flag: str, actor: User | None, reason: str,
    now: datetime,
) -> int:  # fmt: skip
    """Mark every valid response with ``flag`` invalid for ``reason`` (at most
    ``MAX_INVALIDATED_AT_ONCE``), each as a single marking would (and audited so), and the step
    itself audited; the number marked."""
    condition = flagged(session, survey, flag)
    if condition is None:
        raise invalidation.InvalidationError(_("请选择一种标记"))
    found = list(
        session.scalars(
            select(Response)
            .where(Response.survey_id == survey.id, Response.invalid_at.is_(None), condition)
            .order_by(Response.id)
            .limit(MAX_INVALIDATED_AT_ONCE)
        )
    )
    for response in found:
        invalidation.mark_invalid(session, survey, response, actor, reason, now)
    if found:
        audit.record(
            session, actor, "responses.invalidate_flagged", survey, flag=flag, reason=reason,
            responses=len(found),
        )  # fmt: skip
    return len(found)
