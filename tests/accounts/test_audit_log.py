"""The audit log page reads in words: a sentence per action, and each changed field as
"字段：before → after" with values as staff know them, for rows of today's shape and older."""

from __future__ import annotations

from datetime import datetime

from survey.core.audit import AuditEvent
from tests.conftest import csrf_of
from tests.helpers import plain


def post(client, url: str, data: dict) -> None:
    response = client.post(url, data={"csrf_token": csrf_of(client, "/admin/"), **data})
    assert response.status_code == 302


def log_text(client) -> str:
    return plain(client.get("/admin/audit").get_data(as_text=True))


def test_changes_read_as_before_and_after(client, session, login, make_survey, make_user):
    login("admin")
    survey = make_survey([{"type": "text", "title": "建议"}], title="外贸企业调查问卷")
    zhao = make_user("editor", "zhao")
    session.commit()
    base = f"/admin/surveys/{survey.id}"
    post(client, f"{base}/quotas/cap", {"cap": "100"})
    post(client, f"{base}/invitations/required", {"required": "y"})
    post(client, f"{base}/quotas/times", {"time_limit": "30", "daily_from": "08:00",
                                          "daily_until": "17:30"})  # fmt: skip
    post(client, f"/admin/users/{zhao.id}", {"role": "reviewer", "department": "0",
                                             "is_active": "y"})  # fmt: skip
    log = log_text(client)
    assert "《外贸企业调查问卷》设置回收上限" in log
    assert "回收上限：不设上限 → 100 份" in log
    assert "《外贸企业调查问卷》设置仅限受邀企业填写" in log
    assert "仅限受邀企业填写：否 → 是" in log
    assert "答题时长限制：不限时长 → 30 分钟" in log and "答题时段：全天 → 08:00–17:30" in log
    assert "修改账号：zhao" in log and "角色：编辑 → 审核员" in log
    assert "cap" not in log and "required" not in log and "True" not in log

    client.get("/lang/en")
    english = log_text(client)
    assert "Response cap: no cap → 100 responses" in english
    assert "Role: Editor → Reviewer" in english


def test_rows_of_the_older_shapes_read_too(client, session, login, make_survey):
    login("admin")
    survey = make_survey([{"type": "text", "title": "建议"}], title="外贸企业调查问卷")
    at = datetime(2024, 5, 1, 2, 0)
    old_rows = [
        ("question.edit", {"subject": survey.title, "question": "q2",
                           "title": ["新的单选题", "企业性质"], "personal": True}),
        ("question.add", {"subject": survey.title, "question": "q3", "type": "matrix_scale"}),
        ("responses.export", {"subject": survey.title, "format": "csv", "coding": "text"}),
        ("survey.edit", {"subject": survey.title, "closes_at": "2024-05-31 16:00:00"}),
        ("item.department", {"subject": survey.title, "department": "外贸科"}),
    ]  # fmt: skip
    for action, detail in old_rows:
        session.add(AuditEvent(at=at, username="li", action=action, survey_id=survey.id,
                               detail=detail, address="10.0.0.8"))  # fmt: skip
    session.commit()
    log = log_text(client)
    assert "《外贸企业调查问卷》修改题目" in log
    assert "标题：新的单选题 → 企业性质" in log and "个人信息：是" in log
    assert "题型：矩阵量表题" in log
    assert "格式：CSV" in log and "选项写法：选项文字" in log
    # Moments in office time (Asia/Shanghai), not the UTC they are kept in.
    assert "截止时间：2024-06-01 00:00" in log
    assert "所属科室：外贸科" in log
    for raw in ("matrix_scale", "coding", "['新的单选题'", "True", "closes_at"):
        assert raw not in log
