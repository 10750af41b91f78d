"""Tables of 调查征集, in SQLAlchemy 2 typed style.

Answers are stored one row per chosen option (``answer.option_id``) or per typed value, so a
results page is a ``GROUP BY`` that the ``(question_id, option_id)`` index answers.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import IDS_NEVER_REUSED, Base, utcnow
from survey.core.timeutil import to_local
from survey.core.window import CollectionWindow, Status
from survey.publishing.versions import PublishedVersion
from survey.surveys.questions import get_type


class Survey(CollectionWindow, Base):
    __tablename__ = "survey"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'archived')", name="status"),
        CheckConstraint(
            "closes_at IS NULL OR opens_at IS NULL OR opens_at < closes_at", name="window"
        ),
        IDS_NEVER_REUSED,
    )

    # slug (the public /s/<slug> address), title, issuer, opens_at, closes_at and status come
    # with the collection window.
    # The audit log keeps a survey's events in this column.
    audit_column: ClassVar[str] = "survey_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    thank_you: Mapped[str] = mapped_column(Text, default="")  # shown after 提交成功
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: not public
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Counters kept in step with the responses by survey.surveys.counting (``flask recount``
    # checks them).
    response_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Changes whenever the survey, its questions or its options change (see ``new_design``), so
    # a process that keeps a copy of the questionnaire for respondents knows when to reload it.
    design_version: Mapped[str] = mapped_column(
        String(16), default=lambda: new_design_version(), server_default="0"
    )
    # Disclosure control of the published results: counts below k are shown as "<k"
    # (survey.publishing.disclosure); 1 shows every count.
    min_cell_size: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Only enterprises with an invitation link (``/s/<slug>?t=...``) may answer.
    requires_invitation: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # 回收上限: the survey takes no more than this many valid responses, and closes itself at
    # it (None: no cap). The answer path's guarded counter update holds it exactly.
    response_cap: Mapped[int | None] = mapped_column(Integer)
    # 答题时长限制: a response must be submitted within this many minutes of the form being
    # shown (None: no limit), by the form's signed token.
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    # 每日答题时段: answers are taken only between these minutes of the office's day
    # (8:30 is 510; None: at any time).
    daily_from: Mapped[int | None] = mapped_column(Integer)
    daily_until: Mapped[int | None] = mapped_column(Integer)
    # 个人信息使用说明 shown above the first question ("": none), and whether respondents must
    # tick that they agree before their answers are taken.
    consent_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # 防重复: one response per device ("device") or per network address a day ("address");
    # "" takes every response (shared computers). Invitations only is ``requires_invitation``.
    once_per: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Personal answers are deleted this many days after the survey closes (None: kept).
    retention_days: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)  # when staff or its cap closed it
    personal_purged_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 防刷: a question to answer before a response is taken, "always" or only for an address
    # that sent more than ``challenge_after`` responses in the past hour ("busy"); "": never.
    challenge: Mapped[str] = mapped_column(String(8), default="", server_default="")
    challenge_after: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    # A response answered in fewer seconds is flagged 用时过短 (None: 2 s a question, at least 5).
    suspect_seconds: Mapped[int | None] = mapped_column(Integer)

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )
    quotas: Mapped[list[Quota]] = relationship(
        back_populates="survey", order_by="Quota.position", cascade="all, delete-orphan"
    )

    @property
    def is_personalised(self) -> bool:
        """Whether the answer page differs per respondent (options shuffled by the submission
        token): such a page must not be kept and served to everyone."""
        return any(q.settings.get("shuffle") for q in self.questions)

    def open(self, now: datetime) -> None:
        """Accept answers from now on (or from ``opens_at``, if that is still ahead)."""
        if self.closes_at and now >= self.closes_at:
            raise Refusal(_("征集时间已过，请先修改截止时间"))
        self.status = Status.OPEN

    def close(self, now: datetime) -> None:
        self.status = Status.CLOSED
        self.closed_at = now

    def ended_at(self, now: datetime) -> datetime | None:
        """When it stopped taking answers (None: it has not)."""
        if self.status in (Status.CLOSED, Status.ARCHIVED):
            return self.closed_at or self.closes_at or self.last_response_at
        if self.closes_at is not None and self.closes_at <= now:
            return self.closes_at
        return None

    def outside_daily_hours(self, now: datetime, zone: ZoneInfo) -> bool:
        """Whether ``now`` falls outside the 每日答题时段, in the office's time."""
        if self.daily_from is None or self.daily_until is None:
            return False
        local = to_local(now, zone)
        minute = local.hour * 60 + local.minute
        return not self.daily_from <= minute < self.daily_until

    @property
    def duplicate_policy(self) -> str:
        """防重复 as staff choose it: "open", "device", "address" or "invitation"."""
        if self.requires_invitation:
            return "invitation"
        return self.once_per or "open"

    @property
    def too_fast_seconds(self) -> int:
        """Responses answered in fewer seconds are flagged 用时过短."""
        if self.suspect_seconds is not None:
            return self.suspect_seconds
        return max(5, 2 * len(self.questions))

    @property
    def is_full(self) -> bool:
        """Whether it has its 回收上限 of valid responses (by its counter as loaded)."""
        return self.response_cap is not None and self.response_count >= self.response_cap

    def publish_results(self, now: datetime) -> None:
        self.results_published_at = now

    def unpublish_results(self) -> None:
        self.results_published_at = None

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("survey_id", "key"), IDS_NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0-based; the respondent sees position + 1
    key: Mapped[str] = mapped_column(String(64))  # the definition's stable id, e.g. "nature"
    type: Mapped[str] = mapped_column(String(32))  # a name in survey.surveys.questions.REGISTRY
    title: Mapped[str] = mapped_column(Text)
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # type-specific
    # Display and skip logic (survey.surveys.logic): {"show_if": {"all"|"any": [{"option": id,
    # "chosen": bool}]}, "skip": [{"option": id, "to": question key or None for the end}]}.
    logic: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # Staff mark it 个人信息: its typed answers are sealed at rest and masked for staff, like
    # those of the personal types (手机号码, 身份证号 ...), which are so whatever the mark.
    marked_personal: Mapped[bool] = mapped_column(
        "personal", Boolean, default=False, server_default=false()
    )
    # Respondents who answered it (本题有效填写人次), kept by survey.surveys.counting.
    respondent_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Joined: a question's number depends on the questions before it, read even after the
    # session is gone (a streamed export).
    survey: Mapped[Survey] = relationship(back_populates="questions", lazy="joined")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> int:
        """1-based among the questions one answers: description blocks take no number."""
        earlier = self.survey.questions[: self.position]
        return sum(1 for q in earlier if get_type(q.type).answerable) + 1

    @property
    def is_personal(self) -> bool:
        """Whether its typed answers are personal information (sealed, masked)."""
        return self.marked_personal or get_type(self.type).personal

    @property
    def active_options(self) -> list[Option]:
        return [option for option in self.options if option.is_active]


