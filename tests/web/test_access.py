"""Every /admin URL checks login and permission on every request: walked for every role, and
for staff of another department than the item's."""

from __future__ import annotations

import time

import pytest
from flask import Flask

from survey.accounts.roles import Role
from survey.accounts.services import create_user
from survey.config import office_zone
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.web.access import REQUIRED_PERMISSION
from tests.conftest import PASSWORD

STAFF_BLUEPRINTS = ("surveys_admin.", "accounts_admin.", "consultations_admin.", "review_admin.",
                    "webhooks_admin.")  # fmt: skip
# The permission each staff endpoint needs. A new staff view must be added here, or the
# completeness test below fails.
REQUIRED = {
    "surveys_admin.dashboard": Permission.VIEW,
    "surveys_admin.survey_overview": Permission.VIEW,
    "surveys_admin.preview": Permission.VIEW,
    "surveys_admin.cross_tabulation": Permission.VIEW,
    "surveys_admin.responses": Permission.VIEW,
    "surveys_admin.typed_answers": Permission.VIEW,
    "surveys_admin.response_detail": Permission.VIEW,
    "surveys_admin.qr_code": Permission.VIEW,
    "surveys_admin.poster": Permission.VIEW,
    "surveys_admin.invitation_list": Permission.VIEW,
    "surveys_admin.invalidate_response": Permission.INVALIDATE,
    "surveys_admin.invalidate_flagged": Permission.INVALIDATE,
    "surveys_admin.reveal_response": Permission.REVEAL_PERSONAL,
    "surveys_admin.restore_response": Permission.INVALIDATE,
    "surveys_admin.publish": Permission.PUBLISH,
    "surveys_admin.withdraw_results": Permission.PUBLISH,
    "surveys_admin.export_results": Permission.EXPORT,
    "surveys_admin.export_open_data": Permission.EXPORT,
    "surveys_admin.export_responses": Permission.EXPORT,
    "surveys_admin.export_invitations": Permission.EXPORT,
    "surveys_admin.new_survey": Permission.DESIGN,
    "surveys_admin.import_survey": Permission.DESIGN,
    "surveys_admin.designer": Permission.DESIGN,
    "surveys_admin.save_settings": Permission.DESIGN,
    "surveys_admin.new_question": Permission.DESIGN,
    "surveys_admin.save_question": Permission.DESIGN,
    "surveys_admin.move": Permission.DESIGN,
    "surveys_admin.duplicate": Permission.DESIGN,
    "surveys_admin.reorder": Permission.DESIGN,
    "surveys_admin.undo": Permission.DESIGN,
    "surveys_admin.question_editor": Permission.DESIGN,
    "surveys_admin.question_card": Permission.DESIGN,
    "surveys_admin.remove_question": Permission.DESIGN,
    "surveys_admin.open_survey": Permission.RUN,
    "surveys_admin.close_survey": Permission.RUN,
    "surveys_admin.archive_survey": Permission.RUN,
    "surveys_admin.delete_responses": Permission.RUN,
    "surveys_admin.copy": Permission.RUN,
    "surveys_admin.delete_survey": Permission.RUN,
    "surveys_admin.move_department": Permission.ALL_DEPARTMENTS,
    "consultations_admin.move_department": Permission.ALL_DEPARTMENTS,
    "surveys_admin.upload_invitations": Permission.INVITE,
    "surveys_admin.require_invitation": Permission.INVITE,
    "surveys_admin.invitation_template": Permission.INVITE,
    "surveys_admin.quota_page": Permission.RUN,
    "surveys_admin.save_cap": Permission.RUN,
    "surveys_admin.save_time_rules": Permission.RUN,
    "surveys_admin.save_consent": Permission.RUN,
    "surveys_admin.save_duplicates": Permission.RUN,
    "surveys_admin.remove_quota": Permission.RUN,
    "webhooks_admin.item_endpoints": Permission.EXPORT,
    "webhooks_admin.endpoint_page": Permission.EXPORT,
    "webhooks_admin.test_endpoint": Permission.EXPORT,
    "webhooks_admin.pause_endpoint": Permission.EXPORT,
    "webhooks_admin.reveal_secret": Permission.EXPORT,
    "webhooks_admin.rotate_secret": Permission.EXPORT,
    "webhooks_admin.delete_endpoint": Permission.EXPORT,
    "webhooks_admin.retry_message": Permission.EXPORT,
    "accounts_admin.users": Permission.MANAGE_ACCOUNTS,
    "accounts_admin.add_user": Permission.MANAGE_ACCOUNTS,
    "accounts_admin.edit_user": Permission.MANAGE_ACCOUNTS,
    "accounts_admin.audit_log": Permission.READ_AUDIT,
    "accounts_admin.departments": Permission.MANAGE_ACCOUNTS,
    "accounts_admin.api_tokens": Permission.VIEW,
    "accounts_admin.revoke_token": Permission.VIEW,
    "review_admin.inbox": Permission.VIEW,
    "review_admin.detail": Permission.VIEW,
    "review_admin.preview": Permission.VIEW,
    "review_admin.cancel": Permission.VIEW,
    "review_admin.approve": Permission.REVIEW,
    "review_admin.send_back": Permission.REVIEW,
    "review_admin.post_check": Permission.REVIEW,
    "review_admin.chain": Permission.MANAGE_ACCOUNTS,
    "consultations_admin.consultations": Permission.VIEW,
    "consultations_admin.overview": Permission.VIEW,
    "consultations_admin.opinion_queue": Permission.VIEW,
    "consultations_admin.new_consultation": Permission.DESIGN,
    "consultations_admin.save_settings": Permission.DESIGN,
    "consultations_admin.revise": Permission.DESIGN,
    "consultations_admin.open_consultation": Permission.RUN,
    "consultations_admin.close_consultation": Permission.RUN,
    "consultations_admin.batch": Permission.HANDLE_OPINIONS,
    "consultations_admin.enter_opinion": Permission.HANDLE_OPINIONS,
    "consultations_admin.opinion_detail": Permission.HANDLE_OPINIONS,
    "consultations_admin.publish": Permission.PUBLISH,
    "consultations_admin.withdraw_feedback": Permission.PUBLISH,
    "consultations_admin.export_feedback": Permission.EXPORT,
}
# What each role may do: a viewer sees, an editor runs surveys and reviews colleagues' items, a
# reviewer reviews, an approver also signs the last step, an admin also manages accounts.
VIEWER = {Permission.VIEW}
EDITOR = VIEWER | {Permission.DESIGN, Permission.RUN, Permission.INVITE, Permission.INVALIDATE,
                   Permission.EXPORT, Permission.PUBLISH, Permission.HANDLE_OPINIONS,
                   Permission.REVIEW}  # fmt: skip
