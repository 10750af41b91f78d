"""Taking an opinion: from the public page (checked, deduplicated, flagged for staff where it
repeats itself or contains a watched word) or entered by staff from a letter, an e-mail, a call
or a meeting. Nothing is dropped silently: a flag only asks staff to look."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.consultations import events
from survey.consultations.models import (
    Channel,
    Consultation,
    DraftPart,
    FieldRule,
    Opinion,
    Screening,
)
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.window import SLUG_ALPHABET, Phase

MAX_OPINION = 2_000
MAX_NAME = 100
MAX_CONTACT = 100
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TELEPHONE = re.compile(r"^[\d\-+() ]{7,20}$")  # a mobile number, or a landline with its area code
# Control characters a keyboard or Word can put in a field (a vertical tab, NUL) that no
# database column or spreadsheet should receive; tabs and line breaks stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class OpinionRefused(Refusal):
    """An opinion that cannot be taken as it is; ``fields`` says what is wrong with which."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(next(iter(fields.values())), list(fields.values()))
        self.fields = fields


class NotOpen(Refusal):
    """The consultation takes no opinions at this moment."""


@dataclass
class Draft:
    """What a person typed into the opinion form."""

    body: str
    name: str = ""
    contact: str = ""
    part_id: int | None = None  # None: on the draft as a whole


@dataclass(frozen=True)
class Sender:
    """Where a web opinion came from, as keyed hashes (the address itself is not kept)."""

    origin: str
    device: str


def fingerprint(secret_key: str, value: str) -> str:
    """A keyed hash of ``value`` that identifies it within this installation only."""
    return hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def clean(text: str) -> str:
    return CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def commentable_part(consultation: Consultation, part_id: int) -> DraftPart | None:
    """The commentable part of the consultation ``part_id`` names, in whichever version: a
    form opened before the draft was revised comments on the text its writer read."""
    parts = (part for version in consultation.versions for part in version.parts)
    return next((part for part in parts if part.id == part_id and part.commentable), None)


@dataclass(frozen=True)
class Checked:
    """An opinion as it will be stored: the fields cleaned, the part found."""

    body: str
    name: str
    contact: str
    part: DraftPart | None


def check(consultation: Consultation, draft: Draft, session: Session) -> Checked:
    """The opinion once every field is as the form asks; raises ``OpinionRefused`` with a
    message per field otherwise."""
    body, name, contact = clean(draft.body), clean(draft.name), clean(draft.contact)
    problems: dict[str, str] = {}
    if not body:
        problems["body"] = _("请填写您的意见")
    elif len(body) > MAX_OPINION:
        problems["body"] = _(
            "意见不超过 %(n)s 字（现为 %(found)s 字），"
            "较长的意见请分条提交或通过信函、电子邮件寄送",
            n=MAX_OPINION,
            found=len(body),
        )
    if not name and consultation.name_rule == FieldRule.REQUIRED:
        problems["name"] = _("请填写姓名或单位")
    elif len(name) > MAX_NAME:
        problems["name"] = _("不超过 %(n)s 字", n=MAX_NAME)
    if not contact and consultation.contact_rule == FieldRule.REQUIRED:
        problems["contact"] = _("请填写联系方式")
    elif contact and not (EMAIL.match(contact) or TELEPHONE.match(contact)):
        problems["contact"] = _("请填写手机号码、固定电话（含区号）或电子邮箱")
    part = None
    if draft.part_id is not None:
        part = commentable_part(consultation, draft.part_id)
        if part is None:
            problems["part"] = _("所选条款不在征求意见稿中，请返回征求意见稿重新选择")
    if problems:
        raise OpinionRefused(problems)
    return Checked(body, name, contact, part)


