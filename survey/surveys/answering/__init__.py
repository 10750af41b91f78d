"""Taking a response: is the survey open, is the form genuine and fresh (``tokens``), are the
answers valid (``validation``); then one transaction that writes the response and all its
answers, or nothing (``storage``). Respondents are served from per-process copies of the
questionnaire (``copies``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from survey.core.models import engine_of
from survey.core.window import Phase
from survey.surveys import counting, lifecycle
from survey.surveys.answering import storage, tokens, validation
from survey.surveys.answering.storage import NotStored, Stored
from survey.surveys.models import Quota, Survey


class NotOpen(Exception):
    """The survey does not take answers now; ``phase`` says why."""

    def __init__(self, phase: Phase) -> None:
        super().__init__(phase)
        self.phase = phase


class InvitationUsed(Exception):
    """The invitation already has its response (from another form)."""


class DesignChanged(Exception):
    """The survey's design changed after the copy a submission was checked against was made."""


class OutsideHours(Exception):
    """The survey takes answers only in its 每日答题时段, and this is not one of them."""


class TooLate(Exception):
    """The form was submitted after the survey's 答题时长限制 (``minutes``)."""

    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


# A post that left the phone in time may arrive a little later on a slow network.
LIMIT_GRACE_SECONDS = 30


class Full(Exception):
    """名额已满: the survey has its 回收上限 of responses, or ``quota`` (its label) is full."""

    def __init__(self, quota: str | None = None) -> None:
        super().__init__(quota)
        self.quota = quota


@dataclass
class Outcome:
    """What became of a submission: the stored response (also for a replayed form), or errors
    to correct."""

    errors: dict[int, str] = field(default_factory=dict)  # question id -> message
    response_id: int | None = None

    @property
    def accepted(self) -> bool:
        return not self.errors


def submit(
    session: Session,
    survey: Survey,
    form: MultiDict[str, str],
    now: datetime,
    secret_key: str,
    design_version: str | None = None,
    invitation_id: int | None = None,
    respondent: str = "",
    zone: ZoneInfo | None = None,
) -> Outcome:
    """Validate and store one submitted form.

    Raises ``NotOpen`` when the survey takes no answers now and ``MalformedPost`` for a post no
    form of ours produces (forged token, unknown field, option of another question). With
    ``design_version`` (that of the copy ``survey`` is), stores nothing and raises
    ``DesignChanged`` if the survey no longer has that design when the response is written.
    ``StaleForm`` if the form's token was not issued to ``respondent``. ``OutsideHours``
    outside the 每日答题时段 (in ``zone``, the office's), ``TooLate`` past the 答题时长限制,
    ``Full`` beyond the 回收上限 or a quota.
    With ``invitation_id``, the response is the invitation's: ``InvitationUsed`` if it has one
    already (the unique ``response.invitation_id`` decides between concurrent posts).
    """
    phase = survey.phase(now)
    if phase != Phase.OPEN:
        raise NotOpen(phase)
    if survey.daily_from is not None:
        if zone is None:
            raise ValueError("a survey with daily hours is answered in the office's zone")
        if survey.outside_daily_hours(now, zone):
            raise OutsideHours()
    given = tokens.submission(survey, form.get(tokens.TOKEN_FIELD, ""), secret_key, respondent)
    key = given.key
    taken = None
    if given.issued_at is not None and given.issued_at <= now:  # else: clocks disagree
        taken = int((now - given.issued_at).total_seconds())
    limit = survey.time_limit_minutes
    if limit is not None and taken is not None and taken > limit * 60 + LIMIT_GRACE_SECONDS:
        return _unless_stored(session, key, TooLate(limit))
    answers, errors = validation.judge(survey, form)
    if errors:
        # Unless this form was stored already and only its re-post fails (an option withdrawn
        # since): the respondent's answers are in, there is nothing to correct.
        earlier = storage.stored_response(session, key)
        return Outcome(response_id=earlier) if earlier is not None else Outcome(errors)
    row = {"survey_id": survey.id, "submitted_at": now, "submission_key": key,
           "invitation_id": invitation_id, "duration_seconds": taken}  # fmt: skip
    chosen = {answer.option_id for answer in answers if answer.option_id is not None}
    quota_ids = counting.quotas_held(survey.quotas, chosen) if survey.quotas else []
    try:
        stored = storage.store(engine_of(session), row, answers, design_version, quota_ids)
    except IntegrityError:
        # The form posted again (a double tap, Back then 提交): its response is stored already.
        earlier = storage.stored_response(session, key)
        if earlier is not None:
            return Outcome(response_id=earlier)
        if invitation_id is not None:
            raise InvitationUsed(invitation_id) from None
        raise
    if stored is NotStored.DESIGN_CHANGED:
        raise DesignChanged(survey.slug)
    if stored is NotStored.FULL:
        return _unless_stored(session, key, Full())
    if stored is NotStored.QUOTA_FULL:
        return _unless_stored(session, key, Full(_full_quota(session, quota_ids)))
    assert isinstance(stored, Stored)
    if survey.response_cap is not None and stored.responses >= survey.response_cap:
        lifecycle.close_full(session, survey.id)
    return Outcome(response_id=stored.response_id)


def _unless_stored(session: Session, key: str, refusal: Exception) -> Outcome:
    """Raise ``refusal``, unless this form's response is stored already (a double tap on the
    last place, or Back then 提交 after the time limit): then the respondent is done."""
    earlier = storage.stored_response(session, key)
    if earlier is None:
        raise refusal
    return Outcome(response_id=earlier)


def _full_quota(session: Session, quota_ids: list[int]) -> str:
    """The label of a full quota among ``quota_ids`` (read again: the copy's counts are old)."""
    full = session.scalar(
        select(Quota.label)
        .where(Quota.id.in_(quota_ids), Quota.taken >= Quota.limit)
        .order_by(Quota.id)
    )
    return full or ""