REVIEWER = VIEWER | {Permission.REVIEW}
ALLOWED = {None: set(), "viewer": VIEWER, "editor": EDITOR, "reviewer": REVIEWER,
           "approver": REVIEWER | {Permission.APPROVE}, "admin": set(Permission)}  # fmt: skip
# The staff pages of one item (a survey, a question, a response, a consultation, an opinion, a
# review request), which staff of another department may not open.
ITEM_ARGUMENTS = {"survey_id", "question_id", "response_id", "consultation_id", "opinion_id",
                  "request_id", "subject_id"}  # fmt: skip


def staff_requests(app: Flask, survey_id: int, question_id: int, user_id: int,
                   consultation_id: int, request_id: int = 1,
                   items_only: bool = False):  # fmt: skip
    """(method, url, endpoint) for every staff route, with real ids filled in (``items_only``:
    the pages of one item)."""
    values = {"survey_id": survey_id, "question_id": question_id, "user_id": user_id,
              "fmt": "csv", "response_id": 1, "consultation_id": consultation_id,
              "opinion_id": 1, "request_id": request_id, "token_id": 1, "quota_id": 1,
              "kind_name": "survey", "subject_id": survey_id, "endpoint_id": 1,
              "message_id": 1}  # fmt: skip
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(STAFF_BLUEPRINTS):
            continue
        if items_only and not rule.arguments & ITEM_ARGUMENTS:
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url, rule.endpoint


