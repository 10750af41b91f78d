"""The audit log: one row per staff action, added to the session of the change it records.

Each feature registers the actions it records, with the words the log page shows
(``register_actions``); recording an unknown action is a programming error. Where an action came
from (the client's address, or "cli") is asked of the function the web layer registers
(``set_origin``), so services record it without knowing about requests.

What a row says, and how the log page reads it (``describe``):

- ``subject``: the title of the item acted on (``record`` adds it).
- ``changes``: the fields an action changed, as ``changes={"field": [before, after]}``; pairs
  whose two sides are equal are dropped. A field a service only sets (a new item's) is a fact.
- any other key: a fact about the action (the format exported, the rows imported).

Values are kept as JSON holds them: moments as ISO text in UTC (``record`` converts datetimes),
choices by their stored value, lists as lists. Each feature names its fields and says how their
values read (``register_fields``), for all its actions or for one action or family of actions
("question" covers "question.edit"); core knows none of them. The page shows an entry as one
sentence (the action's label and its subject) and each change as "字段：before → after".

Rows written before this convention are read as they are: a field registered as a single value
holding a two-item list at the top level (``title: [old, new]``) is a change; other keys are facts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.core.i18n import _, _l
from survey.core.models import Base, utcnow
from survey.core.timeutil import format_local

if TYPE_CHECKING:
    from flask_babel import LazyString

# The name the log gives to changes made from the shell, where nobody is logged in.
SHELL = "命令行"
# The name it gives to what the platform does by itself (voiding a changed review request).
SYSTEM = "系统"

ACTIONS: dict[str, LazyString] = {
    "auth.login": _l("登录"),
    "auth.login_failed": _l("登录失败"),
    "auth.logout": _l("退出"),
}

# How a value of a field reads on the log page, in the office's time zone (for moments).
ValueText = Callable[[Any, ZoneInfo], str]

# A value shown longer than this is cut (the row keeps it whole, and the API gives it).
SHOWN_AT_MOST = 120


def plain(value: Any, zone: ZoneInfo) -> str:
    """A value as it reads by default: 是/否, lists joined, empty as "（空）"."""
    if value is None or value == "" or value == [] or value == {}:
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "、".join(plain(item, zone) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}：{plain(item, zone)}" for key, item in value.items())
    return str(value)


def moment(value: Any, zone: ZoneInfo) -> str:
    """A moment kept as ISO text in UTC, in office time; none as "未设置"."""
    if value in (None, "", "None"):
        return _("未设置")
    try:
        return format_local(datetime.fromisoformat(str(value)), zone)
    except ValueError:
        return str(value)


def named(names: Mapping[Any, Any], default: ValueText = plain) -> ValueText:
    """Values read by their names in ``names`` (a list: each item); others as ``default``."""

    def text(value: Any, zone: ZoneInfo) -> str:
        if isinstance(value, list | tuple):
            return "、".join(text(item, zone) for item in value) or _("（空）")
        try:
            return str(names[value])
        except (KeyError, TypeError):
            return default(value, zone)

    return text


# The file formats actions export or import, by the names staff know them by.
FORMATS: dict[str, LazyString | str] = {
    "csv": "CSV",
    "xlsx": "Excel",
    "txt": _l("纯文本"),
    "text": _l("纯文本"),
    "json": "JSON",
    "yaml": "YAML",
    "pdf": "PDF",
    "docx": "Word",
    "open-data": _l("开放数据"),
}


def file_format(value: Any, zone: ZoneInfo) -> str:
    return str(FORMATS.get(value, value)) if isinstance(value, str) else plain(value, zone)


def fingerprint(value: Any, zone: ZoneInfo) -> str:
    """A content hash by its first 12 characters, enough to compare by eye."""
    return str(value)[:12] if value else plain(value, zone)


def counted(text: LazyString | str, empty: LazyString | str = "—") -> ValueText:
    """A number in its unit (``text`` as "%(n)s 天"), or ``empty`` when there is none."""

    def shown(value: Any, zone: ZoneInfo) -> str:
        return str(empty) if value in (None, "") else str(text) % {"n": value}

    return shown


@dataclass(frozen=True)
class Field:
    """How the log names a field of a detail and reads its values. ``listed``: the value is a
    list in itself, so an old row's two-item list of it is not a [before, after] pair."""

    label: LazyString | str
    text: ValueText = plain
    listed: bool = False


