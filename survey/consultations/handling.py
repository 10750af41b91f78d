"""Handling the opinions: screening (approved, or set aside as spam, a duplicate or off topic:
kept and audited, never deleted), merging similar ones into one entry, and recording each
entry's 处理结果 with its reason. The outcomes an office uses are configurable; each says
whether it needs a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey.consultations.models import SET_ASIDE, Consultation, Opinion, Screening
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _

MAX_REASON = 2_000
MAX_BATCH = 500


@dataclass(frozen=True)
class Outcome:
    label: str  # 采纳
    needs_reason: bool


def parse_outcomes(setting: str) -> tuple[Outcome, ...]:
    """The outcomes of the ``OPINION_OUTCOMES`` setting: labels separated by commas, a
    trailing * marking those that need a reason ("采纳,部分采纳*,不予采纳*")."""
    outcomes = []
    for item in setting.replace("，", ",").split(","):
        label = item.strip()
        if label:
            outcomes.append(Outcome(label.rstrip("*").strip()[:16], label.endswith("*")))
    return tuple(outcomes)


class HandlingError(Refusal):
    """A handling step that is refused; the message says why."""


def _selected(session: Session, consultation: Consultation, ids: Sequence[int]) -> list[Opinion]:
    if not ids:
        raise HandlingError(_("请先勾选意见"))
    if len(ids) > MAX_BATCH:
        raise HandlingError(_("一次最多处理 %(n)s 条意见", n=MAX_BATCH))
    opinions = session.scalars(
        select(Opinion)
        .where(Opinion.consultation_id == consultation.id, Opinion.id.in_(ids))
        .order_by(Opinion.id)
    ).all()
    if len(opinions) != len(set(ids)):
        raise HandlingError(_("所选意见不属于本次征集"))
    return list(opinions)


def screen(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    ids: Sequence[int],
    screening: Screening,
) -> int:
    """Approve the selected opinions, or set them aside; returns how many."""
    opinions = _selected(session, consultation, ids)
    for opinion in opinions:
        opinion.screening = screening
        if screening in SET_ASIDE:
            opinion.merged_into_id = None
    if screening in SET_ASIDE:
        # An entry set aside releases the opinions merged into it.
        chosen = [opinion.id for opinion in opinions]
        session.execute(
            update(Opinion).where(Opinion.merged_into_id.in_(chosen)).values(merged_into_id=None)
        )
    audit.record(
        session,
        actor,
        "opinion.screen",
        consultation,
        screening=screening,
        receipts=[opinion.receipt for opinion in opinions],
    )
    return len(opinions)


def merge(
    session: Session, consultation: Consultation, actor: audit.Actor | None, ids: Sequence[int]
) -> Opinion:
    """Merge the selected opinions into the earliest of them: one entry, one answer. The
    others keep their text and are counted, and take the entry's 处理结果."""
    opinions = _selected(session, consultation, ids)
    if len(opinions) < 2:
        raise HandlingError(_("请勾选至少两条意见进行合并"))
    if any(opinion.set_aside for opinion in opinions):
        raise HandlingError(_("已标记为垃圾、重复或无关的意见不能合并"))
    entry = min(opinions, key=lambda opinion: (opinion.received_at, opinion.id))
    entry.merged_into_id = None
    others = [opinion.id for opinion in opinions if opinion is not entry]
    session.execute(
        update(Opinion).where(Opinion.merged_into_id.in_(others)).values(merged_into_id=entry.id)
    )
    for opinion in opinions:
        if opinion is not entry:
            opinion.merged_into_id = entry.id
            opinion.outcome, opinion.reason = entry.outcome, entry.reason
            opinion.handled_at, opinion.handled_by = entry.handled_at, entry.handled_by
    audit.record(
        session,
        actor,
        "opinion.merge",
        consultation,
        entry=entry.receipt,
        receipts=[opinion.receipt for opinion in opinions if opinion is not entry],
    )
    return entry


def unmerge(
    session: Session, consultation: Consultation, actor: audit.Actor | None, ids: Sequence[int]
) -> int:
    opinions = [o for o in _selected(session, consultation, ids) if o.merged_into_id]
    for opinion in opinions:
        opinion.merged_into_id = None
    audit.record(
        session, actor, "opinion.unmerge", consultation, receipts=[o.receipt for o in opinions]
    )
    return len(opinions)


def answer(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    ids: Sequence[int],
    outcome: str,
    reason: str,
    outcomes: Sequence[Outcome],
    now: datetime,
) -> int:
    """Record the 处理结果 of the selected entries (and of the opinions merged into them)."""
    known = {item.label: item for item in outcomes}
    if outcome not in known:
        raise HandlingError(_("请选择处理结果"))
    reason = reason.strip()
    if known[outcome].needs_reason and not reason:
        raise HandlingError(_("“%(outcome)s”须填写理由", outcome=outcome))
    if len(reason) > MAX_REASON:
        raise HandlingError(_("理由不超过 %(n)s 字", n=MAX_REASON))
    opinions = _selected(session, consultation, ids)
    if any(opinion.set_aside for opinion in opinions):
        raise HandlingError(_("已标记为垃圾、重复或无关的意见不需要处理结果，请先取消标记"))
    if any(opinion.merged_into_id for opinion in opinions):
        raise HandlingError(_("已合并的意见随所并入的意见一起处理"))
    entry_ids = [opinion.id for opinion in opinions]
    handled_by = actor.username if actor else audit.SHELL
    values = {"outcome": outcome, "reason": reason, "handled_at": now, "handled_by": handled_by}
    for opinion in opinions:
        for name, value in values.items():
            setattr(opinion, name, value)
        if opinion.screening == Screening.PENDING:
            opinion.screening = Screening.APPROVED
    session.execute(update(Opinion).where(Opinion.merged_into_id.in_(entry_ids)).values(**values))
    audit.record(
        session,
        actor,
        "opinion.answer",
        consultation,
        outcome=outcome,
        receipts=[opinion.receipt for opinion in opinions],
    )
    return len(opinions)