def test_every_staff_endpoint_has_a_declared_permission(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    staff = {endpoint for endpoint in endpoints if endpoint.startswith(STAFF_BLUEPRINTS)}
    assert staff == set(REQUIRED)
    for endpoint in staff:
        assert getattr(app.view_functions[endpoint], REQUIRED_PERMISSION) == REQUIRED[endpoint]


@pytest.mark.parametrize("role", [None, "viewer", "editor", "reviewer", "approver", "admin"])
def test_role_matrix(app, client, make_survey, make_consultation, make_user, login, role):
    survey = make_survey([{"type": "text", "title": "意见"}])
    consultation = make_consultation()
    other = make_user("viewer", "someone")
    user = login(role) if role else None
    app.config["WTF_CSRF_ENABLED"] = False  # refusals must come from the permission check alone
    ids = (survey.id, survey.questions[0].id, other.id, consultation.id)
    for method, url, endpoint in staff_requests(app, *ids):
        response = client.open(url, method=method)
        response.close()  # a streamed export gives its database connection back
        if role is None:
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/admin/login?next="), url
        elif REQUIRED[endpoint] not in ALLOWED[role]:
            assert response.status_code == 403, (role, method, url)
        else:
            assert response.status_code not in (302, 401, 403) or response.headers.get(
                "Location", ""
            ).startswith("/admin/"), (role, method, url, response.status_code)
            assert not response.headers.get("Location", "").startswith("/admin/login")
    assert user is None or user.role == role


@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer", "approver"])
def test_staff_act_on_their_own_department_only(
    app, client, session, make_survey, make_consultation, login, role
):
    from survey.accounts.models import Department
    from survey.review import services
    from survey.review.kinds import Moment
    from survey.surveys import publication, reviewables

    ours, theirs = Department(name="外贸科"), Department(name="内贸科")
    session.add_all([ours, theirs])
    session.flush()
    survey = make_survey([{"type": "single", "title": "性质", "options": ["国企", "民企"]}])
    consultation = make_consultation()
    survey.department_id = consultation.department_id = theirs.id
    author = create_user(session, "zhou", PASSWORD, Role.EDITOR)
    author.department_id = theirs.id
    request = services.submit(
        session, reviewables.PUBLISH, survey, author, publication.resolve(session, survey),
        Moment(utcnow(), office_zone()),
    )  # fmt: skip
    user = login(role)
    user.department_id = ours.id
    session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    ids = (survey.id, survey.questions[0].id, user.id, consultation.id, request.id)
    for method, url, _endpoint in staff_requests(app, *ids, items_only=True):
        response = client.open(url, method=method)
        response.close()
        assert response.status_code in (403, 404), (role, method, url, response.status_code)
    for listing in ("/admin/", "/admin/consultations/", "/admin/review/"):
        page = client.get(listing).get_data(as_text=True)
        assert survey.title not in page and consultation.title not in page, listing
    user.department_id = theirs.id
    session.commit()
    assert client.get(f"/admin/surveys/{survey.id}").status_code == 200
    assert survey.title in client.get("/admin/").get_data(as_text=True)


def test_a_refused_staff_page_says_so(client, login, demo_survey):
    login("viewer")
    refused = client.get(f"/admin/surveys/{demo_survey.id}/edit")
    assert refused.status_code == 403 and "您没有权限打开这个页面" in refused.get_data(as_text=True)


def test_deactivated_account_loses_access_at_once(client, session, login):
    user = login("admin")
    assert client.get("/admin/").status_code == 200
    user.is_active = False
    session.commit()
    assert client.get("/admin/").status_code == 302


def test_login_form_refuses_wrong_password_and_logs_the_attempt(client, session, make_user):
    from sqlalchemy import select

    from survey.core.audit import AuditEvent
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
    # The limit counts in fixed one-minute windows: start well inside one, so that the eleven
    # attempts fall in the same window.
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60)
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


def test_an_admin_gives_an_item_to_a_department(client, session, make_survey, make_user, login):
    from sqlalchemy import select

    from survey.accounts.models import Department
    from survey.core.audit import AuditEvent
    from tests.conftest import csrf_of

    unit = Department(name="外贸科")
    session.add(unit)
    editor = make_user("editor", "zhang")
    editor.department_id = unit.id
    survey = make_survey([{"type": "text", "title": "建议"}])
    session.commit()
    login("admin")
    overview = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "所属科室" in overview
    client.post(
        f"/admin/surveys/{survey.id}/department",
        data={"csrf_token": csrf_of(client, "/admin/"), "department": str(unit.id)},
    )
    session.expire_all()
    assert survey.department_id == unit.id
    listing = client.get("/admin/").get_data(as_text=True)
    assert "外贸科" in listing  # the admin's list names each item's department
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "item.department")).one()
    assert event.detail == {"subject": survey.title, "changes": {"department": ["", "外贸科"]}}