@dataclass(frozen=True)
class Change:
    """One changed field as the log page shows it."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """An event as the log page reads it: a sentence, the changes, the other facts."""

    sentence: str
    changes: list[Change] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


# Field names by scope: an action ("invitations.require"), a family ("question"), or "" for all.
_FIELDS: dict[tuple[str, str], Field] = {}
# Detail keys the sentence names, the first found: the item acted on (older rows: its "survey";
# a deleted one: its "title"), else an account or department ("target").
_ITEM_KEYS = ("subject", "survey", "title")
_SENTENCE_KEYS = (*_ITEM_KEYS, "target")

# What the log's subject filter offers: each feature's column and how it lists its items.
_SUBJECT_LISTS: list[tuple[str, Callable[[Session], list[tuple[int, str]]]]] = []

_origin: list[Callable[[], str]] = [lambda: "cli"]


class AuditEvent(Base):
    """Who did what, and when. Written in the same transaction as the change it records."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_survey_at", "survey_id", "at"),
        Index("ix_audit_event_user_at", "user_id", "at"),
        Index("ix_audit_event_consultation_at", "consultation_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))  # kept if the account goes
    action: Mapped[str] = mapped_column(String(40))  # "survey.open", "user.create" ...
    # The item acted on, if any, in its feature's column (its title is kept in ``detail``
    # in case the item goes).
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")  # client address, or "cli"


class Actor(Protocol):
    """Whoever acts: a staff account (in a department, or None)."""

    id: int
    username: str
    department_id: int | None


class Subject(Protocol):
    """What an action is about: an item with an id and a title, and the log's column for its
    kind of item."""

    id: int
    title: str
    audit_column: ClassVar[str]


def register_actions(labels: Mapping[str, LazyString]) -> None:
    """Declare a feature's actions and how the log page names them."""
    ACTIONS.update(labels)


def register_fields(
    fields: Mapping[str, Field | LazyString | str], *, scope: str | Iterable[str] = ""
) -> None:
    """Declare how the log names detail fields and reads their values: for every action
    (``scope`` ""), or only those of an action or a family of actions, or of several."""
    scopes = [scope] if isinstance(scope, str) else list(scope)
    for name, known in fields.items():
        entry = known if isinstance(known, Field) else Field(known)
        for each in scopes:
            _FIELDS[each, name] = entry


def _field(action: str, name: str) -> Field | None:
    family = action.partition(".")[0]
    return _FIELDS.get((action, name)) or _FIELDS.get((family, name)) or _FIELDS.get(("", name))


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_AT_MOST else value[:SHOWN_AT_MOST] + "…"


def _pair(value: Any) -> tuple[Any, Any] | None:
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def _change(action: str, name: str, before: Any, after: Any, zone: ZoneInfo) -> Change:
    known = _field(action, name)
    text = known.text if known else plain
    if isinstance(before, dict) and isinstance(after, dict):
        # Settings and the like: only the entries that differ.
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        before = {k: before[k] for k in keys if k in before}
        after = {k: after[k] for k in keys if k in after}
    return Change(
        str(known.label) if known else name,
        _shown(text(before, zone)),
        _shown(text(after, zone)),
    )


def describe(event: AuditEvent, zone: ZoneInfo) -> Entry:
    """``event`` in words: a sentence ("《<item>》<action>", or "<action>：<account>"), each
    change as label, before and after, and each other fact as label and value, every value as
    its field reads."""
    detail = event.detail or {}
    label = str(ACTIONS.get(event.action, event.action))
    key = next((key for key in _SENTENCE_KEYS if detail.get(key)), None)
    subject = detail[key] if key else None
    if key in _ITEM_KEYS:
        sentence = _("《%(subject)s》%(action)s", action=label, subject=subject)
    elif key:
        sentence = _("%(action)s：%(target)s", action=label, target=subject)
    else:
        sentence = label
    entry = Entry(sentence)
    changes = detail.get("changes")
    if isinstance(changes, dict):
        for name, value in changes.items():
            before, after = _pair(value) or (None, value)
            entry.changes.append(_change(event.action, name, before, after, zone))
    for name, value in detail.items():
        if name == "changes" or (name in _SENTENCE_KEYS and value == subject):
            continue
        known = _field(event.action, name)
        pair = _pair(value)
        if known and not known.listed and pair and not isinstance(changes, dict):
            entry.changes.append(_change(event.action, name, *pair, zone))  # an old row's
            continue
        text = known.text if known else plain
        entry.facts.append((str(known.label) if known else name, _shown(text(value, zone))))
    return entry


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The ``changes`` of a detail: each field of ``after`` whose value ``before`` differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _stored(value: Any) -> Any:
    """``value`` as the JSON column keeps it: moments as ISO text, choices by value."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): _stored(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_stored(item) for item in items]
    return value


def register_subjects(column: str, listing: Callable[[Session], list[tuple[int, str]]]) -> None:
    """Declare how a feature lists the items its actions are about (for the log's filter), and
    the log's column that holds them."""
    _SUBJECT_LISTS.append((column, listing))


def subjects(session: Session) -> list[tuple[str, str]]:
    """Every item the log can be filtered by: ("survey_id:3", title)."""
    return [
        (f"{column}:{id}", title)
        for column, listing in _SUBJECT_LISTS
        for id, title in listing(session)
    ]


def set_origin(origin: Callable[[], str]) -> None:
    """Where actions come from: ``origin()`` names it when one is recorded."""
    _origin[0] = origin


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    subject: Subject | None = None,
    *,
    by: str = SHELL,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event for ``action`` (a registered action); the caller commits. ``by``
    names who acted when there is no ``actor`` (the shell, or a failed login's name). The
    fields it changed go in ``changes={"field": [before, after]}`` (see the module's text)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    detail = _stored(detail)
    if "changes" in detail:
        detail["changes"] = {
            name: pair
            for name, pair in detail["changes"].items()
            if _pair(pair) is None or pair[0] != pair[1]
        }
    event = AuditEvent(
        at=utcnow(),
        user_id=actor.id if actor else None,
        username=actor.username if actor else by,
        action=action,
        detail={"subject": subject.title, **detail} if subject else detail,
        address=_origin[0](),
    )
    if subject is not None:
        setattr(event, subject.audit_column, subject.id)
    session.add(event)
    return event


def events(
    session: Session,
    *,
    subject: str | None = None,
    user_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> tuple[list[AuditEvent], bool]:
    """A page of the log, newest first, of one subject (as ``subjects`` names it) and/or one
    person; and whether more follow."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    column, _sep, id = (subject or "").partition(":")
    if column in {known for known, _listing in _SUBJECT_LISTS} and id.isdigit():
        statement = statement.where(getattr(AuditEvent, column) == int(id))
    if user_id:
        statement = statement.where(AuditEvent.user_id == user_id)
    rows = session.scalars(statement.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return list(rows[:per_page]), len(rows) > per_page
