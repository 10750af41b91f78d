"""Personal information in answers (个人信息保护法): the typed answers of personal questions
(手机号码, 身份证号, 姓名 ..., and any question staff mark 个人信息) are sealed with AES-GCM
under the data key before they are written, shown to staff masked unless they hold the
permission to reveal them, left out of exports for those who do not, resealed when the key is
rotated, and deleted a set number of days after the survey closes.

A sealed answer whose text is empty was deleted under the retention rule; its row stays, so
every count stays as it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey.core import audit, sealing
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.surveys.models import Answer, Question, Response, Survey
from survey.surveys.questions import AnswerRow, get_type

MAX_RETENTION_DAYS = 3650
RESEAL_BATCH = 500


class RetentionError(Refusal):
    """A retention period that cannot be set; the message says why."""


def context(question_id: int) -> str:
    """What a sealed answer is bound to: it does not open as another question's."""
    return f"answer:{question_id}"


def personal_ids(survey: Survey) -> frozenset[int]:
    return frozenset(q.id for q in survey.questions if q.is_personal)


def sealed(answers: list[AnswerRow], personal: frozenset[int], key: str) -> list[AnswerRow]:
    """``answers`` with the text of each personal question's answer sealed under ``key``."""
    if not personal:
        return answers
    return [
        a._replace(text=sealing.seal(key, a.text, context(a.question_id)), sealed=True)
        if a.question_id in personal and a.text
        else a
        for a in answers
    ]


@dataclass(frozen=True)
class Reader:
    """How staff read answers: personal ones unsealed with ``keys`` and shown in clear only
    when ``reveal`` (the user holds the permission and asked), masked otherwise; without
    keys (what leaves the platform: webhooks), withheld."""

    keys: Sequence[str] = ()
    reveal: bool = False

    def text(self, question: Question, text: str | None, is_sealed: bool) -> str | None:
        if not is_sealed or text is None:
            return text
        if not text:
            return _("（已按保存期限删除）")
        if not self.keys:
            return _("（个人信息，不予提供）")
        try:
            clear = sealing.unseal_any(self.keys, text, context(question.id))
        except sealing.SealingError:
            return _("（无法解密：数据密钥不符）")
        return clear if self.reveal else get_type(question.type).mask(clear)


def reseal(session: Session, keys: Sequence[str], new_key: str) -> int:
    """Seal every personal answer again under ``new_key`` (from any of ``keys``), in batches
    each committed: an interrupted run is taken up by running it again. The number resealed."""
    done, after = 0, 0
    while True:
        batch = session.execute(
            select(Answer.id, Answer.question_id, Answer.text)
            .where(Answer.sealed.is_(True), Answer.id > after, Answer.text != "")
            .order_by(Answer.id)
            .limit(RESEAL_BATCH)
        ).all()
        if not batch:
            return done
        for answer_id, question_id, text in batch:
            text = text or ""  # (not empty: the query leaves deleted ones out)
            try:
                clear = sealing.unseal(new_key, text, context(question_id))
            except sealing.SealingError:
                clear = sealing.unseal_any(keys, text, context(question_id))
            else:
                continue  # under the new key already (a run taken up again)
            session.execute(
                update(Answer)
                .where(Answer.id == answer_id)
                .values(text=sealing.seal(new_key, clear, context(question_id)))
            )
            done += 1
        session.commit()
        after = batch[-1][0]


def set_retention(
    session: Session, survey: Survey, actor: audit.Actor | None, days: int | None
) -> None:
    """Keep personal answers ``days`` after the survey closes (None: until deleted)."""
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise RetentionError(_("保存期限应为 1 到 %(n)s 天", n=MAX_RETENTION_DAYS))
    if survey.retention_days != days:
        changes = {"retention_days": [survey.retention_days, days]}
        survey.retention_days = days
        audit.record(session, actor, "survey.retention", survey, changes=changes)


def purge(session: Session, now: datetime) -> list[tuple[Survey, int]]:
    """Delete the personal answers of every survey closed longer ago than its retention
    period; each survey's deletion audited. The answer rows stay, emptied: every count is as
    it was. What was deleted, per survey."""
    purged = []
    candidates = session.scalars(select(Survey).where(Survey.retention_days.is_not(None)))
    for survey in candidates:
        ended = survey.ended_at(now)
        if ended is None or survey.retention_days is None:
            continue
        if ended + timedelta(days=survey.retention_days) > now:
            continue
        responses = select(Response.id).where(Response.survey_id == survey.id)
        result = session.execute(
            update(Answer)
            .where(Answer.response_id.in_(responses), Answer.sealed.is_(True), Answer.text != "")
            .values(text=""),
            execution_options={"synchronize_session": False},
        )
        deleted = result.rowcount  # type: ignore[attr-defined]
        if deleted:
            survey.personal_purged_at = now
            audit.record(session, None, "survey.purge_personal", survey, by=audit.SYSTEM,
                         answers=deleted, days=survey.retention_days)  # fmt: skip
            purged.append((survey, deleted))
        session.commit()
    return purged
