"""Errors as RFC 9457 problem details (``application/problem+json``): every refusal of the API,
from a missing token to a failed validation, has a status, a title and, where it helps, the
reason and the fields that were wrong."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

from survey.core.errors import Refusal
from survey.surveys.definition import DefinitionError

MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str = "", **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)


def from_http(error: HTTPException) -> Response:
    """An HTTP error raised in an API view (flask-smorest's ``abort`` included)."""
    status = error.code or 500
    extra: dict[str, Any] = {}
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs: {"json": {"field": ["message"]}}
        extra["errors"] = data["messages"]
    detail = data.get("message") or ""
    response = problem(status, error.name, str(detail or error.description or ""), **extra)
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # Retry-After, WWW-Authenticate, Allow ...
            response.headers[name] = value
    return response


def from_refusal(refusal: Refusal) -> Response:
    """A service's refusal (not allowed now, the reason in the staff's words): 409."""
    problems = [str(p) for p in refusal.problems]
    extra = {"problems": problems} if problems else {}
    return problem(409, "Conflict", refusal.message, **extra)


def from_definition(error: DefinitionError) -> Response:
    """A definition with problems: 422, each problem with its place."""
    return problem(
        422, "Unprocessable Entity", "The definition has problems.",
        problems=[str(p) for p in error.problems],
    )  # fmt: skip
