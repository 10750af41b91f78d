"""The audit log: one row per staff action, added to the session of the change it records."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from survey.models import AuditEvent, Survey, User, utcnow

# Actions and how the log page names them.
ACTIONS = {
    "auth.login": _l("登录"),
    "auth.login_failed": _l("登录失败"),
    "auth.logout": _l("退出"),
    "survey.create": _l("创建问卷"),
    "survey.import": _l("导入问卷"),
    "survey.copy": _l("复制问卷"),
    "survey.edit": _l("修改问卷设置"),
    "question.add": _l("添加题目"),
    "question.edit": _l("修改题目"),
    "question.logic": _l("修改显示条件与跳转"),
    "question.move": _l("调整题目顺序"),
    "question.duplicate": _l("复制题目"),
    "question.delete": _l("删除题目"),
    "option.retire": _l("停用选项"),
    "survey.open": _l("开始收集"),
    "survey.schedule": _l("定时开始收集"),
    "survey.close": _l("结束收集"),
    "survey.publish": _l("发布结果"),
    "survey.unpublish": _l("撤回结果"),
    "survey.archive": _l("归档问卷"),
    "survey.delete": _l("删除草稿"),
    "responses.delete": _l("删除全部答卷"),
    "results.export": _l("导出结果"),
    "responses.export": _l("导出答卷"),
    "response.invalidate": _l("作废答卷"),
    "response.restore": _l("恢复答卷"),
    "invitations.import": _l("导入邀请名单"),
    "invitations.export": _l("导出邀请链接"),
    "invitations.require": _l("设置仅限受邀企业填写"),
    "user.create": _l("创建账号"),
    "user.edit": _l("修改账号"),
}


# The name the log gives to changes made from the shell, where nobody is logged in.
SHELL = "命令行"


def record(
    session: Session,
    actor: User | None,
    action: str,
    survey: Survey | None = None,
    *,
    by: str = SHELL,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event for ``action`` (a key of ``ACTIONS``); the caller commits.
    ``by`` names who acted when there is no ``actor`` (the shell, or a failed login's name)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    event = AuditEvent(
        at=utcnow(),
        user_id=actor.id if actor else None,
        username=actor.username if actor else by,
        action=action,
        survey_id=survey.id if survey else None,
        detail={"survey": survey.title, **detail} if survey else detail,
        address=(request.remote_addr or "") if has_request_context() else "cli",
    )
    session.add(event)
    return event
