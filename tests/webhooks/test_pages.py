"""The staff's webhook pages: registering an endpoint on a survey (its secret shown on request),
refused addresses explained beside the field, deliveries with each attempt, the actions, and
who may see them."""

from __future__ import annotations

from sqlalchemy import select
from standardwebhooks import Webhook

from survey.core.audit import AuditEvent
from survey.webhooks import delivery
from survey.webhooks.models import WebhookEndpoint
from tests.conftest import csrf_of
from tests.helpers import plain
from tests.webhooks.receiver import Receiver, free_port, receiving
from tests.webhooks.test_webhooks import LOOPBACK, QUESTIONS, Clock, answer, deliver_all


def add_endpoint(client, survey, url, events=("response.created",)):
    page = f"/admin/webhooks/survey/{survey.id}"
    return client.post(
        page, data={"csrf_token": csrf_of(client, page), "url": url, "events": list(events),
                    "description": "OA 待办"},
    )  # fmt: skip


def test_staff_register_an_endpoint_and_follow_its_deliveries(
    app, client, session, login, make_survey
):
    login("editor")
    survey = make_survey(QUESTIONS)
    overview = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert f"/admin/webhooks/survey/{survey.id}" in overview
    receiver = Receiver(free_port())
    refused = add_endpoint(client, survey, receiver.url)
    assert refused.status_code == 200 and "非公网地址 127.0.0.1" in plain(
        refused.get_data(as_text=True)
    )
    assert session.scalars(select(WebhookEndpoint)).all() == []
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    created = add_endpoint(client, survey, receiver.url)
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    page = f"/admin/webhooks/{endpoint.id}"
    assert created.status_code == 302 and created.headers["Location"] == page  # no re-post
    assert "whsec_" not in client.get(page).get_data(as_text=True)  # shown on request only
    revealed = plain(
        client.post(f"{page}/secret", data={"csrf_token": csrf_of(client, page)}).get_data(
            as_text=True
        )
    )
    secret = next(word for word in revealed.split() if word.startswith("whsec_"))
    answer(client, survey, "民企")
    client.post(f"{page}/test", data={"csrf_token": csrf_of(client, page)})
    receiver.statuses = [503]
    with receiving(receiver):
        deliver_all(app, session, Clock(), delivery.http_sender(LOOPBACK))
    shown = plain(client.get(page).get_data(as_text=True))
    assert "已送达 1 · 等待发送 1 · 发送失败 0" in shown
    assert "HTTP 503" in shown and "HTTP 204" in shown and "测试事件" in shown
    (delivered,) = [r for r in receiver.received if b"response.created" in r.body]
    assert Webhook(secret).verify(delivered.body, delivered.headers)["type"] == "response.created"
    kinds = {e.action for e in session.scalars(select(AuditEvent))}
    assert {"webhook.create", "webhook.reveal", "webhook.test"} <= kinds


def test_other_departments_and_viewers_do_not_reach_endpoints(
    app, client, session, login, make_survey, staff, department
):
    from survey.accounts.models import Department

    survey = make_survey(QUESTIONS)
    survey.department_id = department
    other = Department(name="综合科")
    session.add(other)
    session.flush()
    login("editor").department_id = other.id
    session.commit()
    assert client.get(f"/admin/webhooks/survey/{survey.id}").status_code == 404
    client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")})
    login("viewer")
    assert client.get(f"/admin/webhooks/survey/{survey.id}").status_code == 403
