"""The events a webhook can hear, and the kinds of item endpoints are registered on. Each
feature registers its kind (which events it raises, how to load its items) and, for an event
whose body is composed at delivery rather than with the event, how to compose it; this
package knows no feature beyond these entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sqlalchemy.orm import Session

from survey.core.i18n import _l

if TYPE_CHECKING:
    from flask_babel import LazyString

RESPONSE_CREATED = "response.created"
OPINION_CREATED = "opinion.created"
PUBLICATION_PUBLISHED = "publication.published"
PUBLICATION_WITHDRAWN = "publication.withdrawn"
PING = "webhook.test"  # sent when staff ask for a test delivery; heard by every endpoint

LABELS: dict[str, LazyString] = {
    RESPONSE_CREATED: _l("收到新答卷"),
    OPINION_CREATED: _l("收到新意见"),
    PUBLICATION_PUBLISHED: _l("发布结果"),
    PUBLICATION_WITHDRAWN: _l("撤回结果"),
    PING: _l("测试事件"),
}


class Subject(Protocol):
    """An item endpoints are registered on."""

    id: int
    slug: str
    title: str
    department_id: int | None
    audit_column: ClassVar[str]


@dataclass(frozen=True)
class Kind:
    column: str  # the endpoint's column for this kind of item ("survey_id")
    label: LazyString  # 调查征集
    events: tuple[str, ...]  # what its items raise
    load: Callable[[Session, int], Subject | None]


KINDS: dict[str, Kind] = {}
# event -> (session, subject id) -> the event's data, for events announced without it.
COMPOSERS: dict[str, Callable[[Session, int], dict[str, Any]]] = {}


def register_kind(kind: Kind) -> None:
    KINDS[kind.column] = kind


def register_composer(event: str, compose: Callable[[Session, int], dict[str, Any]]) -> None:
    COMPOSERS[event] = compose


def envelope(event: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """A message's body as the Standard Webhooks spec lays it out: type, timestamp, data."""
    return {"type": event, "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "data": data}


def moment(value: datetime) -> str:
    """A stored moment (naive UTC) as the API writes it: RFC 3339 with its offset."""
    return value.replace(tzinfo=UTC).isoformat()


def subject_data(subject: Subject) -> dict[str, Any]:
    """How every event names its item."""
    return {"kind": subject.audit_column.removesuffix("_id"), "slug": subject.slug,
            "title": subject.title}  # fmt: skip
