"""The audit log: one row per staff action, added to the session of the change it records.

Each feature registers the actions it records, with the words the log page shows
(``register_actions``); recording an unknown action is a programming error. Where an action came
from (the client's address, or "cli") is asked of the function the web layer registers
(``set_origin``), so services record it without knowing about requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.core.i18n import _l
from survey.core.models import Base, utcnow

if TYPE_CHECKING:
    from flask_babel import LazyString

# The name the log gives to changes made from the shell, where nobody is logged in.
SHELL = "命令行"
# The name it gives to what the platform does by itself (voiding a changed review request).
SYSTEM = "系统"

ACTIONS: dict[str, LazyString] = {
    "auth.login": _l("登录"),
    "auth.login_failed": _l("登录失败"),
    "auth.logout": _l("退出"),
}

# What the log's subject filter offers: each feature's column and how it lists its items.
_SUBJECT_LISTS: list[tuple[str, Callable[[Session], list[tuple[int, str]]]]] = []

_origin: list[Callable[[], str]] = [lambda: "cli"]


class AuditEvent(Base):
    """Who did what, and when. Written in the same transaction as the change it records."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_survey_at", "survey_id", "at"),
        Index("ix_audit_event_user_at", "user_id", "at"),
        Index("ix_audit_event_consultation_at", "consultation_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))  # kept if the account goes
    action: Mapped[str] = mapped_column(String(40))  # "survey.open", "user.create" ...
    # The item acted on, if any, in its feature's column (its title is kept in ``detail``
    # in case the item goes).
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")  # client address, or "cli"


class Actor(Protocol):
    """Whoever acts: a staff account (in a department, or None)."""

    id: int
    username: str
    department_id: int | None


class Subject(Protocol):
    """What an action is about: an item with an id and a title, and the log's column for its
    kind of item."""

    id: int
    title: str
    audit_column: ClassVar[str]


def register_actions(labels: Mapping[str, LazyString]) -> None:
    """Declare a feature's actions and how the log page names them."""
    ACTIONS.update(labels)


def register_subjects(column: str, listing: Callable[[Session], list[tuple[int, str]]]) -> None:
    """Declare how a feature lists the items its actions are about (for the log's filter), and
    the log's column that holds them."""
    _SUBJECT_LISTS.append((column, listing))


def subjects(session: Session) -> list[tuple[str, str]]:
    """Every item the log can be filtered by: ("survey_id:3", title)."""
    return [
        (f"{column}:{id}", title)
        for column, listing in _SUBJECT_LISTS
        for id, title in listing(session)
    ]


def set_origin(origin: Callable[[], str]) -> None:
    """Where actions come from: ``origin()`` names it when one is recorded."""
    _origin[0] = origin


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    subject: Subject | None = None,
    *,
    by: str = SHELL,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event for ``action`` (a registered action); the caller commits. ``by``
    names who acted when there is no ``actor`` (the shell, or a failed login's name)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    event = AuditEvent(
        at=utcnow(),
        user_id=actor.id if actor else None,
        username=actor.username if actor else by,
        action=action,
        detail={"subject": subject.title, **detail} if subject else detail,
        address=_origin[0](),
    )
    if subject is not None:
        setattr(event, subject.audit_column, subject.id)
    session.add(event)
    return event


def events(
    session: Session,
    *,
    subject: str | None = None,
    user_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> tuple[list[AuditEvent], bool]:
    """A page of the log, newest first, of one subject (as ``subjects`` names it) and/or one
    person; and whether more follow."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    column, _sep, id = (subject or "").partition(":")
    if column in {known for known, _listing in _SUBJECT_LISTS} and id.isdigit():
        statement = statement.where(getattr(AuditEvent, column) == int(id))
    if user_id:
        statement = statement.where(AuditEvent.user_id == user_id)
    rows = session.scalars(statement.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return list(rows[:per_page]), len(rows) > per_page
