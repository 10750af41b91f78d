"""The review chain (三审三校): submitting an item, signing or returning each step, voiding the
sign-offs when the item changed, carrying it out once the last step is signed, and the
发布后复查 that follows a publication. Every step is audited with the content hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.core import audit
from survey.core.audit import Field, fingerprint, named
from survey.core.errors import Refusal
from survey.core.i18n import _, _l
from survey.core.permissions import Permission
from survey.publishing.versions import content_hash
from survey.review.kinds import KINDS, Moment, Params, Reviewable, Subject, kind_of
from survey.review.models import Decision, RequestStatus, ReviewRequest, ReviewStep, SignOff


class ReviewError(Refusal):
    """A review action that is refused; the message says why."""


@dataclass(frozen=True)
class Step:
    name: str
    permission: Permission


# The chains an office may choose: 三审 for a bureau, fewer steps for a small office.
CHAINS: dict[str, tuple[Step, ...]] = {
    "three": (
        Step("初审", Permission.REVIEW),
        Step("复审", Permission.REVIEW),
        Step("终审", Permission.APPROVE),
    ),
    "two": (Step("审核", Permission.REVIEW), Step("签发", Permission.APPROVE)),
    "one": (Step("签发", Permission.APPROVE),),
}
# The steps' names as shown (stored in the office's own words, shown in the reader's).
STEP_LABELS = {
    "初审": _l("初审"),
    "复审": _l("复审"),
    "终审": _l("终审"),
    "审核": _l("审核"),
    "签发": _l("签发"),
}
CHAIN_NAMES = {
    "three": _l("三审：初审 → 复审 → 终审"),
    "two": _l("两审：审核 → 签发"),
    "one": _l("一审：签发"),
}
DEFAULT_CHAIN = "three"
# What a reviewer confirms of a live publication against the signed snapshot.
CHECK_ITEMS = {
    "numbers": _l("数字与送审版本一致"),
    "masking": _l("个人信息已遮蔽"),
    "attachments": _l("附件（PDF、表格）可下载且内容一致"),
}

audit.register_actions(
    {
        "review.submit": _l("送审"),
        "review.approve": _l("审核通过"),
        "review.return": _l("退回修改"),
        "review.void": _l("送审内容已变，签核作废"),
        "review.cancel": _l("取消送审"),
        "review.urgent": _l("紧急撤回"),
        "review.check": _l("发布后复查"),
        "review.chain": _l("修改审核流程"),
    }
)
audit.register_fields(
    {
        "chain": Field(_l("审核流程"), named(CHAIN_NAMES)),
        "request": _l("送审编号"),
        "what": _l("送审内容"),
        "step": Field(_l("审核环节"), named(STEP_LABELS)),
        "hash": Field(_l("内容指纹"), fingerprint),
        "signed": Field(_l("签核时的内容指纹"), fingerprint),
        "ok": Field(_l("复查结果"), named({True: _l("一致"), False: _l("不一致")})),
        "reason": _l("原因"),
    },
    scope="review",
)


def office_chain(session: Session) -> tuple[Step, ...]:
    """The chain items pass now (the default until the office chooses)."""
    rows = session.scalars(select(ReviewStep).order_by(ReviewStep.position)).all()
    if not rows:
        return CHAINS[DEFAULT_CHAIN]
    return tuple(Step(row.name, Permission(row.permission)) for row in rows)


def office_chain_name(session: Session) -> str:
    steps = office_chain(session)
    return next((name for name, chain in CHAINS.items() if chain == steps), DEFAULT_CHAIN)


def set_office_chain(session: Session, name: str, actor: User | None) -> None:
    """Choose one of ``CHAINS``; requests already submitted keep the chain they started with."""
    if name not in CHAINS:
        raise ReviewError(_("没有这种审核流程"))
    before = office_chain_name(session)
    session.query(ReviewStep).delete()
    for position, step in enumerate(CHAINS[name]):
        session.add(ReviewStep(position=position, name=step.name, permission=step.permission))
    audit.record(session, actor, "review.chain", changes={"chain": [before, name]})


def _subject_of(session: Session, request: ReviewRequest) -> Subject | None:
    return kind_of(request.action).load(session, request.subject_id)


def _check_author(kind: Reviewable, subject: Subject, actor: User | None) -> User:
    if actor is None:
        raise ReviewError(_("审核已开启：请指明由谁送审（命令行用 --as 用户名）"))
    if not actor.can(kind.permission) or not actor.reaches(subject):
        raise ReviewError(_("%(name)s 没有权限送审这一事项", name=actor.username))
    return actor


def came_back(session: Session, action: str, subject: Subject) -> ReviewRequest | None:
    """The newest request of this action and item, if it was returned or voided: its author
    starts again from what they submitted."""
    kind = kind_of(action)
    newest = session.scalar(
        select(ReviewRequest)
        .where(ReviewRequest.action == action, getattr(ReviewRequest, kind.column) == subject.id)
        .order_by(ReviewRequest.id.desc())
        .limit(1)
    )
    if newest is None or newest.status not in (RequestStatus.RETURNED, RequestStatus.VOIDED):
        return None
    return newest


def open_request(session: Session, action: str, subject: Subject) -> ReviewRequest | None:
    """The request of this action and item still waiting for sign-offs, if any."""
    kind = kind_of(action)
    return session.scalar(
        select(ReviewRequest).where(
            ReviewRequest.action == action,
            getattr(ReviewRequest, kind.column) == subject.id,
            ReviewRequest.status == RequestStatus.PENDING,
        )
    )


def submit(
    session: Session,
    action: str,
    subject: Subject,
    actor: User | None,
    params: Params,
    moment: Moment,
    note: str = "",
) -> ReviewRequest:
    """Freeze what would go public and put it forward to the office's chain."""
    kind = kind_of(action)
    author = _check_author(kind, subject, actor)
    if open_request(session, action, subject) is not None:
        raise ReviewError(_("这一事项已在审核中，请等待审核结果或先取消送审"))
    snapshot = kind.freeze(session, subject, params, moment)
    request = ReviewRequest(
        action=action,
        title=subject.title,
        params=dict(params),
        snapshot=snapshot,
        content_hash=content_hash(snapshot),
        state_hash=content_hash(kind.state(session, subject, params, moment)),
        chain=[{"name": s.name, "permission": s.permission.value} for s in office_chain(session)],
        submitted_by_id=author.id,
        submitted_by=author.username,
        submitted_at=moment.now,
        note=note.strip()[:2000],
    )
    setattr(request, kind.column, subject.id)
    session.add(request)
    session.flush()
    audit.record(
        session, author, "review.submit", subject,
        request=request.id, what=str(kind.label), hash=request.content_hash,
    )  # fmt: skip
    return request