class Option(Base):
    __tablename__ = "option"
    __table_args__ = IDS_NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(500))
    fill_in: Mapped[bool] = mapped_column(Boolean, default=False)  # 其他____: takes a text
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)  # retired options keep answers
    answer_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 小计

    question: Mapped[Question] = relationship(back_populates="options")


class Quota(Base):
    """名额: at most ``limit`` valid responses that chose, for each question its options belong
    to, one of them (国企 30; or 民企 and 500 人以上 together, 10)."""

    __tablename__ = "quota"
    __table_args__ = (CheckConstraint("quota_limit >= 0", name="limit_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(100))
    limit: Mapped[int] = mapped_column("quota_limit", Integer)
    # Valid responses it holds, kept with the other counters by survey.surveys.counting.
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    survey: Mapped[Survey] = relationship(back_populates="quotas")
    options: Mapped[list[Option]] = relationship(secondary="quota_option", order_by="Option.id")

    def conditions(self) -> dict[int, set[int]]:
        """Question id -> the options of it the quota counts (any of them)."""
        by_question: dict[int, set[int]] = {}
        for option in self.options:
            by_question.setdefault(option.question_id, set()).add(option.id)
        return by_question

    def holds(self, chosen: set[int]) -> bool:
        """Whether a response that chose the options ``chosen`` counts toward this quota."""
        conditions = self.conditions()
        return bool(conditions) and all(chosen & ids for ids in conditions.values())


class QuotaOption(Base):
    __tablename__ = "quota_option"

    quota_id: Mapped[int] = mapped_column(
        ForeignKey("quota.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("option.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Source(enum.StrEnum):
    """How a response arrived (来源): the public link, its QR code (which carries ``?src=qr``),
    or an invitation's own link. Responses from before it was recorded have ""."""

    LINK = "link"
    QR = "qr"
    INVITATION = "invitation"


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_survey_submitted", "survey_id", "submitted_at"),
        # A survey's responses in id order: the exports read them in batches by id.
        Index("ix_response_survey_id", "survey_id", "id"),
        # The few invalid responses, which every count from the answer rows leaves out.
        Index(
            "ix_response_invalid",
            "survey_id",
            "id",
            sqlite_where=text("invalid_at IS NOT NULL"),
            postgresql_where=text("invalid_at IS NOT NULL"),
        ),
        # 防重复: a device or an address a day answers once, however many posts race.
        Index("uq_response_once", "survey_id", "once_key", unique=True),
        # The flags of suspected duplicates look for neighbours by these.
        Index("ix_response_device", "survey_id", "device_hash"),
        Index("ix_response_address", "survey_id", "address_hash"),
        Index("ix_response_digest", "survey_id", "answers_digest"),
        IDS_NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The one-time token of the form that produced it: a replayed form cannot add a second row.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    # 答题用时: seconds from the form being shown to its submission (None: not known).
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    # 来源: a ``Source`` ("" for responses from before it was recorded).
    source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Keyed hashes (``answering.fingerprints``), never the address or device id itself: of the
    # browser's device id, of its network address, and of the answers as given.
    device_hash: Mapped[str | None] = mapped_column(String(32))
    address_hash: Mapped[str | None] = mapped_column(String(32))
    answers_digest: Mapped[str | None] = mapped_column(String(32))
    # Under a 防重复 policy, the device's or the address-and-day's hash (None: open policy).
    once_key: Mapped[str | None] = mapped_column(String(64))
    # Set when staff mark the response invalid: it then counts nowhere until restored.
    invalid_at: Mapped[datetime | None] = mapped_column(DateTime)
    invalid_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The invitation whose link it came through; unique, so one invitation stores one response
    # however many posts race for it.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), unique=True
    )

    @property
    def is_valid(self) -> bool:
        return self.invalid_at is None

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")
    invitation: Mapped[Invitation | None] = relationship()


class Answer(Base):
    """One chosen option, or one typed value, of one response to one question."""

    __tablename__ = "answer"
    __table_args__ = (
        # Covers counting per option and per question (recount, filtered reports) ...
        Index("ix_answer_question_option", "question_id", "option_id", "response_id"),
        # ... and reading one response's answers (exports, filtered reports and cross-tabulation
        # joins, which find everything they count in the index).
        Index("ix_answer_response", "response_id", "question_id", "option_id", "counts_respondent"),
        CheckConstraint(
            "option_id IS NOT NULL OR text IS NOT NULL OR number IS NOT NULL", name="not_empty"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id", ondelete="CASCADE"))
    text: Mapped[str | None] = mapped_column(Text)  # typed text, or an option's 其他 fill-in
    number: Mapped[float | None] = mapped_column(Float)
    # ``text`` is sealed (survey.surveys.personal): a personal question's answer, at rest only
    # as AES-GCM ciphertext under the data key.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # True on exactly one answer row of each response to each question (its first), so that
    # 本题有效填写人次 of any set of responses is a plain count of flagged rows, in the same pass
    # that counts the options, rather than a count of distinct responses (a sort).
    counts_respondent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Invitation(Base):
    """One invited enterprise and its own answer link ``/s/<slug>?t=<token>``. Answered when a
    response carries its id (``Response.invitation_id``)."""

    __tablename__ = "invitation"
    __table_args__ = IDS_NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # 128 random bits (secrets.token_urlsafe(16)): unguessable, so it may be stored as it is
    # and exported again for mail-merge.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise: Mapped[str] = mapped_column(String(200))  # 企业名称
    contact: Mapped[str] = mapped_column(String(100))  # 联系人
    phone: Mapped[str] = mapped_column(String(20))  # 手机, 11 digits
    credit_code: Mapped[str] = mapped_column(String(18), default="")  # 统一社会信用代码, optional
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ResultPublication(PublishedVersion, Base):
    """One published version of a survey's 结果反馈 page, frozen when it was published: the
    public page shows its document as it was, whatever answers arrive or change afterwards."""

    __tablename__ = "result_publication"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    # Its charts as SVG drawings, {"3": {"narrow": svg, "wide": svg}} (survey.publishing.images),
    # drawn when it was published; None until drawn (the server had no browser then).
    charts: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSON)


class DesignRevision(Base):
    """The questionnaire as it was before one change in the designer, so the change can be
    undone. A burst of saves of one question keeps the revision from before its first save."""

    __tablename__ = "design_revision"
    __table_args__ = (Index("ix_design_revision_survey_id", "survey_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The audit action of the change and what it was about (a question's key), to say what
    # 撤销 takes back and to merge a burst of saves.
    action: Mapped[str] = mapped_column(String(40))
    question_key: Mapped[str] = mapped_column(String(64), default="")
    # ``revisions.snapshot``: the settings and every question with its options, ids included.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


def new_design_version() -> str:
    # Random rather than counted: two staff saving at once still leave a value no process holds.
    return secrets.token_hex(8)


def _survey_of(session: Session, thing: object) -> Survey | None:
    if isinstance(thing, Quota):
        return thing.survey or (thing.survey_id and session.get(Survey, thing.survey_id)) or None
    if isinstance(thing, Option):
        # A removed option no longer has its question, but still its question_id.
        thing = thing.question or (thing.question_id and session.get(Question, thing.question_id))
    if isinstance(thing, Question):
        return thing.survey or (thing.survey_id and session.get(Survey, thing.survey_id)) or None
    return thing if isinstance(thing, Survey) else None


@event.listens_for(Session, "before_flush")
def new_design(session: Session, _context: object, _instances: object) -> None:
    """Every survey whose settings, questions, options or quotas change in this flush gets a
    new ``design_version``. (The counters change by SQL UPDATEs, not flushes: they leave it.)"""
    changed = {*session.new, *session.dirty, *session.deleted}
    with session.no_autoflush:
        surveys = {_survey_of(session, thing) for thing in changed}
    for survey in surveys:
        if survey is not None and survey not in session.deleted:
            survey.design_version = new_design_version()
