"""Accounts and the audit log through the test client, as an admin works them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from survey.accounts.models import StaffSession, User
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from tests.conftest import PASSWORD, csrf_of
from tests.helpers import flashes, plain


def post(client, url: str, data: dict | None = None, page: str = "/admin/"):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **(data or {})})


def test_admin_manages_accounts(client, session, login):
    login("admin")
    post(
        client, "/admin/users", {"username": "zhao", "password": "long enough pw", "role": "viewer"}
    )
    assert "账号已创建" in flashes(client, "/admin/users")
    refused = post(
        client, "/admin/users", {"username": "qian", "password": "short", "role": "viewer"}
    )
    # Refused with the reason, and the form keeps the name typed.
    assert refused.status_code == 422 and "密码至少 10 位" in plain(refused.get_data(as_text=True))
    assert 'value="qian"' in refused.get_data(as_text=True)
    zhao = session.scalars(select(User).where(User.username == "zhao")).one()
    post(client, f"/admin/users/{zhao.id}", {"role": "editor", "active_field": "1"})
    session.expire_all()
    zhao = session.get(User, zhao.id)
    assert zhao.role == "editor" and not zhao.is_active  # the unticked box deactivates


def test_admin_cannot_lock_themselves_out(client, session, login):
    admin = login("admin")
    post(
        client,
        f"/admin/users/{admin.id}",
        {"role": "viewer", "active_field": "1", "is_active": "on"},
    )
    assert "不能降低或停用自己的管理员账号" in flashes(client, "/admin/users")


def test_audit_log_records_and_filters(client, session, login, demo_survey, make_survey):
    admin = login("admin")
    other = make_survey([{"type": "text", "title": "意见"}], title="另一份问卷", status="draft")
    overview = f"/admin/surveys/{demo_survey.id}"
    post(client, f"{overview}/lifecycle/close")
    post(client, f"/admin/surveys/{other.id}/questions", {"type": "single"})
    log = flashes(client, "/admin/audit")
    assert "结束收集" in log and "添加题目" in log and "登录" in log
    only_demo = flashes(client, f"/admin/audit?subject=survey_id:{demo_survey.id}")
    assert "结束收集" in only_demo and "添加题目" not in only_demo
    mine = flashes(client, f"/admin/audit?user={admin.id}")
    assert "结束收集" in mine
    events = session.scalars(select(AuditEvent).where(AuditEvent.user_id == admin.id)).all()
    assert {e.action for e in events} >= {"auth.login", "survey.close", "question.add"}


def copy_of_session(app, client):
    """A second browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_logging_out_ends_the_session_for_every_copy_of_its_cookie(app, client, login):
    login("editor")
    thief = copy_of_session(app, client)
    assert logged_in(thief)
    post(client, "/admin/logout")
    assert not logged_in(client) and not logged_in(thief)


def test_the_staff_cookie_is_not_sent_from_other_sites(client, make_user):
    user = make_user("editor")
    response = client.post(
        "/admin/login",
        data={"csrf_token": csrf_of(client), "username": user.username, "password": PASSWORD},
    )
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_a_new_password_or_deactivation_logs_the_account_out_everywhere(
    app, client, login, make_user
):
    staff = login("editor")
    make_user("admin", "chief")
    admin = app.test_client()
    admin.post(
        "/admin/login",
        data={"csrf_token": csrf_of(admin), "username": "chief", "password": PASSWORD},
    )
    changes = {"role": "editor", "is_active": "on", "active_field": "1", "password": "a new pw 1"}
    post(admin, f"/admin/users/{staff.id}", changes)
    assert not logged_in(client)
    assert logged_in(admin)


def test_a_staff_session_ends_after_its_hours(client, session, login):
    login("editor")
    assert logged_in(client)
    session.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert not logged_in(client)
