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
