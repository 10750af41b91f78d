"""Staff sessions kept on the server: opened at login, looked up on every staff request, ended
by logout, by their lifetime, and for every device when an account's password changes or it is
deactivated. The signed session cookie alone would stay valid for as long as it is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.accounts.models import StaffSession, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, now: datetime, lifetime: timedelta) -> str:
    """A new session for ``user``; returns its token for the cookie (not kept here)."""
    session.execute(
        delete(StaffSession).where(StaffSession.user_id == user.id, StaffSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(user_id=user.id, token_hash=_digest(token), created_at=now,
                             expires_at=now + lifetime))  # fmt: skip
    return token


def account_of(session: Session, user_id: str, token: str, now: datetime) -> User | None:
    """The active account whose live session ``token`` is, if it is the one ``user_id`` names."""
    if not token or not user_id.isdigit():
        return None
    return session.scalar(
        select(User).join(StaffSession).where(
            StaffSession.token_hash == _digest(token), StaffSession.expires_at > now,
            User.id == int(user_id), User.is_active,
        )
    )  # fmt: skip


def close_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))


def close_all(session: Session, user: User) -> None:
    """End every session of ``user``, on every device."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
