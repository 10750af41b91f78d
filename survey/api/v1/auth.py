"""Who calls the API: a bearer token (``Authorization: Bearer svy_...``) or nobody. Anonymous
calls see what the public pages show; a token sees and does what its scope and its user allow,
checked on each request; calls are rate-limited per token (per address when anonymous)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from survey.accounts import tokens
from survey.accounts.models import ApiToken, User
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.web.ratelimit import Windows, parse_limit

View = TypeVar("View", bound=Callable[..., Any])
# The permission each view needs, as the OpenAPI document states it (``x-permission``).
PERMISSION_ATTRIBUTE = "api_permission"


@dataclass(frozen=True)
class Caller:
    token: ApiToken
    user: User

    def may(self, permission: Permission) -> bool:
        return tokens.allows(self.token, self.user, permission)


def caller() -> Caller | None:
    """The request's token holder, or None for an anonymous call."""
    return cast(Caller | None, g.get("api_caller"))


def authenticate() -> None:
    """Run before every API request: read the token (a wrong one is refused, not ignored), and
    count the call against its limit."""
    header = request.headers.get("Authorization", "")
    g.api_caller = None
    if header:
        scheme, _sep, plain = header.partition(" ")
        found = (
            tokens.authenticate(get_session(), plain.strip(), utcnow())
            if scheme.lower() == "bearer"
            else None
        )
        if found is None:
            raise Unauthorized("The token is missing, wrong, expired or revoked.")
        token, user = found
        g.api_caller = Caller(token, user)
        g.audit_via = f"API {token.prefix}"  # the audit log names the token a change came with
        _note_use(token)
    _count_call()


def _note_use(token: ApiToken) -> None:
    """Keep when a token was last used, to the hour (a write per call would cost every read)."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        token.last_used_at = now
        get_session().commit()


def _count_call() -> None:
    windows: Windows = current_app.extensions["survey.ratelimit"]
    limit = parse_limit(current_app.config["API_RATE_LIMIT"])
    found = caller()
    key = f"token:{found.token.id}" if found else f"address:{request.remote_addr or ''}"
    if not windows.hit(limit, "api", key):
        window = limit.get_expiry()
        raise TooManyRequests(
            "Too many requests for this token; try again later.",
            retry_after=int(window - time.time() % window) + 1,
        )


def requires(permission: Permission) -> Callable[[View], View]:
    """The view needs a token whose scope and user allow ``permission``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            found = caller()
            if found is None:
                raise Unauthorized("This needs a token: Authorization: Bearer svy_...")
            if not found.may(permission):
                raise Forbidden(f"The token's scope or its user does not allow {permission}.")
            return view(*args, **kwargs)

        setattr(checked, PERMISSION_ATTRIBUTE, permission)
        return cast(View, checked)

    return decorate
