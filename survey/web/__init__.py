"""What is only HTTP, whatever the feature: security headers, sessions, error pages, request
hygiene, rate limits, the staff access check, carrying out staff actions, template helpers."""

from __future__ import annotations

from flask import Flask, g, request

from survey.core import audit
from survey.web import errors, ratelimit, safety, security, sessions, templating


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    ratelimit.init_app(app)
    security.init_app(app)
    errors.register(app)
    templating.register(app)
    app.before_request(safety.reject_nul)
    app.before_request(_audit_origin)
    app.teardown_request(_end_audit_origin)


def _audit_origin() -> None:
    """Staff actions of this request are logged with the client's address."""
    g.audit_origin = audit.set_origin(request.remote_addr or "")


def _end_audit_origin(_error: BaseException | None = None) -> None:
    token = g.pop("audit_origin", None)
    if token is not None:
        audit.reset_origin(token)
