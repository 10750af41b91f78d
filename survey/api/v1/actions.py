"""Actions that go public, from the API: through the same review chain as the workspace, as
the token's user, and reported the same way by every resource."""

from __future__ import annotations

from typing import Any

from flask import current_app

from survey.api.v1.auth import caller
from survey.config import office_zone
from survey.core.models import utcnow
from survey.db import get_session
from survey.review import services
from survey.review.kinds import Moment, Subject
from survey.review.models import ReviewRequest
from survey.web.actions import committed


def outcome(result: ReviewRequest | dict[str, Any]) -> tuple[dict[str, Any], int]:
    """An action that goes public, as the API reports it: 202 while it waits for review."""
    if isinstance(result, ReviewRequest):
        waiting = result.next_step["name"] if result.next_step else None
        shown = {"status": "submitted", "review_request": result.id, "waiting_for": waiting}
        return shown, 202
    return {"status": "done", "review_request": None, "waiting_for": None, "result": result}, 200


def go_public(action: str, item: Subject, params: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Through the same review chain as the workspace, as the token's user."""
    found = caller()
    assert found is not None
    result = committed(
        lambda: services.go_public(
            get_session(), action, item, found.user, params, Moment(utcnow(), office_zone()),
            review=bool(current_app.config["REVIEW"]),
        )
    )  # fmt: skip
    return outcome(result)
