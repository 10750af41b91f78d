"""What a consultation puts forward for review: opening it for comment (the draft at its
version, with the notice's settings), publishing a 意见采纳情况 version (the frozen document)
and withdrawing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey.consultations import feedback, lifecycle, queries
from survey.consultations.handling import Outcome
from survey.consultations.models import Consultation
from survey.core.audit import Actor
from survey.core.i18n import _l
from survey.core.permissions import Permission
from survey.review import kinds
from survey.review.kinds import Moment, Params, Reviewable, Snapshot, Subject

OPEN = "consultation.open"
PUBLISH = "feedback.publish"
WITHDRAW = "feedback.withdraw"


def _consultation(subject: Subject) -> Consultation:
    assert isinstance(subject, Consultation)
    return subject


def _load(session: Session, consultation_id: int) -> Consultation | None:
    return queries.consultation_by_id(session, consultation_id)


def _freeze_opening(session: Session, subject: Subject, params: Params, moment: Moment) -> Snapshot:
    consultation = _consultation(subject)
    lifecycle.check_opening(consultation, moment.now)
    draft = consultation.current
    return {
        "title": consultation.title,
        "issuer": consultation.issuer,
        "window": consultation.window_text(moment.zone),
        "explanation": consultation.explanation,
        "contact_lines": consultation.contact_lines,
        "rules": [consultation.name_rule, consultation.contact_rule, consultation.minimum_period],
        "draft": {"version": draft.number, "text": draft.text},
    }


def _open(
    session: Session, subject: Subject, params: Params, snapshot: Snapshot, actor: Actor | None,
    moment: Moment,
) -> dict[str, Any]:  # fmt: skip
    lifecycle.open_consultation(session, _consultation(subject), actor, moment.now)
    return {"version": snapshot["draft"]["version"]}


def _outcomes(params: Params) -> list[Outcome]:
    return [Outcome(label, needs_reason) for label, needs_reason in params["outcomes"]]


def _freeze_feedback(
    session: Session, subject: Subject, params: Params, moment: Moment
) -> Snapshot:
    return feedback.freeze(
        session, _consultation(subject), moment.zone, _outcomes(params), moment.now,
        by_article=bool(params.get("by_article")), summary=params.get("summary", ""),
    )  # fmt: skip


def _publish(
    session: Session, subject: Subject, params: Params, snapshot: Snapshot, actor: Actor | None,
    moment: Moment,
) -> dict[str, Any]:  # fmt: skip
    published = feedback.publish_frozen(
        session, _consultation(subject), actor, moment.now, snapshot, params.get("summary", "")
    )
    return {"version": published.version}


def _freeze_withdrawal(
    session: Session, subject: Subject, params: Params, moment: Moment
) -> Snapshot:
    return feedback.withdrawal(session, _consultation(subject), params.get("reason", ""))


def _withdraw(
    session: Session, subject: Subject, params: Params, snapshot: Snapshot, actor: Actor | None,
    moment: Moment,
) -> dict[str, Any]:  # fmt: skip
    feedback.withdraw(session, _consultation(subject), actor, moment.now, snapshot["reason"])
    return {"version": snapshot["version"]}


def _live(session: Session, subject: Subject, made: dict[str, Any]) -> str | None:
    return feedback.live_hash(session, _consultation(subject), made.get("version", 0))


def publish_params(outcomes: list[Outcome], by_article: bool, summary: str) -> dict[str, Any]:
    """What a 意见采纳情况 publication is asked with, as a review request keeps it."""
    return {
        "outcomes": [[o.label, o.needs_reason] for o in outcomes],
        "by_article": by_article,
        "summary": summary,
    }


def register() -> None:
    for kind in (
        Reviewable(
            OPEN,
            _l("开始征集意见"),
            Permission.RUN,
            "consultation_id",
            _load,
            _freeze_opening,
            _open,
        ),
        Reviewable(
            PUBLISH,
            _l("发布意见采纳情况"),
            Permission.PUBLISH,
            "consultation_id",
            _load,
            _freeze_feedback,
            _publish,
            live_hash=_live,
        ),
        Reviewable(
            WITHDRAW,
            _l("撤回意见采纳情况"),
            Permission.PUBLISH,
            "consultation_id",
            _load,
            _freeze_withdrawal,
            _withdraw,
            urgent=True,
        ),
    ):
        kinds.register(kind)