def submit(
    session: Session,
    consultation: Consultation,
    draft: Draft,
    sender: Sender,
    form_key: str,
    now: datetime,
    secret_key: str,
) -> Opinion:
    """Take a web opinion. A second post of the same form (``form_key``) returns the first."""
    phase = consultation.phase(now)
    if phase == Phase.ENDED:
        raise NotOpen(_("本次意见征集已结束，不再接收意见"))
    if phase != Phase.OPEN:
        raise NotOpen(_("本次意见征集尚未开始"))
    key = form_key[:32] or None
    earlier = _from_form(session, key)
    if earlier is not None:
        if earlier.consultation_id == consultation.id:
            return earlier
        key = None  # a key of another consultation's form: not this one's to reuse
    checked = check(consultation, draft, session)
    try:
        return _take(
            session,
            consultation,
            checked,
            secret_key,
            form_key=key,
            channel=Channel.WEB,
            received_at=now,
            origin=sender.origin,
            device=sender.device,
        )
    except IntegrityError:
        # The same form posted twice at once (a double tap on a slow network): the other
        # post stored it. (Nothing else is pending in a public post's session.)
        session.rollback()
        stored = _from_form(session, key)
        if stored is None:
            raise
        return stored


def _from_form(session: Session, key: str | None) -> Opinion | None:
    if key is None:
        return None
    return session.scalar(select(Opinion).where(Opinion.form_key == key))


def enter(
    session: Session,
    consultation: Consultation,
    actor: audit.Actor | None,
    draft: Draft,
    channel: Channel,
    received_at: datetime,
    secret_key: str,
) -> Opinion:
    """Record an opinion received offline, with its channel and date (staff have read it, so
    it is screened already)."""
    opinion = _take(
        session,
        consultation,
        check(consultation, draft, session),
        secret_key,
        channel=channel,
        received_at=received_at,
        screening=Screening.APPROVED,
    )
    audit.record(
        session, actor, "opinion.enter", consultation, receipt=opinion.receipt, channel=channel
    )
    return opinion


def _take(
    session: Session,
    consultation: Consultation,
    checked: Checked,
    secret_key: str,
    **fields: Any,
) -> Opinion:
    """Store a checked opinion on its part's version (the whole draft: the current one), with
    its receipt, who sent it and its flags; ``fields`` say where it came from."""
    part = checked.part
    device = fields.get("device") or secrets.token_hex()  # offline: each sender is their own
    opinion = Opinion(
        consultation_id=consultation.id,
        version_id=part.version_id if part else consultation.current.id,
        part_id=part.id if part else None,
        part_key=part.key if part else "",
        receipt=new_receipt(session),
        body=checked.body,
        name=checked.name,
        contact=checked.contact,
        submitter=_submitter(secret_key, checked.name, checked.contact, device),
        **fields,
    )
    opinion.flags = flags(session, consultation, opinion)
    opinion.flagged = bool(opinion.flags)
    session.add(opinion)
    session.flush()
    events.opinion_created(session, consultation, opinion)
    return opinion


def flags(session: Session, consultation: Consultation, opinion: Opinion) -> list[str]:
    """Why staff should look at an opinion: the same text already came from this device or
    address ("duplicate"), or it contains a watched word ("word:…")."""
    found = []
    same_sender = [
        column == value
        for column, value in ((Opinion.device, opinion.device), (Opinion.origin, opinion.origin))
        if value
    ]
    if same_sender:
        repeat = session.scalar(
            select(Opinion.id)
            .where(
                Opinion.consultation_id == consultation.id,
                Opinion.body == opinion.body,
                or_(*same_sender),
            )
            .limit(1)
        )
        if repeat is not None:
            found.append("duplicate")
    for word in watched_words(consultation):
        if word in opinion.body or word in opinion.name:
            found.append(f"word:{word}")
    return found


def watched_words(consultation: Consultation) -> list[str]:
    return [word.strip() for word in consultation.flag_words.splitlines() if word.strip()]


def new_receipt(session: Session) -> str:
    """意见编号: YJ and eight characters no one can guess or misread."""
    while True:
        receipt = "YJ" + "".join(secrets.choice(SLUG_ALPHABET) for _ in range(8)).upper()
        if session.scalar(select(Opinion.id).where(Opinion.receipt == receipt)) is None:
            return receipt


def _submitter(secret_key: str, name: str, contact: str, device: str) -> str:
    """Who sent it, for counting 人/单位: the name and contact given, else the device."""
    who = f"{name.casefold()}|{contact.casefold()}" if name or contact else f"device|{device}"
    return fingerprint(secret_key, who)
