"""A consultation's 意见采纳情况: the handled opinions as an ``OpinionFeedback`` document, frozen
for the public as a new ``FeedbackPublication`` version (names masked, contacts left out, the
staff's note rendered), and withdrawn again if need be."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.consultations import events, queries
from survey.consultations.handling import Outcome
from survey.consultations.models import (
    Channel,
    Consultation,
    FeedbackPublication,
    Opinion,
)
from survey.consultations.queries import valid
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.masking import mask_name, mask_personal
from survey.core.window import Phase
from survey.publishing import documents, versions
from survey.publishing.documents import FeedbackRow, FeedbackSection, OpinionFeedback, OutcomeCount
from survey.publishing.summary import render_summary

# The notice is written in its own language, whoever publishes it (see window_text).
WHOLE_DRAFT = "整体意见"
NOTICE_CHANNELS = {
    Channel.WEB: "网上提交",
    Channel.LETTER: "信函",
    Channel.EMAIL: "电子邮件",
    Channel.PHONE: "电话",
    Channel.MEETING: "座谈会",
}
# Outcomes always stated in 二、采纳情况, even at zero (others only when used).
STATED_OUTCOMES = 3


class FeedbackError(Refusal):
    """A publication that is refused; the message says why."""


def feedback_title(title: str) -> str:
    """关于《…（征求意见稿）》公开征求意见采纳情况的说明."""
    name = title.strip().strip("《》")
    if "征求意见稿" not in name:
        name += "（征求意见稿）"
    return f"关于《{name}》公开征求意见采纳情况的说明"


def document(
    session: Session,
    consultation: Consultation,
    zone: ZoneInfo,
    outcomes: Sequence[Outcome],
    *,
    by_article: bool = False,
    summary: str = "",
) -> OpinionFeedback:
    """The document of the opinions handled so far."""
    counted = valid(consultation)
    total, submitters = session.execute(
        select(func.count(), func.count(func.distinct(Opinion.submitter))).where(counted)
    ).one()
    channels = set(
        session.scalars(select(Opinion.channel).where(counted).group_by(Opinion.channel))
    )
    used = queries.outcome_counts(session, consultation)
    outcome_counts = [
        OutcomeCount(outcome=item.label, count=used.get(item.label, 0))
        for position, item in enumerate(outcomes)
        if position < STATED_OUTCOMES or used.get(item.label)
    ]
    return OpinionFeedback(
        title=consultation.title,
        feedback_title=feedback_title(consultation.title),
        issuer=consultation.issuer,
        window=consultation.window_text(zone),
        channels=[NOTICE_CHANNELS[c] for c in Channel if c in channels or c == Channel.WEB],
        opinions=total,
        submitters=submitters,
        outcomes=outcome_counts,
        by_article=by_article,
        summary_html=render_summary(summary),
        sections=_sections(session, consultation, by_article),
    )


def _sections(
    session: Session, consultation: Consultation, by_article: bool
) -> list[FeedbackSection]:
    """The entries (opinions not merged into another) grouped by chapter, in the draft's
    order: the whole draft first, then each part of the current version, then parts that
    earlier versions had."""
    order = {part.key: (part.position, part) for part in consultation.current.parts}
    merged = dict(
        session.execute(
            select(Opinion.merged_into_id, func.count())
            .where(valid(consultation), Opinion.merged_into_id.is_not(None))
            .group_by(Opinion.merged_into_id)
        ).all()
    )
    entries = session.scalars(
        select(Opinion)
        .where(valid(consultation), Opinion.merged_into_id.is_(None))
        .order_by(Opinion.received_at, Opinion.id)
    ).all()
    by_key: dict[str, list[Opinion]] = defaultdict(list)
    for entry in entries:
        by_key[entry.part_key].append(entry)
    keys = sorted(by_key, key=lambda key: (key != "", order.get(key, (10**6, None))[0], key))
    sections: dict[str, list[FeedbackRow]] = {}
    for key in keys:
        known = order.get(key)
        part = known[1] if known else by_key[key][0].part
        heading = WHOLE_DRAFT if key == "" else (part.chapter if part else "")
        clause = WHOLE_DRAFT if key == "" else (part.name if part else key)
        rows = sections.setdefault(heading, [])
        if by_article:
            rows.append(_summary_row(len(rows) + 1, clause, by_key[key], merged))
        else:
            rows += [
                _entry_row(len(rows) + n, clause, entry, merged.get(entry.id, 0))
                for n, entry in enumerate(by_key[key], start=1)
            ]
    return [FeedbackSection(heading=heading, rows=rows) for heading, rows in sections.items()]


def _entry_row(number: int, clause: str, entry: Opinion, merged: int) -> FeedbackRow:
    names = [entry.name] if entry.name else []
    text = mask_personal(entry.body, names)
    if merged:
        text += f"（同类意见共 {merged + 1} 条，合并答复）"
    return FeedbackRow(
        number=number,
        clause=clause,
        opinion=text,
        submitter=mask_name(entry.name) if entry.name else "",
        outcome=entry.outcome or "",
        reason=mask_personal(entry.reason, names),
    )


def _summary_row(
    number: int, clause: str, entries: list[Opinion], merged: dict[int | None, int]
) -> FeedbackRow:
    """One row for a whole article: how many opinions, their outcomes, and the reasons."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts[entry.outcome or ""] += 1 + merged.get(entry.id, 0)
    reasons = dict.fromkeys(entry.reason for entry in entries if entry.reason)
    return FeedbackRow(
        number=number,
        clause=clause,
        opinion=f"收到意见 {counts.total()} 条",
        submitter="",
        outcome="，".join(f"{outcome} {n} 条" for outcome, n in counts.items() if outcome),
        reason="；".join(mask_personal(reason) for reason in reasons),
    )


def not_ready(session: Session, consultation: Consultation, now: datetime) -> str | None:
    """Why the 意见采纳情况 cannot be published now, or None."""
    if consultation.phase(now) != Phase.ENDED:
        return _("意见征集结束后才能发布采纳情况")
    if unhandled := queries.unhandled(session, consultation):
        return _("还有 %(n)s 条意见没有处理结果，处理完后才能发布", n=unhandled)
    return None


def freeze(
    session: Session,
    consultation: Consultation,
    zone: ZoneInfo,
    outcomes: Sequence[Outcome],
    now: datetime,
    *,
    by_article: bool = False,
    summary: str = "",
) -> dict[str, Any]:
    """The 意见采纳情况 that would be published now, as stored (refused when not ready)."""
    if reason := not_ready(session, consultation, now):
        raise FeedbackError(reason)
    content = document(
        session, consultation, zone, outcomes, by_article=by_article, summary=summary
    )
    return documents.dump(content)


def publish_frozen(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    now: datetime,
    content: dict[str, Any],
    summary: str = "",
) -> FeedbackPublication:
    """Make ``content`` (as ``freeze`` made it) the next public version (audited)."""
    publication = FeedbackPublication(
        consultation_id=consultation.id,
        version=versions.next_number(latest_publication(session, consultation)),
        published_at=now,
        published_by=actor.username if actor else audit.SHELL,
        summary=summary,
        content=content,
        content_hash=versions.content_hash(content),
    )
    session.add(publication)
    consultation.feedback_published_at = now
    session.flush()
    audit.record(
        session, actor, "feedback.publish", consultation,
        version=publication.version, opinions=content.get("opinions"),
        hash=publication.content_hash,
    )  # fmt: skip
    events.published(session, consultation, publication.version, publication.content_hash, now)
    return publication


def publish(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    now: datetime,
    zone: ZoneInfo,
    outcomes: Sequence[Outcome],
    *,
    by_article: bool = False,
    summary: str = "",
) -> FeedbackPublication:
    """Freeze the 意见采纳情况 and publish it at once, without review (the demo's loader;
    staff go through ``survey.review``)."""
    content = freeze(
        session, consultation, zone, outcomes, now, by_article=by_article, summary=summary
    )
    return publish_frozen(session, consultation, actor, now, content, summary)


def withdrawal(session: Session, consultation: Consultation, reason: str) -> dict[str, Any]:
    """What withdrawing the 意见采纳情况 would do: which version goes, and why."""
    latest = latest_publication(session, consultation)
    if consultation.feedback_published_at is None or latest is None:
        raise FeedbackError(_("采纳情况尚未发布"))
    if not reason.strip():
        raise FeedbackError(_("请写明撤回的原因，公众页面会显示"))
    return {"version": latest.version, "hash": latest.content_hash, "reason": reason.strip()}


def withdraw(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    now: datetime,
    reason: str,
) -> None:
    """Take the 意见采纳情况 off the public pages: the page then says it was withdrawn, when
    and why (its versions are kept)."""
    if consultation.feedback_published_at is None:
        raise FeedbackError(_("采纳情况尚未发布"))
    consultation.feedback_published_at = None
    latest = latest_publication(session, consultation)
    versions.mark_withdrawn(latest, now, reason)
    audit.record(session, actor, "feedback.withdraw", consultation, reason=reason)
    events.withdrawn(session, consultation, latest.version if latest else None, reason, now)


def live_hash(session: Session, consultation: Consultation, version: int) -> str | None:
    """The hash of what the public reads as ``version`` (its content as stored now), while
    it is the version they read."""
    latest = latest_publication(session, consultation)
    if not consultation.feedback_published or latest is None or latest.version != version:
        return None
    return versions.content_hash(latest.content)


def publications(session: Session, consultation: Consultation) -> list[FeedbackPublication]:
    return versions.versions(
        session, FeedbackPublication, FeedbackPublication.consultation_id == consultation.id
    )


def latest_publication(session: Session, consultation: Consultation) -> FeedbackPublication | None:
    return versions.latest(
        session, FeedbackPublication, FeedbackPublication.consultation_id == consultation.id
    )


def published(publication: FeedbackPublication) -> OpinionFeedback:
    return documents.load_opinion_feedback(publication.content)
