"""What a consultation tells its webhooks: each opinion received (on the web or entered from
a letter), and each 意见采纳情况 published or withdrawn. Contacts never leave with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from survey.consultations import queries
from survey.consultations.models import Consultation, Opinion
from survey.core.i18n import _l
from survey.webhooks import events, outbox
from survey.webhooks.events import (
    OPINION_CREATED,
    PUBLICATION_PUBLISHED,
    PUBLICATION_WITHDRAWN,
    moment,
    subject_data,
)


def opinion_created(session: Session, consultation: Consultation, opinion: Opinion) -> None:
    outbox.announce(
        session, OPINION_CREATED, consultation, opinion.received_at, subject_id=opinion.id,
        data={
            "consultation": subject_data(consultation),
            "opinion": {
                "receipt": opinion.receipt, "part": opinion.part.name if opinion.part else "",
                "body": opinion.body, "name": opinion.name, "channel": opinion.channel,
                "received_at": moment(opinion.received_at),
                "flagged": opinion.flagged,
            },
        },
    )  # fmt: skip


def published(
    session: Session, consultation: Consultation, version: int, content_hash: str, now: datetime
) -> None:
    outbox.publication_published(
        session, consultation, version, content_hash, f"/c/{consultation.slug}/feedback", now
    )


def withdrawn(
    session: Session, consultation: Consultation, version: int | None, reason: str, now: datetime
) -> None:
    outbox.publication_withdrawn(
        session, consultation, version, reason, f"/c/{consultation.slug}/feedback", now
    )


def register() -> None:
    events.register_kind(
        events.Kind(
            "consultation_id", _l("意见征集"),
            (OPINION_CREATED, PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN),
            queries.consultation_by_id,
        )
    )  # fmt: skip
