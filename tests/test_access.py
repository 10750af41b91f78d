"""Every /admin URL checks login and role on every request: walked for every role."""

from __future__ import annotations

import pytest
from flask import Flask

from survey.models import Role
from tests.conftest import PASSWORD

# The least role each admin endpoint needs. A new admin view must be added here, or the
# completeness test below fails.
REQUIRED = {
    "admin.dashboard": Role.VIEWER,
    "admin.survey_overview": Role.VIEWER,
    "admin.preview": Role.VIEWER,
    "admin.cross_tabulation": Role.VIEWER,
    "admin.responses": Role.VIEWER,
    "admin.typed_answers": Role.VIEWER,
    "admin.response_detail": Role.VIEWER,
    "admin.review_response": Role.EDITOR,
    "admin.publish": Role.EDITOR,
    "admin.export_results": Role.EDITOR,
    "admin.export_open_data": Role.EDITOR,
    "admin.new_survey": Role.EDITOR,
    "admin.import_survey": Role.EDITOR,
    "admin.designer": Role.EDITOR,
    "admin.save_settings": Role.EDITOR,
    "admin.new_question": Role.EDITOR,
    "admin.save_question": Role.EDITOR,
    "admin.move": Role.EDITOR,
    "admin.duplicate": Role.EDITOR,
    "admin.remove_question": Role.EDITOR,
    "admin.transition": Role.EDITOR,
    "admin.copy": Role.EDITOR,
    "admin.delete_survey": Role.EDITOR,
    "admin.export_responses": Role.EDITOR,
    "admin.qr_code": Role.VIEWER,
    "admin.invitation_list": Role.VIEWER,
    "admin.upload_invitations": Role.EDITOR,
    "admin.require_invitation": Role.EDITOR,
    "admin.export_invitations": Role.EDITOR,
    "admin.users": Role.ADMIN,
    "admin.add_user": Role.ADMIN,
    "admin.edit_user": Role.ADMIN,
    "admin.audit_log": Role.ADMIN,
}


def admin_requests(app: Flask, survey_id: int, question_id: int, user_id: int):
    """(method, url, endpoint) for every admin route, with real ids filled in."""
    values = {"survey_id": survey_id, "question_id": question_id, "user_id": user_id,
              "action": "close", "fmt": "csv", "response_id": 1}  # fmt: skip
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url, rule.endpoint


def test_every_admin_endpoint_has_a_declared_role(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert endpoints == set(REQUIRED)
    for endpoint in endpoints:
        assert app.view_functions[endpoint].required_role == REQUIRED[endpoint]


@pytest.mark.parametrize("role", [None, "viewer", "editor", "admin"])
def test_role_matrix(app, client, make_survey, make_user, login, role):
    survey = make_survey([{"type": "text", "title": "意见"}])
    other = make_user("viewer", "someone")
    user = login(role) if role else None
    app.config["WTF_CSRF_ENABLED"] = False  # refusals must come from the role check alone
    allowed_roles = {None: -1, "viewer": 0, "editor": 1, "admin": 2}
    for method, url, endpoint in admin_requests(app, survey.id, survey.questions[0].id, other.id):
        response = client.open(url, method=method)
        if role is None:
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/admin/login?next="), url
        elif REQUIRED[endpoint].rank > allowed_roles[role]:
            assert response.status_code == 403, (role, method, url)
        else:
            assert response.status_code not in (302, 401, 403) or response.headers.get(
                "Location", ""
            ).startswith("/admin/"), (role, method, url, response.status_code)
            assert not response.headers.get("Location", "").startswith("/admin/login")
    assert user is None or user.role == role


def test_deactivated_account_loses_access_at_once(client, session, login):
    user = login("admin")
    assert client.get("/admin/").status_code == 200
    user.is_active = False
    session.commit()
    assert client.get("/admin/").status_code == 302


def test_login_form_refuses_wrong_password_and_logs_the_attempt(client, session, make_user):
    from sqlalchemy import select

    from survey.models import AuditEvent
    from tests.conftest import csrf_of

    make_user("editor", "zhang")
    response = client.post(
        "/admin/login",
        data={"csrf_token": csrf_of(client), "username": "zhang", "password": "wrong password"},
    )
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "auth.login_failed" in actions


def test_login_attempts_are_rate_limited(app, client, make_user):
    from tests.conftest import csrf_of

    make_user("editor", "li")
    token = csrf_of(client)
    codes = [
        client.post(
            "/admin/login", data={"csrf_token": token, "username": "li", "password": "guess"}
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [401] * 10 and codes[10] == 429


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/x", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
    ],
)
def test_next_never_leaves_the_site(client, make_user, target, lands):
    from tests.conftest import csrf_of

    make_user("admin", "wang")
    response = client.post(
        "/admin/login",
        query_string={"next": target},
        data={"csrf_token": csrf_of(client), "username": "wang", "password": PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"] == lands
