"""Reading consultations and their opinions. Every count is a ``GROUP BY`` in the database, so
a draft of 200 articles with 10,000 opinions costs its page what a small one does."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, selectinload

from survey.consultations.models import (
    SET_ASIDE,
    Consultation,
    DraftVersion,
    Opinion,
    Screening,
)
from survey.core.window import Status

QUEUE_PAGE = 50
SHOWN_PER_PART = 20  # approved opinions shown under one article, at most


def load_consultation(session: Session, slug: str) -> Consultation | None:
    return session.scalar(
        select(Consultation)
        .where(Consultation.slug == slug)
        .options(selectinload(Consultation.versions).selectinload(DraftVersion.parts))
    )


def consultation_by_id(session: Session, consultation_id: int) -> Consultation | None:
    return session.get(
        Consultation,
        consultation_id,
        options=[selectinload(Consultation.versions).selectinload(DraftVersion.parts)],
    )


def valid(consultation: Consultation) -> ColumnElement[bool]:
    """SQL: an opinion of ``consultation`` that counts (not set aside)."""
    return (Opinion.consultation_id == consultation.id) & Opinion.screening.not_in(SET_ASIDE)


def counts_by_part(session: Session, consultation: Consultation) -> dict[str, int]:
    """Opinions that count, per part key ("" for the draft as a whole), across versions."""
    rows = session.execute(
        select(Opinion.part_key, func.count()).where(valid(consultation)).group_by(Opinion.part_key)
    )
    return {key: count for key, count in rows}


def shown_opinions(session: Session, consultation: Consultation) -> dict[str, list[Opinion]]:
    """The approved opinions the public page shows under each part, when staff show them."""
    if not consultation.show_opinions:
        return {}
    ranked = (
        select(
            Opinion.id,
            func.row_number()
            .over(partition_by=Opinion.part_key, order_by=Opinion.received_at)
            .label("rank"),
        )
        .where(
            Opinion.consultation_id == consultation.id,
            Opinion.screening == Screening.APPROVED,
            Opinion.flagged.is_(False),
        )
        .subquery()
    )
    opinions = session.scalars(
        select(Opinion)
        .join(ranked, ranked.c.id == Opinion.id)
        .where(ranked.c.rank <= SHOWN_PER_PART)
        .order_by(Opinion.received_at)
    )
    shown: dict[str, list[Opinion]] = defaultdict(list)
    for opinion in opinions:
        shown[opinion.part_key].append(opinion)
    return shown


@dataclass(frozen=True)
class QueueFilter:
    part_key: str | None = None  # "" for the whole draft
    screening: str | None = None
    channel: str | None = None
    handled: bool | None = None
    flagged: bool = False

    def clauses(self, consultation: Consultation) -> list[ColumnElement[bool]]:
        clauses = [Opinion.consultation_id == consultation.id]
        if self.part_key is not None:
            clauses.append(Opinion.part_key == self.part_key)
        if self.screening:
            clauses.append(Opinion.screening == self.screening)
        if self.channel:
            clauses.append(Opinion.channel == self.channel)
        if self.handled is not None:
            clauses.append(
                Opinion.outcome.is_not(None) if self.handled else Opinion.outcome.is_(None)
            )
        if self.flagged:
            clauses.append(Opinion.flagged.is_(True))
        return clauses


def queue(
    session: Session, consultation: Consultation, chosen: QueueFilter, page: int = 1
) -> tuple[list[Opinion], int]:
    """A page of the staff queue, oldest first, and how many opinions the filter finds."""
    clauses = chosen.clauses(consultation)
    total = session.scalar(select(func.count()).select_from(Opinion).where(*clauses)) or 0
    statement = (
        select(Opinion)
        .where(*clauses)
        .order_by(Opinion.received_at, Opinion.id)
        .limit(QUEUE_PAGE)
        .offset((page - 1) * QUEUE_PAGE)
        .options(selectinload(Opinion.part), selectinload(Opinion.version))
    )
    return list(session.scalars(statement)), total


def outcome_counts(session: Session, consultation: Consultation) -> dict[str, int]:
    """Opinions that count, per 处理结果 given so far."""
    rows = session.execute(
        select(Opinion.outcome, func.count())
        .where(valid(consultation), Opinion.outcome.is_not(None))
        .group_by(Opinion.outcome)
    )
    return {str(outcome): count for outcome, count in rows}


def unhandled(session: Session, consultation: Consultation) -> int:
    """Entries (opinions that count and are not merged into another) without a 处理结果."""
    count = session.scalar(
        select(func.count())
        .select_from(Opinion)
        .where(valid(consultation), Opinion.outcome.is_(None), Opinion.merged_into_id.is_(None))
    )
    return count or 0


@dataclass(frozen=True)
class Tally:
    """The opinions of a consultation counted for staff: by screening, how many entries still
    wait for a 处理结果, how many are flagged."""

    by_screening: dict[str, int]
    unhandled: int
    flagged: int

    @property
    def total(self) -> int:
        return sum(self.by_screening.values())


def tally(session: Session, consultation: Consultation) -> Tally:
    by_screening = session.execute(
        select(Opinion.screening, func.count())
        .where(Opinion.consultation_id == consultation.id)
        .group_by(Opinion.screening)
    )
    flagged = session.scalar(
        select(func.count())
        .select_from(Opinion)
        .where(Opinion.consultation_id == consultation.id, Opinion.flagged.is_(True))
    )
    return Tally(
        {str(screening): count for screening, count in by_screening},
        unhandled(session, consultation),
        flagged or 0,
    )


def staff_list(
    session: Session, reach: ColumnElement[bool] | None = None
) -> list[tuple[Consultation, int]]:
    """Every consultation (``reach`` picks those a person acts on), newest first, with how
    many opinions it has."""
    counts = (
        select(Opinion.consultation_id, func.count().label("opinions"))
        .group_by(Opinion.consultation_id)
        .subquery()
    )
    rows = session.execute(
        select(Consultation, func.coalesce(counts.c.opinions, 0))
        .outerjoin(counts, counts.c.consultation_id == Consultation.id)
        .where(reach if reach is not None else true())
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    )
    return list(rows)


def public_list(session: Session, *, published: bool = False) -> list[Consultation]:
    """What the public list shows: every consultation that is not a draft, newest first; or
    (``published``) those whose 意见采纳情况 is published, newest publication first."""
    statement = select(Consultation).where(
        Consultation.status.not_in([Status.DRAFT, Status.ARCHIVED])
    )
    if published:
        statement = statement.where(Consultation.feedback_published_at.is_not(None)).order_by(
            Consultation.feedback_published_at.desc()
        )
    else:
        statement = statement.order_by(Consultation.created_at.desc(), Consultation.id.desc())
    return list(session.scalars(statement))


def titles(session: Session) -> list[tuple[int, str]]:
    return list(session.execute(select(Consultation.id, Consultation.title)))


def opinions_after(
    session: Session, consultation: Consultation, after: int = 0, limit: int = 100
) -> tuple[list[Opinion], bool]:
    """The opinions after opinion id ``after``, in the order received (a cursor that new
    opinions never shift), with their parts; and whether more follow."""
    found = list(
        session.scalars(
            select(Opinion)
            .where(Opinion.consultation_id == consultation.id, Opinion.id > after)
            .options(selectinload(Opinion.part))
            .order_by(Opinion.id)
            .limit(limit + 1)
        )
    )
    return found[:limit], len(found) > limit
