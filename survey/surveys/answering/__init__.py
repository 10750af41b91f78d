"""Taking a response: is the survey open, is the form genuine and fresh (``tokens``), are the
answers valid (``validation``); then one transaction that writes the response and all its
answers, or nothing (``storage``). Respondents are served from per-process copies of the
questionnaire (``copies``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from survey.core.models import engine_of
from survey.core.window import Phase
from survey.surveys.answering import storage, tokens, validation
from survey.surveys.models import Survey


class NotOpen(Exception):
    """The survey does not take answers now; ``phase`` says why."""

    def __init__(self, phase: Phase) -> None:
        super().__init__(phase)
        self.phase = phase


class InvitationUsed(Exception):
    """The invitation already has its response (from another form)."""


class DesignChanged(Exception):
    """The survey's design changed after the copy a submission was checked against was made."""


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
) -> Outcome:
    """Validate and store one submitted form.

    Raises ``NotOpen`` when the survey takes no answers now and ``MalformedPost`` for a post no
    form of ours produces (forged token, unknown field, option of another question). With
    ``design_version`` (that of the copy ``survey`` is), stores nothing and raises
    ``DesignChanged`` if the survey no longer has that design when the response is written.
    ``StaleForm`` if the form's token was not issued to ``respondent``.
    With ``invitation_id``, the response is the invitation's: ``InvitationUsed`` if it has one
    already (the unique ``response.invitation_id`` decides between concurrent posts).
    """
    phase = survey.phase(now)
    if phase != Phase.OPEN:
        raise NotOpen(phase)
    key = tokens.submission_key(survey, form.get(tokens.TOKEN_FIELD, ""), secret_key, respondent)
    answers, errors = validation.judge(survey, form)
    if errors:
        # Unless this form was stored already and only its re-post fails (an option withdrawn
        # since): the respondent's answers are in, there is nothing to correct.
        stored = storage.stored_response(session, key)
        return Outcome(response_id=stored) if stored is not None else Outcome(errors)
    row = {"survey_id": survey.id, "submitted_at": now, "submission_key": key,
           "invitation_id": invitation_id}  # fmt: skip
    try:
        response_id = storage.store(engine_of(session), row, answers, design_version)
    except IntegrityError:
        # The form posted again (a double tap, Back then 提交): its response is stored already.
        stored = storage.stored_response(session, key)
        if stored is not None:
            return Outcome(response_id=stored)
        if invitation_id is not None:
            raise InvitationUsed(invitation_id) from None
        raise
    if response_id is None:
        raise DesignChanged(survey.slug)
    return Outcome(response_id=response_id)
