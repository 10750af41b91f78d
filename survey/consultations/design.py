"""Putting a draft together: a consultation with its settings and the versions of its draft,
each split into parts (``drafts.split``). A draft the public has not seen yet is revised in
place; once it is out (or an opinion points at it), a revision adds a new version instead."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from survey.consultations import drafts
from survey.consultations.models import (
    Consultation,
    DraftPart,
    DraftVersion,
    FieldRule,
    MinimumPeriod,
    Opinion,
)
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.window import Status, unused_slug

MAX_TEXT_FIELD = 20_000  # 起草说明, contact lines, flag words


class DesignError(Refusal):
    """A consultation that cannot be saved as asked; the message says why."""


@dataclass
class Settings:
    """What staff set on a consultation besides its draft."""

    title: str
    issuer: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    minimum_period: str = MinimumPeriod.NONE
    explanation: str = ""
    contact_lines: str = ""
    name_rule: str = FieldRule.OPTIONAL
    contact_rule: str = FieldRule.OPTIONAL
    show_opinions: bool = False
    challenge: bool = False
    flag_words: str = ""

    def check(self) -> None:
        if not self.title.strip():
            raise DesignError(_("请填写标题"))
        if len(self.title) > 200 or len(self.issuer) > 100:
            raise DesignError(_("标题不超过 200 字，发布单位不超过 100 字"))
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise DesignError(_("截止时间应晚于开始时间"))
        if (
            self.minimum_period not in set(MinimumPeriod)
            or self.name_rule not in set(FieldRule)
            or self.contact_rule not in set(FieldRule)
        ):
            raise DesignError(_("设置无效"))
        long_fields = (self.explanation, self.contact_lines, self.flag_words)
        if any(len(value) > MAX_TEXT_FIELD for value in long_fields):
            raise DesignError(_("起草说明、联系方式和关注词各不超过 %(n)s 字", n=MAX_TEXT_FIELD))


def create_consultation(
    session: Session, actor: audit.Actor | None, settings: Settings, text: str
) -> tuple[Consultation, list[str]]:
    """A new draft consultation with version 1 of ``text``; and the splitting's warnings.
    Without a title, the draft's own title line is taken."""
    split = _split(text)
    if not settings.title.strip() and split.title:
        settings.title = split.title
    settings.check()
    consultation = Consultation(
        slug=unused_slug(session, Consultation.slug),
        **{field.name: getattr(settings, field.name) for field in fields(settings)},
    )
    consultation.department_id = actor.department_id if actor else None
    consultation.versions.append(_version(1, text, split, actor))
    session.add(consultation)
    session.flush()
    audit.record(session, actor, "consultation.create", consultation, parts=len(split.parts))
    return consultation, split.warnings


def update_settings(
    session: Session, consultation: Consultation, actor: audit.Actor | None, settings: Settings
) -> None:
    settings.check()
    names = [field.name for field in fields(settings)]
    changes = audit.changed(
        {name: getattr(consultation, name) for name in names},
        {name: getattr(settings, name) for name in names},
    )
    for name in changes:
        setattr(consultation, name, getattr(settings, name))
    if changes:
        audit.record(session, actor, "consultation.edit", consultation, changes=changes)


def revise_draft(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    text: str,
    note: str = "",
) -> list[str]:
    """Put ``text`` in place of the draft: a new version once the public may have read the
    current one, else the current one rewritten. Returns the splitting's warnings."""
    current = consultation.current
    if text == current.text:
        return []
    split = _split(text)
    commented = session.scalar(select(exists().where(Opinion.version_id == current.id)))
    if commented or consultation.status != Status.DRAFT:
        consultation.versions.append(_version(current.number + 1, text, split, actor, note))
    else:
        current.text, current.note = text, note
        current.parts = _parts(split)
    session.flush()
    audit.record(
        session,
        actor,
        "consultation.revise",
        consultation,
        version=consultation.current.number,
        parts=len(split.parts),
    )
    return split.warnings


def _split(text: str) -> drafts.SplitDraft:
    if not text.strip():
        raise DesignError(_("请填写征求意见稿正文"))
    try:
        return drafts.split(text)
    except drafts.DraftTooLarge as error:
        raise DesignError(str(error)) from None


def _version(
    number: int, text: str, split: drafts.SplitDraft, actor: audit.Actor | None, note: str = ""
) -> DraftVersion:
    return DraftVersion(
        number=number,
        text=text,
        note=note,
        created_by=actor.username if actor else audit.SHELL,
        parts=_parts(split),
    )


def _parts(split: drafts.SplitDraft) -> list[DraftPart]:
    rows, chapter = [], ""
    for position, part in enumerate(split.parts):
        if part.kind == "chapter":
            chapter = f"{part.label} {part.heading}".strip()
        rows.append(
            DraftPart(
                position=position,
                kind=part.kind,
                key=part.key,
                label=part.label,
                heading=part.heading[:200],
                paragraphs=part.paragraphs,
                chapter=chapter if part.kind != "chapter" else "",
            )
        )
    return rows
