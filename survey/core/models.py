"""The declarative base every table of the platform derives from, and how time is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import DeclarativeBase, Session

# Constraint names as Alembic's migrations spell them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Table options of the items whose ids are shown, linked and written into the audit log: on
# SQLite, AUTOINCREMENT, so an id is never given again once its row is deleted (PostgreSQL's
# sequences never reuse one).
IDS_NEVER_REUSED = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """Naive UTC: every timestamp is stored in UTC and shown in the office's time zone."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def sqlite_datetime(moment: datetime) -> str:
    """``moment`` as SQLAlchemy stores a DateTime in SQLite, for statements written directly."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def engine_of(session: Session) -> Engine:
    """The engine a session works on (ours are always bound to one)."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine
