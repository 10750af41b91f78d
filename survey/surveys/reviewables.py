"""What a survey puts forward for review: opening it (the questionnaire at its design
version), publishing a 结果反馈 version (the frozen document) and withdrawing the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from survey.core.audit import Actor
from survey.core.i18n import _l
from survey.core.permissions import Permission
from survey.review import kinds
from survey.review.kinds import Moment, Params, Reviewable, Snapshot, Subject
from survey.surveys import lifecycle, publication, queries
from survey.surveys.definition import export_definition
from survey.surveys.models import Survey

OPEN = "survey.open"
PUBLISH = "results.publish"
WITHDRAW = "results.withdraw"


def _survey(subject: Subject) -> Survey:
    assert isinstance(subject, Survey)
    return subject


def _load(session: Session, survey_id: int) -> Survey | None:
    return queries.survey_by_id(session, survey_id)


def _start(params: Params) -> datetime | None:
    at = params.get("at")
    return datetime.fromisoformat(at) if at else None


def _freeze_opening(session: Session, subject: Subject, params: Params, moment: Moment) -> Snapshot:
    survey = _survey(subject)
    start = lifecycle.opening_start(survey, moment.now, _start(params))
    return {
        "definition": export_definition(survey, moment.zone),
        "start": start.isoformat() if start else None,
    }


def _open(
    session: Session, subject: Subject, params: Params, snapshot: Snapshot, actor: Actor | None,
    moment: Moment,
) -> dict[str, Any]:  # fmt: skip
    lifecycle.open_survey(session, _survey(subject), actor, moment.now, _start(params))
    return {}


def _freeze_results(session: Session, subject: Subject, params: Params, moment: Moment) -> Snapshot:
    return publication.freeze(session, _survey(subject), moment.zone, params)


def _publish(
    session: Session, subject: Subject, params: Params, snapshot: Snapshot, actor: Actor | None,
    moment: Moment,
) -> dict[str, Any]:  # fmt: skip
    published = publication.publish_frozen(
        session, _survey(subject), actor, moment.now, params, snapshot
    )
    return {"version": published.version}


def _results_state(session: Session, subject: Subject, params: Params, moment: Moment) -> Any:
    return publication.frozen_state(session, _survey(subject), moment.zone, params)


def _live(session: Session, subject: Subject, made: dict[str, Any]) -> str | None:
    return publication.live_hash(session, _survey(subject), made.get("version", 0))


def _freeze_withdrawal(
    session: Session, subject: Subject, params: Params, moment: Moment
) -> Snapshot:
    return publication.withdrawal(session, _survey(subject), params.get("reason", ""))


def _withdraw(
    session: Session, subject: Subject, params: Params, snapshot: Snapshot, actor: Actor | None,
    moment: Moment,
) -> dict[str, Any]:  # fmt: skip
    publication.withdraw(session, _survey(subject), actor, moment.now, snapshot["reason"])
    return {"version": snapshot["version"]}


def register() -> None:
    for kind in (
        Reviewable(
            OPEN, _l("开始收集问卷"), Permission.RUN, "survey_id", _load, _freeze_opening, _open
        ),
        Reviewable(
            PUBLISH,
            _l("发布结果反馈"),
            Permission.PUBLISH,
            "survey_id",
            _load,
            _freeze_results,
            _publish,
            fingerprint=_results_state,
            live_hash=_live,
        ),
        Reviewable(
            WITHDRAW,
            _l("撤回结果反馈"),
            Permission.PUBLISH,
            "survey_id",
            _load,
            _freeze_withdrawal,
            _withdraw,
            urgent=True,
        ),
    ):
        kinds.register(kind)
