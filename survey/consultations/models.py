"""Tables of 意见征集: a consultation, the versions of its draft split into parts, the opinions
received on them, and the published versions of its 意见采纳情况."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.core.i18n import _l
from survey.core.models import Base, utcnow
from survey.core.window import CollectionWindow
from survey.publishing.versions import PublishedVersion


class MinimumPeriod(enum.StrEnum):
    """The legal minimum period of comment staff hold the draft to (a warning, not a rule:
    the office answers for its own choice)."""

    NONE = "none"
    WORKING_DAYS_7 = "working7"  # 规范性文件
    DAYS_30 = "days30"  # 规章, 重大行政决策, 规范性文件 bearing on enterprises


MINIMUM_PERIOD_LABELS = {
    MinimumPeriod.NONE: _l("不限"),
    MinimumPeriod.WORKING_DAYS_7: _l("不少于 7 个工作日（规范性文件）"),
    MinimumPeriod.DAYS_30: _l("不少于 30 日（规章、重大行政决策、涉企规范性文件）"),
}


class FieldRule(enum.StrEnum):
    """Whether the opinion form asks for a field."""

    OPTIONAL = "optional"
    REQUIRED = "required"


class Channel(enum.StrEnum):
    WEB = "web"
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    MEETING = "meeting"


CHANNEL_LABELS = {
    Channel.WEB: _l("网上提交"),
    Channel.LETTER: _l("信函"),
    Channel.EMAIL: _l("电子邮件"),
    Channel.PHONE: _l("电话"),
    Channel.MEETING: _l("座谈会"),
}


class Screening(enum.StrEnum):
    """What staff made of an opinion before answering it. Set-aside opinions are kept (and
    audited), out of the counts and the publication."""

    PENDING = "pending"
    APPROVED = "approved"  # shown on the public page when staff show opinions
    SPAM = "spam"
    DUPLICATE = "duplicate"
    OFF_TOPIC = "off_topic"


SET_ASIDE = (Screening.SPAM, Screening.DUPLICATE, Screening.OFF_TOPIC)
SCREENING_LABELS = {
    Screening.PENDING: _l("待审"),
    Screening.APPROVED: _l("已审"),
    Screening.SPAM: _l("垃圾信息"),
    Screening.DUPLICATE: _l("重复"),
    Screening.OFF_TOPIC: _l("与主题无关"),
}


class Consultation(CollectionWindow, Base):
    __tablename__ = "consultation"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'archived')", name="status"),
        CheckConstraint(
            "closes_at IS NULL OR opens_at IS NULL OR opens_at < closes_at", name="window"
        ),
    )
    # The audit log keeps a consultation's events in this column of its own.
    audit_column: ClassVar[str] = "consultation_id"

    # slug (the public /c/<slug> address), title, issuer, opens_at, closes_at and status come
    # with the collection window.
    id: Mapped[int] = mapped_column(primary_key=True)
    explanation: Mapped[str] = mapped_column(Text, default="")  # 起草说明
    # How to send opinions offline: one line each (信函 address, e-mail, phone).
    contact_lines: Mapped[str] = mapped_column(Text, default="")
    minimum_period: Mapped[str] = mapped_column(String(16), default=MinimumPeriod.NONE)
    name_rule: Mapped[str] = mapped_column(String(16), default=FieldRule.OPTIONAL)
    contact_rule: Mapped[str] = mapped_column(String(16), default=FieldRule.OPTIONAL)
    # Show approved opinions under each article (otherwise the public sees counts only).
    show_opinions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    challenge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Words that flag an opinion for staff (one per line); nothing is dropped for them.
    flag_words: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    feedback_published_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: not public

    versions: Mapped[list[DraftVersion]] = relationship(
        back_populates="consultation",
        order_by="DraftVersion.number",
        cascade="all, delete-orphan",
    )

    @property
    def current(self) -> DraftVersion:
        return self.versions[-1]

    @property
    def feedback_published(self) -> bool:
        return self.feedback_published_at is not None


class DraftVersion(Base):
    """One version of the draft. Editing an open draft adds a version; the opinions made on
    an earlier one keep pointing at its parts."""

    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ...
    text: Mapped[str] = mapped_column(Text)  # as staff wrote or imported it
    note: Mapped[str] = mapped_column(Text, default="")  # what changed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")

    consultation: Mapped[Consultation] = relationship(back_populates="versions")
    parts: Mapped[list[DraftPart]] = relationship(
        back_populates="version", order_by="DraftPart.position", cascade="all, delete-orphan"
    )

    @property
    def commentable_parts(self) -> list[DraftPart]:
        return [part for part in self.parts if part.commentable]


class DraftPart(Base):
    """A heading or a commentable text of one version (see ``drafts.Part``)."""

    __tablename__ = "draft_part"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("draft_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # preamble, chapter, section, article
    key: Mapped[str] = mapped_column(String(40))  # 第三条: the same article in every version
    label: Mapped[str] = mapped_column(String(40))
    heading: Mapped[str] = mapped_column(String(200), default="")
    paragraphs: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The chapter it stands in (第二章 支持措施), for the published tables.
    chapter: Mapped[str] = mapped_column(String(240), default="")

    version: Mapped[DraftVersion] = relationship(back_populates="parts")

    @property
    def commentable(self) -> bool:
        return self.kind in ("preamble", "article")

    @property
    def name(self) -> str:
        """How the part is named, in the draft's language as its labels are: 第三条, or 序言."""
        return self.label or "序言"


class Opinion(Base):
    """One opinion, on one part of a version or (``part_id`` None) on the draft as a whole."""

    __tablename__ = "opinion"
    __table_args__ = (
        Index("ix_opinion_consultation_part", "consultation_id", "part_key", "screening"),
        Index("ix_opinion_consultation_received", "consultation_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_version.id", ondelete="CASCADE"))
    part_id: Mapped[int | None] = mapped_column(ForeignKey("draft_part.id", ondelete="CASCADE"))
    # The part's key (第三条), or "" for the whole draft: counts and tables group by it.
    part_key: Mapped[str] = mapped_column(String(40), default="")
    receipt: Mapped[str] = mapped_column(String(16), unique=True)  # 意见编号
    # The form rendering it came from: a second post of the same form finds the first.
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    body: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(100), default="")  # 姓名/单位
    contact: Mapped[str] = mapped_column(String(100), default="")  # never published
    channel: Mapped[str] = mapped_column(String(16), default=Channel.WEB)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Keyed hashes (never the address itself) to spot repeats: the client address, the
    # browser's device cookie, and the submitter (name and contact, else the device).
    origin: Mapped[str] = mapped_column(String(32), default="")
    device: Mapped[str] = mapped_column(String(32), default="")
    submitter: Mapped[str] = mapped_column(String(32), default="")
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)  # why staff should look
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # any flags, for queries
    screening: Mapped[str] = mapped_column(String(16), default=Screening.PENDING)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("opinion.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(16))  # 采纳, 部分采纳 ...
    reason: Mapped[str] = mapped_column(Text, default="")
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    handled_by: Mapped[str] = mapped_column(String(64), default="")

    part: Mapped[DraftPart | None] = relationship()
    version: Mapped[DraftVersion] = relationship()

    @property
    def set_aside(self) -> bool:
        return self.screening in SET_ASIDE


class FeedbackPublication(PublishedVersion, Base):
    """A published version of the 意见采纳情况 (document format ``opinion-feedback/v1``)."""

    __tablename__ = "feedback_publication"
    __table_args__ = (UniqueConstraint("consultation_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    # The printed PDF, made on the first request for it and kept: a version never changes.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
