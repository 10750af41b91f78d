"""Taking a response: is the survey open, is the form genuine and fresh (``tokens``), are the
answers valid (``validation``); then one transaction that writes the response and all its
answers, or nothing (``storage``). Respondents are served from per-process copies of the
questionnaire (``copies``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from survey.core.models import engine_of
from survey.core.timeutil import to_local
from survey.core.window import Phase
from survey.surveys import counting, lifecycle, personal
from survey.surveys.answering import fingerprints, storage, tokens, validation
from survey.surveys.answering.storage import NotStored, Stored
from survey.surveys.models import Quota, Response, Source, Survey


class NotOpen(Exception):
    """The survey does not take answers now; ``phase`` says why."""

    def __init__(self, phase: Phase) -> None:
        super().__init__(phase)
        self.phase = phase


class InvitationUsed(Exception):
    """The invitation already has its response (from another form)."""


class AlreadyAnswered(Exception):
    """防重复: this device, or this address today, has answered the survey already."""

    def __init__(self, policy: str) -> None:
        super().__init__(policy)
        self.policy = policy


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
    *,
    device: str = "",
    address: str = "",
    data_key: str = "",
    source: Source = Source.LINK,
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
    ``device`` (the browser's id) and ``address`` (its network address) are kept as keyed
    hashes, for the flags of suspected duplicates and the survey's 防重复 policy, which raises
    ``AlreadyAnswered`` (a unique index decides between concurrent posts). Personal answers
    are sealed under ``data_key``. ``source`` records how the form was reached (来源: the
    link or its QR code; an invitation's response is the invitation's whatever it says).
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
    device_hash = fingerprints.device_hash(secret_key, device)
    address_hash = fingerprints.address_hash(secret_key, address)
    day = to_local(now, zone).date() if zone is not None else now.date()
    once = fingerprints.once_key(survey.duplicate_policy, device_hash, address_hash, day)
    row = {"survey_id": survey.id, "submitted_at": now, "submission_key": key,
           "invitation_id": invitation_id, "duration_seconds": taken,
           "device_hash": device_hash, "address_hash": address_hash,
           "answers_digest": fingerprints.answers_digest(secret_key, answers),
           "once_key": once,
           # Plain text: a driver may write an enum by its name.
           "source": str(Source.INVITATION if invitation_id is not None else source)}  # fmt: skip
    sealed_ids = personal.personal_ids(survey)
    if sealed_ids:
        if not data_key:
            raise ValueError("a survey with personal questions is answered with the data key")
        answers = personal.sealed(answers, sealed_ids, data_key)
    chosen = {answer.option_id for answer in answers if answer.option_id is not None}
    quota_ids = counting.quotas_held(survey.quotas, chosen) if survey.quotas else []
    try:
        stored = storage.store(engine_of(session), row, answers, design_version, quota_ids)
    except IntegrityError:
        # The form posted again (a double tap, Back then 提交): its response is stored already.
        earlier = storage.stored_response(session, key)
        if earlier is not None:
            return Outcome(response_id=earlier)
        if once is not None and answered_once(session, survey, once):
            raise AlreadyAnswered(survey.duplicate_policy) from None
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


def answered_once(session: Session, survey: Survey, once_key: str) -> bool:
    """Whether a response under this 防重复 key is stored already."""
    found = select(Response.id).where(
        Response.survey_id == survey.id, Response.once_key == once_key
    )
    return session.scalar(found) is not None


def recent_from_address(
    session: Session, survey: Survey, secret_key: str, address: str, since: datetime
) -> int:
    """How many responses came from this network address since ``since`` (防刷: "busy")."""
    hashed = fingerprints.address_hash(secret_key, address)
    if hashed is None:
        return 0
    counted = select(func.count()).where(
        Response.survey_id == survey.id, Response.address_hash == hashed,
        Response.submitted_at >= since,
    )  # fmt: skip
    return session.scalar(counted) or 0


def once_key_of(
    survey: Survey, secret_key: str, device: str, address: str, now: datetime, zone: ZoneInfo
) -> str | None:
    """The 防重复 key a response from this device and address would have now."""
    return fingerprints.once_key(
        survey.duplicate_policy, fingerprints.device_hash(secret_key, device),
        fingerprints.address_hash(secret_key, address), to_local(now, zone).date(),
    )  # fmt: skip


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
