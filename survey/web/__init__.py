"""What is only HTTP, whatever the feature: security headers, sessions, error pages, request
hygiene, rate limits, care mode, assets and compression, the staff access check, carrying out
staff actions, template helpers."""

from __future__ import annotations

from flask import Flask, g, has_request_context, request

from survey.core import audit
from survey.web import assets, care, errors, ratelimit, safety, security, sessions, templating


def init_app(app: Flask) -> None:
    safety.bound_ids(app)
    sessions.init_app(app)
    ratelimit.init_app(app)
    security.init_app(app)
    errors.register(app)
    templating.register(app)
    care.init_app(app)
    assets.init_app(app)
    app.before_request(safety.reject_nul)
    audit.set_origin(_client_address)


def _client_address() -> str:
    """Staff actions are logged with the client's address (and the API token they came with);
    from the shell, as "cli"."""
    if not has_request_context():
        return "cli"
    address = request.remote_addr or ""
    via = g.get("audit_via")
    return f"{address} {via}"[:64] if via else address
