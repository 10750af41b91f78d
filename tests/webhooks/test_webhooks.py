"""Webhooks: events written to the outbox with the change they announce, delivered signed by
the Standard Webhooks spec to a real receiver on the loopback interface (allowed here, refused
by default), retried with backoff for a day, none lost while the receiver is down."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select
from standardwebhooks import Webhook

from survey.config import office_zone
from survey.core.errors import Refusal
from survey.core.models import utcnow
from survey.core.sealing import SealingError, unseal
from survey.webhooks import addresses, delivery, endpoints
from survey.webhooks.models import MessageStatus, WebhookAttempt, WebhookMessage
from tests.helpers import fresh_form
from tests.webhooks.receiver import Receiver, free_port, receiving

LOOPBACK = addresses.networks("127.0.0.0/8")
QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "advice", "type": "text", "title": "意见建议", "required": False},
]


class Clock:
    """The worker's time, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


def register(app, session, subject, url, events):
    endpoint, secret = endpoints.create(
        session, subject, None, url, events, "OA 系统",
        data_key=app.config["DATA_KEY"], allowed=LOOPBACK, now=utcnow(),
    )  # fmt: skip
    session.commit()
    return endpoint, secret


def answer(client, survey, nature, advice=""):
    form = fresh_form(client, survey, {"nature": nature, "advice": advice})
    assert client.post(f"/s/{survey.slug}", data=form).status_code == 303


def deliver_all(app, session, clock, send):
    """Run the worker until nothing is due now."""
    while delivery.run_once(session, send, app.config["DATA_KEY"], clock):
        pass


def verified(received, secret):
    return [Webhook(secret).verify(r.body, r.headers) for r in received]


def test_a_response_is_delivered_signed_with_its_answers(app, client, session, make_survey):
    survey = make_survey(QUESTIONS)
    receiver = Receiver(free_port())
    _endpoint, secret = register(app, session, survey, receiver.url, ["response.created"])
    answer(client, survey, "民企", "希望简化申报")
    queued = session.scalars(select(WebhookMessage)).one()
    assert (queued.event, queued.status, queued.payload) == ("response.created", "pending", None)
    with receiving(receiver):
        deliver_all(app, session, Clock(), delivery.http_sender(LOOPBACK))
    (payload,) = verified(receiver.received, secret)
    assert receiver.received[0].path == "/hooks/survey"
    assert payload["type"] == "response.created"
    assert payload["data"]["survey"] == {"kind": "survey", "slug": survey.slug, "title": "测试问卷"}
    assert payload["data"]["response"]["answers"] == {
        "nature": [{"option": "民企"}], "advice": [{"text": "希望简化申报"}]}  # fmt: skip
    assert receiver.received[0].headers["webhook-id"] == queued.message_id
    session.refresh(queued)
    assert queued.status == "delivered" and [a.status_code for a in queued.attempts] == [204]
    tampered = receiver.received[0].body.replace("民企".encode(), "国企".encode())
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(tampered, receiver.received[0].headers)


def test_a_receiver_down_for_a_while_gets_every_event_once(
    app, client, session, make_survey, make_user
):
    from survey.surveys import publication

    survey = make_survey(QUESTIONS)
    receiver = Receiver(free_port())
    events = ["response.created", "publication.published", "publication.withdrawn"]
    _endpoint, secret = register(app, session, survey, receiver.url, events)
    for nature in ["国企", "民企", "民企", "外企"]:
        answer(client, survey, nature)
    clock, send = Clock(), delivery.http_sender(LOOPBACK)
    deliver_all(app, session, clock, send)  # nobody listens
    # One attempt finds the receiver unreachable; the others wait for its retry instead of
    # each costing a connection (a timeout, for a receiver that drops packets).
    (attempt,) = session.scalars(select(WebhookAttempt)).all()
    assert attempt.status_code is None and attempt.error.startswith("无法连接接收方")
    waiting = session.scalars(select(WebhookMessage)).all()
    for message in waiting:
        session.refresh(message)
    assert len({m.next_attempt_at for m in waiting}) == 1 and len(waiting) == 4
    answer(client, survey, "国企")  # more events while the receiver is down
    publication.publish(session, survey, None, utcnow(), office_zone())
    session.commit()
    clock.now = utcnow() + timedelta(seconds=6)
    deliver_all(app, session, clock, send)  # still down: the second attempts fail too
    clock.advance(timedelta(minutes=2))
    with receiving(receiver):
        deliver_all(app, session, clock, send)
    payloads = verified(receiver.received, secret)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 6  # each event once
    assert sorted(p["type"] for p in payloads) == ["publication.published"] + [
        "response.created"] * 5  # fmt: skip
    kept = session.scalar(select(func.count()).select_from(WebhookMessage)
                          .where(WebhookMessage.status != MessageStatus.DELIVERED))  # fmt: skip
    assert kept == 0


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook",
    "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
    "http://[::ffff:10.0.0.1]/hook", "http://100.64.0.1/hook", "ftp://example.com/hook",
    "http://user:pw@example.com/hook",
])  # fmt: skip
def test_private_loopback_and_odd_addresses_are_refused_by_default(app, session, make_survey, url):
    survey = make_survey(QUESTIONS)
    with pytest.raises(Refusal):
        endpoints.create(
            session, survey, None, url, ["response.created"], "",
            data_key=app.config["DATA_KEY"], allowed=[], now=utcnow(),
        )  # fmt: skip