def go_public(
    session: Session,
    action: str,
    subject: Subject,
    actor: User | None,
    params: Params,
    moment: Moment,
    *,
    review: bool,
    note: str = "",
) -> ReviewRequest | dict[str, Any]:
    """The one way an item goes public: submitted to the chain when review is on (the
    request), carried out at once when the install has turned review off (what it made)."""
    if review:
        return submit(session, action, subject, actor, params, moment, note)
    kind = kind_of(action)
    if actor is not None and (not actor.can(kind.permission) or not actor.reaches(subject)):
        raise ReviewError(_("%(name)s 没有权限送审这一事项", name=actor.username))
    snapshot = kind.freeze(session, subject, params, moment)
    return kind.carry_out(session, subject, params, snapshot, actor, moment)


VOIDED_NOTE = _l("送审后内容已修改，本次送审作废（已有的签核不再有效），须由送审人重新送审")


def unchanged(session: Session, request: ReviewRequest, moment: Moment) -> bool:
    """Whether the item is still as it was submitted (the item gone, a refusal to freeze it
    now, or a different fingerprint: changed)."""
    subject = _subject_of(session, request)
    if subject is None:
        return False
    kind = kind_of(request.action)
    try:
        state = kind.state(session, subject, request.params, moment)
    except Refusal:
        return False
    return content_hash(state) == request.state_hash


def void_if_changed(session: Session, request: ReviewRequest, moment: Moment) -> bool:
    """Void a pending request whose item changed since submission; True if it did."""
    if request.status != RequestStatus.PENDING or unchanged(session, request, moment):
        return False
    request.status = RequestStatus.VOIDED
    request.closed_at = moment.now
    request.closing_note = str(VOIDED_NOTE)
    for signoff in request.signoffs:
        signoff.valid = False
    subject = _subject_of(session, request)
    audit.record(
        session, None, "review.void", subject, by=audit.SYSTEM,
        request=request.id, hash=request.content_hash,
    )  # fmt: skip
    return True


def why_not_sign(request: ReviewRequest, user: User, subject: Subject | None) -> str | None:
    """Why ``user`` may not sign the request's next step now, or None."""
    step = request.next_step
    if step is None:
        return _("这份送审已不在审核中")
    if request.submitted_by_id == user.id:
        return _("送审人不能审核自己送审的事项")
    if any(s.user_id == user.id and s.valid for s in request.signoffs):
        return _("同一事项的两个审核环节不能由同一人签核")
    if not user.can(Permission(step["permission"])):
        return _("您没有%(step)s的权限", step=step["name"])
    if subject is None or not user.reaches(subject):
        return _("这一事项不属于您的科室")
    return None


def _sign(
    session: Session, request: ReviewRequest, actor: User, decision: Decision, comment: str,
    moment: Moment,
) -> Subject:  # fmt: skip
    subject = _subject_of(session, request)
    if reason := why_not_sign(request, actor, subject):
        raise ReviewError(reason)
    assert subject is not None and request.next_step is not None
    session.add(
        SignOff(
            request=request, step=request.signed_steps, step_name=request.next_step["name"],
            user_id=actor.id, username=actor.username, decision=decision,
            comment=comment.strip()[:2000], content_hash=request.content_hash, at=moment.now,
        )
    )  # fmt: skip
    return subject


def approve(
    session: Session, request: ReviewRequest, actor: User, moment: Moment, comment: str = ""
) -> ReviewRequest:
    """Sign the next step; the last signature carries the item out, from the signed snapshot.
    A request whose item changed is voided instead (the caller commits that, and says so)."""
    if void_if_changed(session, request, moment):
        raise ReviewError(request.closing_note)
    step = request.next_step
    subject = _sign(session, request, actor, Decision.APPROVE, comment, moment)
    request.signed_steps += 1
    audit.record(
        session, actor, "review.approve", subject,
        request=request.id, step=step["name"] if step else "", hash=request.content_hash,
    )  # fmt: skip
    if request.signed_steps == len(request.chain):
        kind = kind_of(request.action)
        request.result = kind.carry_out(
            session, subject, request.params, request.snapshot, actor, moment
        )
        request.status = RequestStatus.DONE
        request.closed_at = moment.now
    return request


def send_back(
    session: Session, request: ReviewRequest, actor: User, moment: Moment, comment: str
) -> ReviewRequest:
    """Return the item to its author with a comment (required: the author must know why)."""
    if not comment.strip():
        raise ReviewError(_("退回时请写明需要修改的地方"))
    step = request.next_step
    subject = _sign(session, request, actor, Decision.RETURN, comment, moment)
    request.status = RequestStatus.RETURNED
    request.closed_at = moment.now
    request.closing_note = comment.strip()[:2000]
    audit.record(
        session, actor, "review.return", subject,
        request=request.id, step=step["name"] if step else "", hash=request.content_hash,
    )  # fmt: skip
    return request


