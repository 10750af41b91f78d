"""Staff's webhook endpoints: registering one on an item, showing its signing secret, changing,
pausing, re-keying and removing it, a test delivery, another try of a message, and what has
been delivered to it. Each change, and each time the secret is shown, is audited."""

from __future__ import annotations

import base64
import os
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.sealing import SealingError, seal, unseal, unseal_any
from survey.webhooks.addresses import AddressRefused, Network, resolve
from survey.webhooks.events import KINDS, Subject
from survey.webhooks.models import (
    MessageStatus,
    WebhookEndpoint,
    WebhookMessage,
    WebhookSubscription,
)
from survey.webhooks.outbox import ping

PAGE_SIZE = 50


def new_secret() -> str:
    """A Standard Webhooks signing secret: whsec_ and 24 random bytes, base64."""
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def _checked(url: str, events: Collection[str], column: str, allowed: Iterable[Network]) -> str:
    url = url.strip()
    if not events:
        raise Refusal(_("请至少选择一种事件"))
    if unknown := set(events) - set(KINDS[column].events):
        raise Refusal(_("不支持的事件：%(events)s", events="、".join(sorted(unknown))))
    try:
        resolve(url, allowed)
    except AddressRefused as refused:
        raise Refusal(str(refused)) from refused
    return url


def _seal(endpoint: WebhookEndpoint, secret: str, data_key: str) -> None:
    endpoint.sealed_secret = seal(data_key, secret, f"webhook_endpoint:{endpoint.id}")


def create(
    session: Session,
    subject: Subject,
    actor: audit.Actor | None,
    url: str,
    events: Collection[str],
    description: str,
    *,
    data_key: str,
    allowed: Iterable[Network],
    now: datetime,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint on ``subject``; it and its signing secret."""
    url = _checked(url, events, subject.audit_column, allowed)
    endpoint = WebhookEndpoint(
        url=url, description=description.strip(), sealed_secret="",
        created_by_id=actor.id if actor else None, created_at=now,
        subscriptions=[WebhookSubscription(event=e) for e in sorted(events)],
    )  # fmt: skip
    setattr(endpoint, subject.audit_column, subject.id)
    session.add(endpoint)
    session.flush()
    secret = new_secret()
    _seal(endpoint, secret, data_key)  # sealed to its row: the id is part of the context
    audit.record(session, actor, "webhook.create", subject, url=url, events=sorted(events))
    return endpoint, secret


def change(
    session: Session,
    endpoint: WebhookEndpoint,
    subject: Subject,
    actor: audit.Actor | None,
    url: str,
    events: Collection[str],
    description: str,
    *,
    allowed: Iterable[Network],
) -> None:
    url = _checked(url, events, subject.audit_column, allowed)
    before = (endpoint.url, endpoint.events, endpoint.description)
    endpoint.url, endpoint.description = url, description.strip()
    endpoint.subscriptions = [
        next((s for s in endpoint.subscriptions if s.event == e), WebhookSubscription(event=e))
        for e in sorted(events)
    ]
    changes = audit.changed(
        {"url": before[0], "events": sorted(before[1]), "description": before[2]},
        {"url": url, "events": sorted(events), "description": endpoint.description},
    )
    if changes:
        audit.record(session, actor, "webhook.edit", subject, url=url, changes=changes)


def rotate_secret(
    session: Session,
    endpoint: WebhookEndpoint,
    subject: Subject,
    actor: audit.Actor | None,
    data_key: str,
) -> str:
    """A new signing secret; messages are signed with it from now on."""
    secret = new_secret()
    _seal(endpoint, secret, data_key)
    audit.record(session, actor, "webhook.rotate", subject, url=endpoint.url)
    return secret


def reveal_secret(
    session: Session,
    endpoint: WebhookEndpoint,
    subject: Subject,
    actor: audit.Actor | None,
    data_key: str,
) -> str:
    """The signing secret, for staff to configure the receiver with (audited)."""
    audit.record(session, actor, "webhook.reveal", subject, url=endpoint.url)
    return unseal(data_key, endpoint.sealed_secret, f"webhook_endpoint:{endpoint.id}")


def reseal(session: Session, keys: Sequence[str], new_key: str) -> int:
    """Seal every endpoint's signing secret again under ``new_key`` (``rotate-data-key``)."""
    done = 0
    for endpoint in session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)):
        context = f"webhook_endpoint:{endpoint.id}"
        try:
            unseal(new_key, endpoint.sealed_secret, context)
        except SealingError:
            _seal(endpoint, unseal_any(keys, endpoint.sealed_secret, context), new_key)
            done += 1
    session.commit()
    return done


