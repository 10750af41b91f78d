"""The staff account and the departments (科室) staff belong to. Respondents never have one."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Boolean, CheckConstraint, ColumnElement, DateTime, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from survey.accounts.roles import Role, grants
from survey.core.models import Base, utcnow
from survey.core.permissions import Permission


class Department(Base):
    """A 科室: its staff act on its surveys and consultations (admins on every department's)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Owned(Protocol):
    """An item that belongs to a department (None: to the office as a whole)."""

    department_id: int | None


ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))  # werkzeug scrypt hash
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: cannot log in
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Flask-Login's interface
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def can(self, permission: Permission) -> bool:
        """Whether this account may do what ``permission`` names, now."""
        return self.is_active and permission in grants(self.role)

    def reaches(self, item: Owned) -> bool:
        """Whether this account acts on ``item``: one of its own department's (staff without a
        department: the office-wide items), or any, with ``ALL_DEPARTMENTS``."""
        return self.can(Permission.ALL_DEPARTMENTS) or item.department_id == self.department_id

    def reach(self, department_column: Any) -> ColumnElement[bool]:
        """SQL: the items (by their department column) this account acts on."""
        if self.can(Permission.ALL_DEPARTMENTS):
            return true()
        if self.department_id is None:
            return department_column.is_(None)
        return department_column == self.department_id


class StaffSession(Base):
    """A staff login. The session cookie carries its token, kept here as SHA-256 only: logging
    out deletes the row, so a copy of the cookie taken before stops working with it."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A staff member's token for the JSON API: stored as its SHA-256 only (the token is 256
    random bits, shown once), limited to a scope and to what its user may do."""

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write', 'publish')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), default="")  # what it is for
    prefix: Mapped[str] = mapped_column(String(12))  # its first characters, to recognise it
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
