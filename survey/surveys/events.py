"""What a survey tells its webhooks: new responses (composed when first delivered, so the
answer path only writes the message), and each 结果反馈 published or withdrawn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from survey.core.i18n import _l
from survey.surveys import analysis, queries
from survey.surveys.models import Survey
from survey.surveys.personal import Reader
from survey.webhooks import events, outbox
from survey.webhooks.events import (
    PUBLICATION_PUBLISHED,
    PUBLICATION_WITHDRAWN,
    RESPONSE_CREATED,
    moment,
    subject_data,
)


def response_created(session: Session, response_id: int) -> dict[str, Any]:
    """A new response as the API gives it (its answers by question key); only its id if it
    was deleted before it could be delivered."""
    response = queries.response_by_id(session, response_id)
    survey = queries.survey_by_id(session, response.survey_id) if response else None
    if response is None or survey is None:
        return {"response": {"id": response_id, "deleted": True}}
    # Personal answers never leave the platform: a receiver gets a placeholder for each.
    (submitted,) = analysis.as_submitted(session, survey, [response], Reader())
    return {
        "survey": subject_data(survey),
        "response": {"id": response.id, "submitted_at": moment(response.submitted_at),
                     "answers": submitted.answers},
    }  # fmt: skip


def published(
    session: Session, survey: Survey, version: int, content_hash: str, now: datetime
) -> None:
    outbox.publication_published(
        session, survey, version, content_hash, f"/s/{survey.slug}/results", now
    )


def withdrawn(
    session: Session, survey: Survey, version: int | None, reason: str, now: datetime
) -> None:
    outbox.publication_withdrawn(session, survey, version, reason, f"/s/{survey.slug}/results", now)


def register() -> None:
    events.register_kind(
        events.Kind(
            "survey_id", _l("调查征集"),
            (RESPONSE_CREATED, PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN),
            queries.survey_by_id,
        )
    )  # fmt: skip
    events.register_composer(RESPONSE_CREATED, response_created)
