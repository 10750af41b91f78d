"""/api/v1: its OpenAPI document, what anonymous callers and tokens of each scope see, tokens
that never exceed their user, problem details, and the limit per token."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from survey.accounts.models import ApiToken
from survey.accounts.tokens import Scope, allows, create_token, revoke
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.surveys import publication


def token_for(session, user, scope="read", **options):
    _token, plain = create_token(session, user, Scope(scope), utcnow(), **options)
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_openapi_document_validates_and_its_page_is_served_locally(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = set(spec["paths"])
    assert {"/api/v1/surveys", "/api/v1/surveys/{slug}/results", "/api/v1/audit",
            "/api/v1/consultations/{slug}/feedback/{version}"} <= paths  # fmt: skip
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page  # nothing from another origin
    with client.get("/api/v1/docs/assets/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.data


def test_anonymous_callers_see_what_the_public_pages_show(
    client, session, demo_survey, make_survey
):
    draft = make_survey([{"type": "text", "title": "建议"}], status="draft", title="内部草稿")
    listed = client.get("/api/v1/surveys").get_json()
    assert [s["slug"] for s in listed] == [demo_survey.slug]
    assert "responses" not in listed[0] and listed[0]["results_published"] is True
    assert client.get(f"/api/v1/surveys/{draft.slug}").status_code == 404
    refused = client.get(f"/api/v1/surveys/{demo_survey.slug}/results")
    assert refused.status_code == 401 and refused.content_type == "application/problem+json"
    assert refused.get_json()["title"] == "Unauthorized"
    versions = client.get(f"/api/v1/surveys/{demo_survey.slug}/publications").get_json()
    one = client.get(f"/api/v1/surveys/{demo_survey.slug}/publications/{versions[0]['version']}")
    nature = one.get_json()["document"]["questions"][0]
    assert [(r["label"], r["count"], r["ratio"]) for r in nature["rows"]] == [
        ("国企", 1, "25%"), ("民企", 3, "75%"), ("外企", 0, "0%")]  # fmt: skip
    assert one.get_json()["content_hash"] == versions[0]["content_hash"]


def test_a_token_sees_its_departments_items_and_live_results(
    client, session, demo_survey, make_survey, make_user
):
    viewer = make_user("viewer", "chen")
    draft = make_survey([{"type": "text", "title": "建议"}], status="draft", title="内部草稿")
    headers = token_for(session, viewer)
    listed = client.get("/api/v1/surveys", headers=headers).get_json()
    assert {s["slug"] for s in listed} == {demo_survey.slug, draft.slug}
    assert next(s for s in listed if s["slug"] == demo_survey.slug)["responses"] == 4
    live = client.get(f"/api/v1/surveys/{demo_survey.slug}/results", headers=headers).get_json()
    assert live["document"]["responses"] == 4
    definition = client.get(f"/api/v1/surveys/{draft.slug}/definition", headers=headers)
    assert definition.get_json()["definition"]["title"] == "内部草稿"


def test_live_results_take_the_staff_reports_filters(client, session, demo_survey, make_user):
    headers = token_for(session, make_user("viewer", "chen"))
    nature = next(q for q in demo_survey.questions if q.title == "企业性质")
    url = f"/api/v1/surveys/{demo_survey.slug}/results"
    state_owned = client.get(url, query_string={"chose": f"{nature.key}:国企"}, headers=headers)
    table = state_owned.get_json()["document"]["questions"][0]
    assert state_owned.get_json()["document"]["responses"] == 1
    assert [(r["label"], r["count"]) for r in table["rows"]] == [
        ("国企", 1),
        ("民企", 0),
        ("外企", 0),
    ]
    later = client.get(url, query_string={"since": "2100-01-01T00:00:00Z"}, headers=headers)
    assert later.get_json()["document"]["responses"] == 0
    unknown = client.get(url, query_string={"chose": f"{nature.key}:央企"}, headers=headers)
    assert unknown.status_code == 422 and "央企" in unknown.get_json()["detail"]


def test_a_token_never_exceeds_its_user(client, session, make_user):
    editor, admin = make_user("editor", "zhang"), make_user("admin", "root")
    strong = token_for(session, editor, "publish")
    refused = client.get("/api/v1/audit", headers=strong)
    assert refused.status_code == 403 and "audit.read" in refused.get_json()["detail"]
    assert client.get("/api/v1/audit", headers=token_for(session, admin)).status_code == 200
    token = session.scalars(select(ApiToken).where(ApiToken.user_id == editor.id)).one()
    assert allows(token, editor, Permission.PUBLISH)
    viewer = make_user("viewer", "chen")
    weak, _plain = create_token(session, viewer, Scope.PUBLISH, utcnow())
    assert not allows(weak, viewer, Permission.PUBLISH)  # a viewer's publish token cannot
    editor.role = "viewer"  # and a token loses what its user loses, at once
    session.commit()
    assert not allows(token, editor, Permission.PUBLISH)


def test_wrong_revoked_and_expired_tokens_are_refused(client, session, make_user):
    editor = make_user("editor", "zhang")
    headers = token_for(session, editor)
    assert client.get("/api/v1/surveys", headers=headers).status_code == 200
    stored = session.scalars(select(ApiToken)).one()
    plain = headers["Authorization"].removeprefix("Bearer ")
    assert plain not in (stored.token_hash, stored.prefix) and plain.startswith(stored.prefix)
    revoke(session, stored, editor, utcnow())
    session.commit()
    assert client.get("/api/v1/surveys", headers=headers).status_code == 401
    _expired, _plain = create_token(
        session, editor, Scope.READ, utcnow() - timedelta(days=2), days=1
    )
    session.commit()
    late = {"Authorization": f"Bearer {_plain}"}
    assert client.get("/api/v1/surveys", headers=late).status_code == 401
    assert (
        client.get("/api/v1/surveys", headers={"Authorization": "Bearer svy_x"}).status_code == 401
    )


def test_calls_are_limited_per_token(app, client, session, make_user):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = (
        token_for(session, make_user("editor", "a")),
        token_for(session, make_user("editor", "b")),
    )
    if time.time() % 60 > 55:  # fixed one-minute windows: start well inside one
        time.sleep(60 - time.time() % 60)
    codes = [client.get("/api/v1/surveys", headers=first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/surveys", headers=first)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert refused.content_type == "application/problem+json"
    assert client.get("/api/v1/surveys", headers=second).status_code == 200


def test_a_withdrawn_version_is_gone_with_its_reason(client, session, demo_survey, make_user):
    version = publication.latest_publication(session, demo_survey).version
    publication.withdraw(session, demo_survey, make_user("admin"), utcnow(), "统计口径有误")
    session.commit()
    gone = client.get(f"/api/v1/surveys/{demo_survey.slug}/publications/{version}")
    assert gone.status_code == 410 and "统计口径有误" in gone.get_json()["detail"]
    listed = client.get(f"/api/v1/surveys/{demo_survey.slug}/publications").get_json()
    assert listed[0]["withdrawal_reason"] == "统计口径有误"


def test_create_token_prints_it_once(runner, session, make_user):
    make_user("editor", "zhang")
    result = runner.invoke(args=["create-token", "zhang", "--scope", "write", "--expires", "30"])
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip()
    stored = session.scalars(select(ApiToken)).one()
    assert plain.startswith("svy_") and stored.scope == "write" and plain not in str(vars(stored))
    assert (stored.expires_at - stored.created_at).days == 30
    refused = runner.invoke(args=["create-token", "nobody"])
    assert refused.exit_code != 0


@pytest.mark.parametrize("url", ["/api/v1/consultations"])
def test_consultations_are_listed_for_the_public(client, make_consultation, url):
    consultation = make_consultation()
    listed = client.get(url).get_json()
    assert [c["slug"] for c in listed] == [consultation.slug]
    assert client.get(f"{url}/{consultation.slug}/feedback").get_json() == []


def test_responses_come_a_page_at_a_time_by_cursor(client, session, demo_survey, make_user):
    headers = token_for(session, make_user("editor", "zhang"))
    url = f"/api/v1/surveys/{demo_survey.slug}/responses"
    first = client.get(url, headers=headers, query_string={"limit": 3}).get_json()
    assert len(first["items"]) == 3 and first["next"] == first["items"][-1]["id"]
    rest = client.get(url, headers=headers, query_string={"after": first["next"]}).get_json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    every = first["items"] + rest["items"]
    natures = sorted(item["answers"]["nature"][0]["option"] for item in every)
    assert natures == ["国企", "民企", "民企", "民企"]  # the reference table's four answers
    later = client.get(url, headers=headers, query_string={"since": "2999-01-01T00:00:00Z"})
    assert later.get_json() == {"items": [], "next": None}
    assert client.get(url).status_code == 401  # never to anonymous callers
    viewer = token_for(session, make_user("viewer", "chen"))
    assert client.get(url, headers=viewer).status_code == 403  # a viewer exports nothing


DEFINITION = {
    "format": "survey/v1", "title": "用工需求调查", "issuer": "招远市商务局",
    "questions": [{"id": "nature", "type": "single", "title": "企业性质",
                   "options": ["国企", "民企", "外企"]}],
}  # fmt: skip


def test_a_write_token_creates_and_opens_a_survey_through_review(
    app, client, session, staff, make_user
):
    from survey.core.audit import AuditEvent
    from survey.review.models import ReviewRequest

    writer = token_for(session, staff["author"], "write")
    reader = token_for(session, staff["author"], "read")
    assert (
        client.post("/api/v1/surveys", json={"definition": DEFINITION}, headers=reader).status_code
        == 403
    )
    bad = client.post("/api/v1/surveys", json={"definition": {"title": ""}}, headers=writer)
    assert bad.status_code == 422 and bad.get_json()["problems"]
    made = client.post("/api/v1/surveys", json={"definition": DEFINITION}, headers=writer)
    assert made.status_code == 201, made.get_json()
    slug = made.get_json()["slug"]
    opened = client.post(f"/api/v1/surveys/{slug}/open", headers=writer)
    assert opened.status_code == 202 and opened.get_json()["waiting_for"] == "初审"
    assert client.get(f"/s/{slug}").status_code == 404  # still a draft: review first
    request = session.scalars(select(ReviewRequest)).one()
    assert request.submitted_by == "zhang" and request.status == "pending"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.import")).one()
    assert event.username == "zhang" and "API svy_" in event.address
    again = client.post(f"/api/v1/surveys/{slug}/open", headers=writer)
    assert again.status_code == 409 and "已在审核中" in again.get_json()["detail"]
    app.config["REVIEW"] = False  # an install without review opens at once
    services_off = client.post(f"/api/v1/surveys/{slug}/close", headers=writer)
    assert services_off.status_code == 409  # not open yet: the service's refusal, as 409


def test_a_publish_token_publishes_through_review(client, session, staff, department, demo_survey):
    demo_survey.department_id = department
    session.commit()
    url = f"/api/v1/surveys/{demo_survey.slug}/publications"
    writer = token_for(session, staff["author"], "write")
    assert client.post(url, json={}, headers=writer).status_code == 403  # write cannot publish
    publisher = token_for(session, staff["author"], "publish")
    unknown = client.post(url, json={"questions": ["nope"]}, headers=publisher)
    assert unknown.status_code == 422
    sent = client.post(
        url, json={"questions": ["nature"], "summary": "民企占 75%。"}, headers=publisher
    )
    assert sent.status_code == 202, sent.get_json()
    assert len(client.get(url).get_json()) == 1  # nothing published before the sign-offs
    withdrawn = client.post(
        f"/api/v1/surveys/{demo_survey.slug}/withdrawal", json={}, headers=publisher
    )
    assert withdrawn.status_code == 422  # the reason is required


def test_staff_make_and_revoke_their_tokens_in_the_workspace(client, session, login):
    import re

    from tests.conftest import csrf_of

    login("editor")
    created = client.post(
        "/admin/tokens",
        data={"csrf_token": csrf_of(client, "/admin/tokens"), "name": "门户网站", "scope": "read",
              "days": "90"},
    )  # fmt: skip
    page = created.get_data(as_text=True)
    plain = re.search(r'<code class="token-value">(svy_[^<]+)</code>', page).group(1)
    assert "只显示这一次" in page
    assert plain not in client.get("/admin/tokens").get_data(as_text=True)  # shown once
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/surveys", headers=headers).status_code == 200
    token = session.scalars(select(ApiToken)).one()
    assert token.name == "门户网站" and (token.expires_at - token.created_at).days == 90
    client.post(
        f"/admin/tokens/{token.id}/revoke", data={"csrf_token": csrf_of(client, "/admin/tokens")}
    )
    assert client.get("/api/v1/surveys", headers=headers).status_code == 401


def test_staff_of_another_department_see_only_what_the_public_sees(
    client, session, demo_survey, make_user
):
    from survey.accounts.models import Department

    ours, theirs = Department(name="外贸科"), Department(name="内贸科")
    session.add_all([ours, theirs])
    session.flush()
    demo_survey.department_id = theirs.id
    outsider = make_user("editor", "qian")
    outsider.department_id = ours.id
    headers = token_for(session, outsider)
    shown = client.get(f"/api/v1/surveys/{demo_survey.slug}", headers=headers).get_json()
    assert "responses" not in shown  # the public's view: no counts of another department
    url = f"/api/v1/surveys/{demo_survey.slug}/responses"
    assert client.get(url, headers=headers).status_code == 404
    assert demo_survey.slug not in str(client.get("/api/v1/surveys", headers=headers).get_json())


def test_consultations_through_the_api(app, client, session, staff, department, make_consultation):
    from survey.consultations import lifecycle, opinions
    from survey.consultations.opinions import Draft, Sender
    from survey.review.models import ReviewRequest

    consultation = make_consultation()
    draft = make_consultation(open_now=False, title="待开始的征求意见稿")
    consultation.department_id = draft.department_id = department
    opinions.submit(
        session, consultation, Draft(body="建议补贴标准提高", name="张三", contact="13812345678"),
        Sender(origin="o", device="d"), opinions.new_receipt(session), utcnow(), app.secret_key,
    )  # fmt: skip
    session.commit()
    reader = token_for(session, staff["author"])
    url = f"/api/v1/consultations/{consultation.slug}/opinions"
    assert client.get(url).status_code == 401
    listed = client.get(url, headers=reader).get_json()
    assert [o["body"] for o in listed["items"]] == ["建议补贴标准提高"] and listed["next"] is None
    assert "13812345678" not in str(listed)  # contacts never leave the workspace
    writer = token_for(session, staff["author"], "write")
    opened = client.post(f"/api/v1/consultations/{draft.slug}/open", headers=writer)
    assert opened.status_code == 202 and opened.get_json()["waiting_for"] == "初审"
    lifecycle.close_consultation(session, consultation, None, utcnow())
    session.commit()
    publisher = token_for(session, staff["author"], "publish")
    refused = client.post(
        f"/api/v1/consultations/{consultation.slug}/feedback", json={}, headers=publisher
    )
    assert refused.status_code == 409 and "没有处理结果" in refused.get_json()["detail"]
    assert [r.action for r in session.scalars(select(ReviewRequest))] == ["consultation.open"]


def test_opinions_received_offline_are_entered_through_the_api(
    app, client, session, staff, department, make_consultation
):
    from survey.core.audit import AuditEvent

    consultation = make_consultation()
    consultation.department_id = department
    session.commit()
    url = f"/api/v1/consultations/{consultation.slug}/opinions"
    letter = {
        "body": "建议第三条增加申报指引", "name": "某某商会", "contact": "0535-1234567",
        "part": "第三条", "channel": "letter", "received_at": "2026-11-30T02:00:00Z",
    }  # fmt: skip
    reader = token_for(session, staff["author"])
    assert client.post(url, json=letter, headers=reader).status_code == 403  # a read scope
    writer = token_for(session, staff["author"], "write")
    entered = client.post(url, json=letter, headers=writer)
    assert entered.status_code == 201, entered.get_json()
    shown = entered.get_json()
    assert (shown["part"], shown["channel"], shown["screening"]) == ("第三条", "letter", "approved")
    assert shown["received_at"].startswith("2026-11-30T02:00:00")
    assert "0535-1234567" not in str(client.get(url, headers=reader).get_json())
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "opinion.enter"))
    assert ["API svy_" in e.address for e in events] == [True]
    unknown = client.post(url, json={**letter, "part": "第九十九条"}, headers=writer)
    assert unknown.status_code == 422 and "第九十九条" in unknown.get_json()["detail"]
