"""Opening and closing a consultation, and the legal minimum period of comment it is held to."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from survey.consultations.models import Consultation, MinimumPeriod
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.timeutil import to_local
from survey.core.window import Status


class LifecycleError(Refusal):
    """A change of status that is refused; the message says why."""


def working_days(first: date, last: date) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both counted. (Public holidays and
    the weekends worked in exchange are not known to the platform: staff allow for them.)"""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    whole_weeks, rest = divmod(days, 7)
    count = whole_weeks * 5
    for offset in range(rest):
        if (first + timedelta(days=whole_weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def period_warning(consultation: Consultation, zone: ZoneInfo, now: datetime) -> str | None:
    """Why the 征集时间 is shorter than the minimum staff chose, or None."""
    rule = MinimumPeriod(consultation.minimum_period)
    if rule == MinimumPeriod.NONE or consultation.closes_at is None:
        return None
    first = to_local(consultation.opens_at or now, zone).date()
    last = to_local(consultation.closes_at - timedelta(microseconds=1), zone).date()
    if rule == MinimumPeriod.WORKING_DAYS_7 and (found := working_days(first, last)) < 7:
        return _("征集时间只有 %(n)s 个工作日，规范性文件应不少于 7 个工作日", n=found)
    if rule == MinimumPeriod.DAYS_30 and (found := (last - first).days + 1) < 30:
        return _("征集时间只有 %(n)s 日，应不少于 30 日", n=found)
    return None


def check_opening(consultation: Consultation, now: datetime) -> None:
    """Refuse, with the reason, a consultation that cannot open now."""
    if consultation.status == Status.OPEN:
        raise LifecycleError(_("已在征集中"))
    if consultation.closes_at is not None and consultation.closes_at <= now:
        raise LifecycleError(_("截止时间已过，请先修改征集时间"))


def open_consultation(
    session: Session, consultation: Consultation, actor: audit.Actor | None, now: datetime
) -> None:
    """Open for opinions from now (or from its opening time, if that is later)."""
    check_opening(consultation, now)
    consultation.status = Status.OPEN
    if consultation.opens_at is None:
        consultation.opens_at = now
    audit.record(session, actor, "consultation.open", consultation)


def close_consultation(
    session: Session, consultation: Consultation, actor: audit.Actor | None, now: datetime
) -> None:
    """Stop taking opinions now."""
    if consultation.status != Status.OPEN:
        raise LifecycleError(_("未在征集中"))
    consultation.status = Status.CLOSED
    if consultation.closes_at is None or consultation.closes_at > now:
        consultation.closes_at = now
        if consultation.opens_at is not None and consultation.opens_at >= now:
            consultation.opens_at = None  # closed before it started
    audit.record(session, actor, "consultation.close", consultation)
