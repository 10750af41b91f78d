"""The worker's side: take due messages from the outbox, sign each by the Standard Webhooks
spec and POST it, record the attempt, and retry failures with backoff for about a day.
Delivery is at least once: a receiver deduplicates by the ``webhook-id`` header.

Several workers (on several machines) may run at once: each claims a message by pushing its
next attempt a lease ahead in one conditional update, so no two send it together, and a
worker that dies mid-send leaves it to be sent again when the lease runs out."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import urllib3
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.sealing import SealingError, unseal
from survey.webhooks.addresses import AddressRefused, Network, Target, resolve
from survey.webhooks.events import COMPOSERS, envelope
from survey.webhooks.models import MessageStatus, WebhookAttempt, WebhookMessage

# The waits after each failed attempt: ten attempts over about 24 hours, then it has failed.
SCHEDULE = tuple(timedelta(seconds=s) for s in (5, 60, 300, 1800, 3600, 7200, 14400, 28800, 28800))
GIVE_UP_AFTER = sum(SCHEDULE, timedelta())  # after its event, a message is not tried again
LEASE = timedelta(minutes=2)  # longer than a send can take (timeouts below)
TIMEOUT = urllib3.Timeout(connect=5.0, read=15.0)
KEEP = timedelta(days=30)  # delivered and failed messages are kept this long for staff
EXCERPT_BYTES = 500
USER_AGENT = "survey-webhooks/1 (+Standard Webhooks)"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """What became of one POST: the receiver's status, or the error that kept it from one."""

    status_code: int | None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0


# (url, body, headers) -> what happened
Sender = Callable[[str, bytes, dict[str, str]], Sent]


def http_sender(allowed: Iterable[Network]) -> Sender:
    """POST to the checked address of each URL (see ``addresses``), following no redirect."""
    networks = list(allowed)

    def send(url: str, body: bytes, headers: dict[str, str]) -> Sent:
        started = time.monotonic()
        try:
            target = resolve(url, networks)
        except AddressRefused as refused:
            return Sent(None, str(refused))
        try:
            status, excerpt = _post(target, body, headers)
        except urllib3.exceptions.HTTPError as error:
            return Sent(None, _described(error), duration_ms=_since(started))
        return Sent(status, excerpt=excerpt, duration_ms=_since(started))

    return send


def _post(target: Target, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if target.port == default_port else f"{target.host}:{target.port}"
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address, target.port, timeout=TIMEOUT, retries=False,
            server_hostname=target.host, assert_hostname=target.host,
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, timeout=TIMEOUT)
    with pool:
        response = pool.urlopen(
            "POST", target.path, body=body, headers={**headers, "Host": host},
            redirect=False, retries=False, preload_content=False,
        )  # fmt: skip
        try:
            excerpt = response.read(EXCERPT_BYTES, decode_content=True)
        finally:
            response.release_conn()
    return response.status, excerpt.decode("utf-8", errors="replace")


def _described(error: urllib3.exceptions.HTTPError) -> str:
    """Why a POST got no answer, in staff's words, with the technical reason after."""
    exceptions = urllib3.exceptions
    words = _("连接失败")
    if isinstance(error, exceptions.NewConnectionError):  # before its base, ConnectTimeoutError
        words = _("无法连接接收方")
    elif isinstance(error, exceptions.ConnectTimeoutError):
        words = _("连接超时")
    elif isinstance(error, exceptions.ReadTimeoutError):
        words = _("等待响应超时")
    elif isinstance(error, exceptions.SSLError):
        words = _("HTTPS 证书校验失败")
    elif isinstance(error, exceptions.ProtocolError):
        words = _("连接中断")
    reason = str(getattr(error, "reason", None) or error).rpartition(": ")[2]
    return f"{words}（{reason}）"[:300]


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def claim(session: Session, now: datetime, limit: int = 20) -> list[int]:
    """Up to ``limit`` due messages, each held for this worker for ``LEASE``."""
    due = (
        select(WebhookMessage.id)
        .where(WebhookMessage.status == MessageStatus.PENDING,
               WebhookMessage.next_attempt_at <= now)
        .order_by(WebhookMessage.next_attempt_at, WebhookMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    claimed = []
    for message_id in session.scalars(due).all():
        taken = session.execute(
            update(WebhookMessage)
            .where(WebhookMessage.id == message_id, WebhookMessage.next_attempt_at <= now)
            .values(next_attempt_at=now + LEASE)
        )
        if getattr(taken, "rowcount", 0) == 1:  # another worker did not take it first
            claimed.append(message_id)
    session.commit()
    return claimed


def signed(message: WebhookMessage, secret: str, at: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt, signed with the endpoint's secret at ``at``."""
    body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":"))
    headers = {
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(at.replace(tzinfo=UTC).timestamp())),
        "webhook-signature": Webhook(secret).sign(message.message_id, at, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    return body.encode(), headers


def attempt(
    session: Session,
    message_id: int,
    send: Sender,
    data_key: str,
    now: Callable[[], datetime],
    held: Mapping[int, datetime | None] | None = None,
) -> WebhookAttempt | None:
    """One attempt at a claimed message, recorded with its outcome (None: the message is gone
    or no longer waits; or its endpoint is ``held`` until a moment, and it waits till then)."""
    message = session.get(WebhookMessage, message_id)
    if message is None or message.status != MessageStatus.PENDING:
        session.rollback()
        return None
    if held and message.endpoint_id in held:
        message.next_attempt_at = held[message.endpoint_id] or now()
        session.commit()
        return None
    if message.payload is None:
        compose = COMPOSERS[message.event]
        message.payload = envelope(
            message.event, message.created_at, compose(session, message.subject_id or 0)
        )
    endpoint = message.endpoint
    try:
        secret = unseal(data_key, endpoint.sealed_secret, f"webhook_endpoint:{endpoint.id}")
    except SealingError:
        session.commit()
        # Another data key than the one it was sealed with: every attempt fails alike until
        # the key is set right, and staff see why.
        return record(
            session, message_id, Sent(None, _("签名密钥无法解密：数据密钥与登记时不同")), now()
        )
    url = endpoint.url
    session.commit()  # nothing is held (SQLite's write lock above all) while the POST waits
    at = now()
    body, headers = signed(message, secret, at)
    sent = send(url, body, headers)
    return record(session, message_id, sent, at)


def record(session: Session, message_id: int, sent: Sent, at: datetime) -> WebhookAttempt | None:
    message = session.get(WebhookMessage, message_id)
    if message is None:
        session.rollback()
        return None
    tried = WebhookAttempt(
        message_id=message.id, at=at, status_code=sent.status_code, error=sent.error[:300],
        duration_ms=sent.duration_ms, response_excerpt=sent.excerpt[:EXCERPT_BYTES],
    )  # fmt: skip
    session.add(tried)
    message.attempt_count += 1
    outcome = f"HTTP {sent.status_code}" if sent.status_code is not None else sent.error
    log.info("%s %s to endpoint %s: %s in %d ms", message.event, message.message_id,
             message.endpoint_id, outcome, sent.duration_ms)  # fmt: skip
    if tried.succeeded:
        message.status, message.delivered_at = MessageStatus.DELIVERED, at
        message.next_attempt_at = None
        # The receiver is back: what waits for a later retry goes now, not hours from now
        # (those other workers hold are left alone).
        session.execute(
            update(WebhookMessage)
            .where(WebhookMessage.endpoint_id == message.endpoint_id,
                   WebhookMessage.status == MessageStatus.PENDING,
                   WebhookMessage.next_attempt_at > at + LEASE)
            .values(next_attempt_at=at)
        )  # fmt: skip
    elif message.attempt_count > len(SCHEDULE) or at - message.created_at >= GIVE_UP_AFTER:
        message.status, message.next_attempt_at = MessageStatus.FAILED, None
    else:
        message.next_attempt_at = at + SCHEDULE[message.attempt_count - 1]
        if tried.status_code is None:
            # The receiver cannot be reached: its other messages wait for this one's next
            # attempt rather than each costing a timeout now (those held by a worker are
            # left alone); they give up a day after their event like any other.
            session.execute(
                update(WebhookMessage)
                .where(WebhookMessage.endpoint_id == message.endpoint_id,
                       WebhookMessage.status == MessageStatus.PENDING,
                       WebhookMessage.id != message.id,
                       WebhookMessage.next_attempt_at <= at)
                .values(next_attempt_at=message.next_attempt_at)
            )  # fmt: skip
    session.commit()
    return tried


def run_once(
    session: Session, send: Sender, data_key: str, now: Callable[[], datetime] = utcnow
) -> int:
    """Attempt the messages due now; how many were attempted. After a receiver could not be
    reached, the rest of its messages in the batch are left for later (see ``record``)."""
    held: dict[int, datetime | None] = {}  # endpoint -> when its probe is tried next
    attempted = 0
    for message_id in claim(session, now()):
        tried = attempt(session, message_id, send, data_key, now, held)
        if tried is not None:
            attempted += 1
            message = session.get(WebhookMessage, message_id)
            if tried.status_code is None and message is not None:
                held[message.endpoint_id] = message.next_attempt_at
    return attempted


def prune(session: Session, now: datetime) -> None:
    """Forget delivered and failed messages older than ``KEEP``."""
    session.execute(
        delete(WebhookMessage).where(
            WebhookMessage.status != MessageStatus.PENDING, WebhookMessage.created_at < now - KEEP
        )
    )
    session.commit()


def run(
    open_session: Callable[[], Session],
    send: Sender,
    data_key: str,
    poll_seconds: float,
    stop: threading.Event,
) -> None:
    """Deliver until ``stop`` is set: whatever is due, then a look every ``poll_seconds``."""
    pruned_at: datetime | None = None
    while not stop.is_set():
        try:
            with open_session() as session:
                attempted = run_once(session, send, data_key)
                if pruned_at is None or utcnow() - pruned_at > timedelta(hours=1):
                    prune(session, utcnow())
                    pruned_at = utcnow()
        except SQLAlchemyError:
            # The database is away (a restart, a failover): nothing is lost, the outbox waits.
            log.exception("webhook worker: the database is unavailable; trying again")
            attempted = 0
        if not attempted:
            stop.wait(poll_seconds)