def cancel(session: Session, request: ReviewRequest, actor: User, moment: Moment) -> None:
    """The author takes a pending request back."""
    if request.status != RequestStatus.PENDING:
        raise ReviewError(_("这份送审已不在审核中"))
    if request.submitted_by_id != actor.id and not actor.can(Permission.ALL_DEPARTMENTS):
        raise ReviewError(_("只有送审人可以取消送审"))
    request.status = RequestStatus.CANCELLED
    request.closed_at = moment.now
    audit.record(session, actor, "review.cancel", _subject_of(session, request), request=request.id)


def withdraw_now(
    session: Session, action: str, subject: Subject, actor: User, params: Params, moment: Moment
) -> dict[str, Any]:
    """An urgent withdrawal, carried out at once by someone allowed to (audited as such)."""
    kind = kind_of(action)
    if not kind.urgent:
        raise ReviewError(_("只有撤回可以紧急处理"))
    if not actor.can(Permission.WITHDRAW_NOW) or not actor.reaches(subject):
        raise ReviewError(_("只有管理员可以紧急撤回"))
    snapshot = kind.freeze(session, subject, params, moment)
    for pending in requests_of(session, kind.column, subject.id):
        if pending.status == RequestStatus.PENDING and pending.action == action:
            pending.status = RequestStatus.CANCELLED
            pending.closed_at = moment.now
    # Kept beside the item's submissions, so that its reviewers see the chain was skipped.
    record = ReviewRequest(
        action=action, title=subject.title, params=dict(params), snapshot=snapshot,
        content_hash=content_hash(snapshot), chain=[], status=RequestStatus.URGENT,
        submitted_by_id=actor.id, submitted_by=actor.username, submitted_at=moment.now,
        closed_at=moment.now, closing_note=str(_l("紧急撤回，未经审核")),
    )  # fmt: skip
    setattr(record, kind.column, subject.id)
    session.add(record)
    audit.record(
        session, actor, "review.urgent", subject,
        what=str(kind.label), hash=record.content_hash, reason=params.get("reason", ""),
    )  # fmt: skip
    record.result = kind.carry_out(session, subject, params, snapshot, actor, moment)
    return record.result


def post_check(
    session: Session,
    request: ReviewRequest,
    actor: User,
    moment: Moment,
    *,
    confirmed: Sequence[str],
    note: str = "",
) -> None:
    """发布后复查: ``actor`` compared the live page with the signed snapshot, ticking what
    they confirmed; every item ticked and the live version's hash equal to the signed one is a
    pass, anything else a problem (which needs a note)."""
    if request.status != RequestStatus.DONE or not kind_of(request.action).publishes:
        raise ReviewError(_("只有已发布的事项需要复查"))
    if request.checked_at is not None:
        raise ReviewError(_("已复查过"))
    if not actor.can(Permission.REVIEW) or request.submitted_by_id == actor.id:
        raise ReviewError(_("复查须由送审人以外的审核人员进行"))
    subject = _subject_of(session, request)
    if subject is None or not actor.reaches(subject):
        raise ReviewError(_("这一事项不属于您的科室"))
    live_hash = live_hash_of(session, request)
    if live_hash is None:
        raise ReviewError(_("这一版已不在公众页面上（已撤回或已有新版本），无需复查"))
    ticked = [item for item in CHECK_ITEMS if item in confirmed]
    ok = len(ticked) == len(CHECK_ITEMS) and live_hash == request.content_hash
    if not ok and not note.strip():
        raise ReviewError(_("有未确认的项目：请写明发现的问题"))
    request.checked_at = moment.now
    request.checked_by = actor.username
    request.check_ok = ok
    request.check_items = ticked
    request.check_note = note.strip()[:2000]
    audit.record(
        session, actor, "review.check", subject,
        request=request.id, ok=ok, hash=live_hash, signed=request.content_hash,
    )  # fmt: skip


def live_hash_of(session: Session, request: ReviewRequest) -> str | None:
    """The content hash of the version a carried-out publication made, while the public still
    reads it (None once withdrawn or superseded)."""
    kind = kind_of(request.action)
    if request.status != RequestStatus.DONE or kind.live_hash is None:
        return None
    subject = _subject_of(session, request)
    return kind.live_hash(session, subject, request.result) if subject is not None else None


def later_signer(request: ReviewRequest, user: User) -> str | None:
    """The later step ``user`` is wanted for, if they hold a permission that a later step
    needs and this one does not (a 签发人 who signs 初审 could no longer sign 终审)."""
    step = request.next_step
    if step is None:
        return None
    for later in request.chain[request.signed_steps + 1 :]:
        if later["permission"] != step["permission"] and user.can(Permission(later["permission"])):
            return later["name"]
    return None


def requests_of(session: Session, column: str, subject_id: int) -> list[ReviewRequest]:
    """Every request about one item, newest first."""
    return list(
        session.scalars(
            select(ReviewRequest)
            .where(getattr(ReviewRequest, column) == subject_id)
            .order_by(ReviewRequest.id.desc())
        )
    )


def request_by_id(session: Session, request_id: int) -> ReviewRequest | None:
    return session.get(ReviewRequest, request_id)


def _waiting(session: Session, user: User) -> list[ReviewRequest]:
    pending = session.scalars(
        select(ReviewRequest)
        .where(
            or_(
                ReviewRequest.status == RequestStatus.PENDING,
                (ReviewRequest.status == RequestStatus.DONE)
                & ReviewRequest.checked_at.is_(None)
                & ReviewRequest.action.in_([a for a, k in KINDS.items() if k.publishes]),
            ),
            or_(ReviewRequest.submitted_by_id.is_(None), ReviewRequest.submitted_by_id != user.id),
        )
        .order_by(ReviewRequest.submitted_at)
        .limit(500)
    )
    return list(pending)


def for_me(session: Session, user: User) -> tuple[list[ReviewRequest], list[ReviewRequest]]:
    """待我审核: the pending requests whose next step ``user`` may sign, and the publications
    waiting for their 发布后复查 that ``user`` may do."""
    to_sign, to_check = [], []
    for request in _waiting(session, user):
        subject = _subject_of(session, request)
        if request.status == RequestStatus.PENDING:
            if why_not_sign(request, user, subject) is None and not later_signer(request, user):
                to_sign.append(request)
        elif (
            user.can(Permission.REVIEW)
            and subject is not None
            and user.reaches(subject)
            and live_hash_of(session, request) is not None
        ):
            to_check.append(request)
    return to_sign, to_check


def returned_to(session: Session, user: User) -> list[ReviewRequest]:
    """What ``user`` submitted that came back (returned, or voided by a change) and has not
    been submitted again since."""
    mine_newest_first = mine(session, user, limit=200)
    seen: set[tuple[str, int]] = set()
    back = []
    for request in mine_newest_first:
        key = (request.action, request.subject_id)
        if key in seen:
            continue
        seen.add(key)
        if request.status in (RequestStatus.RETURNED, RequestStatus.VOIDED):
            back.append(request)
    return back


def count_for_me(session: Session, user: User) -> int:
    """How many requests wait for ``user`` (the staff header's count): to sign, to check, or
    come back to them."""
    count = len(returned_to(session, user))
    if user.can(Permission.REVIEW):
        to_sign, to_check = for_me(session, user)
        count += len(to_sign) + len(to_check)
    return count


def mine(session: Session, user: User, limit: int = 50) -> list[ReviewRequest]:
    """What ``user`` submitted, newest first."""
    return list(
        session.scalars(
            select(ReviewRequest)
            .where(ReviewRequest.submitted_by_id == user.id)
            .order_by(ReviewRequest.id.desc())
            .limit(limit)
        )
    )
