"""Accounts and the audit log through the test client, as an admin works them."""

from __future__ import annotations

from sqlalchemy import select

from survey.accounts.models import User
from survey.core.audit import AuditEvent
from tests.conftest import csrf_of
from tests.helpers import plain


def post(client, url: str, data: dict | None = None, page: str = "/admin/"):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **(data or {})})


def flashes(client, url: str) -> str:
    return plain(client.get(url).get_data(as_text=True))


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
