"""The collection window every 征集 has: a public slug, a title, the issuer (发布单位), 征集时间
(opens/closes) and a status that staff move, from which its phase at any moment follows.

The phase rules are written once, as data (``_PHASE_RULES``), and read both ways: in Python for
one item (``phase``) and as SQL for a query over many (``in_phase``), so a dashboard filter
can never disagree with a badge.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, ForeignKey, String, and_, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.core.i18n import _l
from survey.core.timeutil import day_or_moment


class Status(enum.StrEnum):
    """Where staff have put an item."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"  # kept with what it collected, out of the dashboard and public lists


class Phase(enum.StrEnum):
    """Where an item stands for the public at a given moment."""

    DRAFT = "draft"
    NOT_STARTED = "not_started"
    OPEN = "open"
    ENDED = "ended"


PHASE_LABELS = {
    Phase.DRAFT: _l("未发布"),
    Phase.NOT_STARTED: _l("未开始"),
    Phase.OPEN: _l("进行中"),
    Phase.ENDED: _l("已结束"),
}


@dataclass(frozen=True)
class _PhaseRule:
    """One case of the phase: the statuses it applies to and, for an open item, whether the
    closing time has passed (``ended``) and the opening time has come (``started``); None
    means either. The rules do not overlap, so their order does not matter."""

    phase: Phase
    statuses: frozenset[Status]
    ended: bool | None = None
    started: bool | None = None


_PHASE_RULES = (
    _PhaseRule(Phase.DRAFT, frozenset({Status.DRAFT})),
    _PhaseRule(Phase.ENDED, frozenset({Status.CLOSED, Status.ARCHIVED})),
    _PhaseRule(Phase.ENDED, frozenset({Status.OPEN}), ended=True),
    _PhaseRule(Phase.NOT_STARTED, frozenset({Status.OPEN}), ended=False, started=False),
    _PhaseRule(Phase.OPEN, frozenset({Status.OPEN}), ended=False, started=True),
)

# The rules looked up by (status, ended, started), for the check every request makes. (A status
# is a str enum: the stored string finds its member's entry.)
_PHASE_BY_CASE: dict[tuple[str, bool, bool], Phase] = {
    (status, ended, started): rule.phase
    for rule in _PHASE_RULES
    for status in rule.statuses
    for ended in (False, True)
    for started in (False, True)
    if rule.ended in (None, ended) and rule.started in (None, started)
}

SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")
SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing that reads as another character


def new_slug() -> str:
    return "".join(secrets.choice(SLUG_ALPHABET) for _ in range(8))


class CollectionWindow:
    """Columns and rules of a collection window, mixed into a feature's main table."""

    slug: Mapped[str] = mapped_column(String(32), unique=True)  # its public address
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(100), default="")  # 发布单位
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)  # 征集时间 start, UTC
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)  # 征集时间 end, UTC
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT)
    # The 科室 it belongs to, whose staff act on it (None: the office as a whole).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )

    def phase(self, now: datetime) -> Phase:
        ended = self.closes_at is not None and now >= self.closes_at
        started = self.opens_at is None or now >= self.opens_at
        return _PHASE_BY_CASE[(self.status, ended, started)]

    @classmethod
    def in_phase(cls, phase: Phase, now: datetime) -> ColumnElement[bool]:
        """SQL: the item is in ``phase`` at ``now``."""
        ended = and_(cls.closes_at.is_not(None), cls.closes_at <= now)
        started = or_(cls.opens_at.is_(None), cls.opens_at <= now)
        return or_(
            *(
                _rule_clause(rule, cls.status, ended, started)
                for rule in _PHASE_RULES
                if rule.phase == phase
            )
        )

    def window_text(self, zone: ZoneInfo) -> str:
        """征集时间 as a published notice prints it, in the notice's language (pages shown to a
        reader use the ``window`` macro, in theirs): "2023-11-01 至 2023-11-30",
        "即日起 至 另行通知", or "长期有效"."""
        if not (self.opens_at or self.closes_at):
            return "长期有效"
        start = day_or_moment(self.opens_at, zone) if self.opens_at else "即日起"
        end = day_or_moment(self.closes_at, zone, end=True) if self.closes_at else "另行通知"
        return f"{start} 至 {end}"


def _rule_clause(
    rule: _PhaseRule, status: Any, ended: ColumnElement[bool], started: ColumnElement[bool]
) -> ColumnElement[bool]:
    parts = [status.in_(sorted(rule.statuses))]
    for wanted, clause in ((rule.ended, ended), (rule.started, started)):
        if wanted is not None:
            parts.append(clause if wanted else ~clause)
    return and_(*parts)


def unused_slug(session: Session, column: Any, make: Callable[[], str] = new_slug) -> str:
    """A slug that no row has in ``column`` yet."""
    while True:
        slug = make()
        if session.scalar(select(column).where(column == slug)) is None:
            return slug
