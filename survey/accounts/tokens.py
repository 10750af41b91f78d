"""API tokens: created for a staff member with a scope (shown once, stored hashed), checked on
every API request, revoked. A token's permissions are its scope's and never more than its
user's, at the moment of each request."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.accounts.models import ApiToken, User
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.permissions import Permission

PREFIX = "svy_"  # marks the platform's tokens (secret scanners, logs)


class Scope(enum.StrEnum):
    READ = "read"  # lists, definitions, responses, results, publications, opinions
    WRITE = "write"  # also creates and changes surveys, opens and closes them (through review)
    PUBLISH = "publish"  # also publishes and withdraws results (through review)


_READ = frozenset({Permission.VIEW, Permission.EXPORT, Permission.READ_AUDIT})
_WRITE = _READ | {Permission.DESIGN, Permission.RUN, Permission.HANDLE_OPINIONS}
SCOPE_PERMISSIONS = {
    Scope.READ: _READ,
    Scope.WRITE: _WRITE,
    Scope.PUBLISH: _WRITE | {Permission.PUBLISH},
}
MAX_DAYS = 3650


class TokenError(Refusal):
    """A token request that is refused; the message says why."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    user: User,
    scope: Scope,
    now: datetime,
    *,
    name: str = "",
    days: int | None = None,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and the token itself, which is not kept: show it once."""
    if not user.is_active:
        raise TokenError(_("账号 %(name)s 已停用", name=user.username))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise TokenError(_("有效期应在 1 到 %(n)s 天之间", n=MAX_DAYS))
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        prefix=plain[:12],
        token_hash=_digest(plain),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session, actor, "token.create", target=user.username, scope=str(scope),
        token=token.prefix, days=days,
    )  # fmt: skip
    return token, plain


def authenticate(session: Session, plain: str, now: datetime) -> tuple[ApiToken, User] | None:
    """The live token ``plain`` names and its active user, or None."""
    if not plain.startswith(PREFIX) or len(plain) > 100:
        return None
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(plain))
    ).one_or_none()
    if found is None:
        return None
    token, user = found
    if not token.live(now) or not user.is_active:
        return None
    return token, user


def allows(token: ApiToken, user: User, permission: Permission) -> bool:
    """Whether a request with ``token`` may do what ``permission`` names: its scope grants it
    and its user holds it now."""
    return permission in SCOPE_PERMISSIONS[Scope(token.scope)] and user.can(permission)


def revoke(session: Session, token: ApiToken, actor: User, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(session, actor, "token.revoke", token=token.prefix)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