def test_an_address_that_turns_private_is_not_sent_to(app, client, session, make_survey):
    """Checked again as each delivery resolves it: allowed when registered, refused since
    (a name that now resolves inward is refused the same way)."""
    survey = make_survey(QUESTIONS)
    receiver = Receiver(free_port())
    register(app, session, survey, receiver.url, ["response.created"])
    answer(client, survey, "国企")
    with receiving(receiver):
        deliver_all(app, session, Clock(), delivery.http_sender([]))
    assert receiver.received == []
    (attempt,) = session.scalars(select(WebhookAttempt)).all()
    assert attempt.status_code is None and "非公网地址 127.0.0.1" in attempt.error


def test_failures_are_retried_with_backoff_for_a_day_then_one_more_on_request(
    app, client, session, make_survey
):
    survey = make_survey(QUESTIONS)
    receiver = Receiver(free_port(), statuses=[500] * 11)
    register(app, session, survey, receiver.url, ["response.created"])
    answer(client, survey, "外企")
    clock, send = Clock(), delivery.http_sender(LOOPBACK)
    with receiving(receiver):
        while True:
            deliver_all(app, session, clock, send)
            message = session.scalars(select(WebhookMessage)).one()
            session.refresh(message)
            if message.status != "pending":
                break
            clock.now = message.next_attempt_at
        assert message.status == "failed" and len(receiver.received) == 10
        moments = [a.at for a in message.attempts]
        assert timedelta(hours=23) < moments[-1] - moments[0] < timedelta(hours=25)
        waits = [later - earlier for earlier, later in itertools.pairwise(moments)]
        assert waits == sorted(waits)  # backing off, never hurrying
        assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
        endpoints.retry(session, message, clock.now)
        session.commit()
        deliver_all(app, session, clock, send)
    session.refresh(message)
    assert message.status == "failed" and len(message.attempts) == 11
    assert [a.status_code for a in message.attempts] == [500] * 11


def test_opinions_and_feedback_are_announced_without_contacts(app, session, make_consultation):
    from survey.consultations import opinions
    from survey.consultations.opinions import Draft, Sender

    consultation = make_consultation()
    receiver = Receiver(free_port())
    _endpoint, secret = register(app, session, consultation, receiver.url, ["opinion.created"])
    opinions.submit(
        session, consultation, Draft(body="建议延长申报期限", name="李四", contact="13912345678"),
        Sender(origin="o", device="d"), opinions.new_receipt(session), utcnow(), app.secret_key,
    )  # fmt: skip
    session.commit()
    with receiving(receiver):
        deliver_all(app, session, Clock(), delivery.http_sender(LOOPBACK))
    (payload,) = verified(receiver.received, secret)
    assert payload["type"] == "opinion.created"
    assert payload["data"]["opinion"]["body"] == "建议延长申报期限"
    assert payload["data"]["consultation"]["slug"] == consultation.slug
    assert "13912345678" not in json.dumps(payload, ensure_ascii=False)


def test_paused_endpoints_and_unheard_events_write_nothing(app, client, session, make_survey):
    survey = make_survey(QUESTIONS)
    endpoint, _secret = register(
        app, session, survey, Receiver(free_port()).url, ["publication.published"]
    )
    answer(client, survey, "国企")  # not an event it hears
    endpoints.pause(session, endpoint, survey, None, utcnow(), paused=True)
    session.commit()
    endpoints.change(
        session, endpoint, survey, None, endpoint.url, ["response.created"], "",
        allowed=LOOPBACK,
    )  # fmt: skip
    session.commit()
    answer(client, survey, "民企")  # heard, but paused
    assert session.scalar(select(func.count()).select_from(WebhookMessage)) == 0


def test_secrets_are_sealed_to_their_row(app, session, make_survey):
    survey = make_survey(QUESTIONS)
    first, secret = register(app, session, survey, Receiver(free_port()).url, ["response.created"])
    second, _other = register(app, session, survey, Receiver(free_port()).url, ["response.created"])
    assert secret.startswith("whsec_") and secret not in first.sealed_secret
    key = app.config["DATA_KEY"]
    assert unseal(key, first.sealed_secret, f"webhook_endpoint:{first.id}") == secret
    with pytest.raises(SealingError):  # copied onto another endpoint's row, it does not open
        unseal(key, first.sealed_secret, f"webhook_endpoint:{second.id}")


def test_the_worker_command_delivers_what_is_due(app, client, runner, session, make_survey):
    survey = make_survey(QUESTIONS)
    receiver = Receiver(free_port())
    current_app.config["WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.1/32"  # the shell's app
    register(app, session, survey, receiver.url, ["response.created"])
    answer(client, survey, "国企")
    with receiving(receiver):
        result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "1 attempted" in result.output
    assert len(receiver.received) == 1


def test_a_worker_with_another_data_key_says_so_and_sends_nothing(
    app, client, session, make_survey
):
    from survey.core.sealing import new_key

    survey = make_survey(QUESTIONS)
    receiver = Receiver(free_port())
    register(app, session, survey, receiver.url, ["response.created"])
    answer(client, survey, "国企")
    with receiving(receiver):
        delivery.run_once(session, delivery.http_sender(LOOPBACK), new_key())
    assert receiver.received == []
    (attempt,) = session.scalars(select(WebhookAttempt)).all()
    assert "数据密钥与登记时不同" in attempt.error