def pause(
    session: Session,
    endpoint: WebhookEndpoint,
    subject: Subject,
    actor: audit.Actor | None,
    now: datetime,
    paused: bool,
) -> None:
    """Pause (it hears nothing new; what is in its outbox is still delivered) or resume."""
    endpoint.paused_at = now if paused else None
    audit.record(
        session, actor, "webhook.pause" if paused else "webhook.resume", subject, url=endpoint.url
    )


def remove(
    session: Session, endpoint: WebhookEndpoint, subject: Subject, actor: audit.Actor | None
) -> None:
    """Remove the endpoint with its undelivered messages."""
    audit.record(session, actor, "webhook.delete", subject, url=endpoint.url)
    session.delete(endpoint)


def test(
    session: Session,
    endpoint: WebhookEndpoint,
    subject: Subject,
    actor: audit.Actor | None,
    now: datetime,
) -> WebhookMessage:
    """Queue a test message (event ``webhook.test``) to the endpoint."""
    message = ping(session, endpoint, now, actor.username if actor else audit.SHELL)
    audit.record(session, actor, "webhook.test", subject, url=endpoint.url)
    return message


def retry(session: Session, message: WebhookMessage, now: datetime) -> None:
    """Try a message again now: a failed one gets one more attempt, a waiting one goes at
    once."""
    if message.status == MessageStatus.DELIVERED:
        raise Refusal(_("该消息已送达"))
    if message.status == MessageStatus.FAILED:
        message.status = MessageStatus.PENDING
        message.attempt_count -= 1  # one more attempt after the last, then failed again
    message.next_attempt_at = now


def endpoints_on(session: Session, column: str, subject_id: int) -> list[WebhookEndpoint]:
    statement = select(WebhookEndpoint).where(getattr(WebhookEndpoint, column) == subject_id)
    return list(session.scalars(statement.order_by(WebhookEndpoint.id)))


def subject_of(session: Session, endpoint: WebhookEndpoint) -> Subject:
    """The item the endpoint is on."""
    for column, kind in KINDS.items():
        subject_id = getattr(endpoint, column)
        if subject_id is not None:
            subject = kind.load(session, subject_id)
            if subject is not None:
                return subject
    raise LookupError(endpoint.id)  # the subject's row goes with its endpoints (CASCADE)


def tally(session: Session, endpoint_ids: Collection[int]) -> dict[int, dict[str, int]]:
    """Messages per endpoint by status."""
    rows = session.execute(
        select(WebhookMessage.endpoint_id, WebhookMessage.status, func.count())
        .where(WebhookMessage.endpoint_id.in_(endpoint_ids))
        .group_by(WebhookMessage.endpoint_id, WebhookMessage.status)
    )
    counts: dict[int, dict[str, int]] = {id: {} for id in endpoint_ids}
    for endpoint_id, status, count in rows:
        counts[endpoint_id][status] = count
    return counts


def messages(
    session: Session, endpoint: WebhookEndpoint, status: str = "", before: int | None = None
) -> tuple[list[WebhookMessage], bool]:
    """The endpoint's messages, newest first, a page at a time (``before`` a message id);
    and whether more follow."""
    statement = select(WebhookMessage).where(WebhookMessage.endpoint_id == endpoint.id)
    if status in set(MessageStatus):
        statement = statement.where(WebhookMessage.status == status)
    if before is not None:
        statement = statement.where(WebhookMessage.id < before)
    found = list(session.scalars(statement.order_by(WebhookMessage.id.desc()).limit(PAGE_SIZE + 1)))
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE
