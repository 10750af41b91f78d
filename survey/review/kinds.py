"""What can be put forward for review: each feature registers its actions that make something
public (opening, publishing, withdrawing), with how to freeze what would go public and how to
carry it out once signed. The review package knows no feature beyond these entries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from survey.core.audit import Actor
from survey.core.permissions import Permission

if TYPE_CHECKING:
    from flask_babel import LazyString


class Subject(Protocol):
    """The item that would go public."""

    id: int
    title: str
    department_id: int | None
    audit_column: ClassVar[str]


@dataclass(frozen=True)
class Moment:
    """When and where an action is taken: the office's time zone renders what is frozen."""

    now: datetime
    zone: ZoneInfo


Params = Mapping[str, Any]
Snapshot = dict[str, Any]


@dataclass(frozen=True)
class Reviewable:
    action: str  # "results.publish"
    label: LazyString  # 发布结果反馈
    permission: Permission  # what the author needs to put it forward
    column: str  # the subject's column ("survey_id")
    load: Callable[[Session, int], Subject | None]
    # What would go public, computed from the item as it is now (refusing, with the reason,
    # when it cannot go public): the same item and params always give the same snapshot.
    freeze: Callable[[Session, Subject, Params, Moment], Snapshot]
    # Make it public from the signed snapshot; returns what it made ({"version": 3}).
    carry_out: Callable[[Session, Subject, Params, Snapshot, Actor | None, Moment], dict[str, Any]]
    # What staff could change about the item after submission, which voids the sign-offs
    # (default: the snapshot itself). Results frozen from a survey still taking answers are
    # not voided by a new answer, only by an edit or an invalidated response.
    fingerprint: Callable[[Session, Subject, Params, Moment], Any] | None = None
    # The content hash of what carrying it out made, while the public still reads it (None
    # once withdrawn or superseded): a publication's 发布后复查 compares it with the signed one.
    live_hash: Callable[[Session, Subject, dict[str, Any]], str | None] | None = None
    urgent: bool = False  # a withdrawal an admin may carry out at once

    @property
    def publishes(self) -> bool:
        """A 发布后复查 follows."""
        return self.live_hash is not None

    def state(self, session: Session, subject: Subject, params: Params, moment: Moment) -> Any:
        """What a change of voids the sign-offs."""
        if self.fingerprint is not None:
            return self.fingerprint(session, subject, params, moment)
        return self.freeze(session, subject, params, moment)


KINDS: dict[str, Reviewable] = {}


def register(kind: Reviewable) -> None:
    KINDS[kind.action] = kind


def kind_of(action: str) -> Reviewable:
    return KINDS[action]
