"""What every resource of the API shares: actions that go public through the same review chain
as the workspace (as the token's user), the published versions a caller may read, and moments
as they are stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, overload

from flask import abort, current_app

from survey.api.v1.auth import caller
from survey.api.v1.schemas import version_fields
from survey.config import office_zone
from survey.core.models import utcnow
from survey.db import get_session
from survey.publishing.versions import PublishedVersion
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


def visible_versions(versions: list[Any], *, published: bool, staff: bool) -> list[Any]:
    """The versions (newest first) a caller may list: all of them while the page is public or
    for the item's staff; otherwise only a withdrawn latest one, which says when and why."""
    if published or staff:
        return versions
    return versions[:1] if versions and versions[0].withdrawn_at is not None else []


def one_version(versions: list[PublishedVersion], number: int) -> dict[str, Any]:
    """Version ``number`` of those visible, as its frozen document (410 once withdrawn)."""
    shown = next((v for v in versions if v.version == number), None)
    if shown is None:
        abort(404, description="No such published version.")
    if shown.withdrawn_at is not None:
        abort(410, description=f"Withdrawn: {shown.withdrawal_reason}")
    return {**version_fields(shown), "document": shown.content}


@overload
def stored_utc(moment: datetime) -> datetime: ...
@overload
def stored_utc(moment: None) -> None: ...
def stored_utc(moment: datetime | None) -> datetime | None:
    """A moment as stored: naive UTC (one with a zone is converted)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
