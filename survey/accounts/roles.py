"""Roles as sets of permissions. A new role (a reviewer who may approve but not administer, say)
is one more entry here."""

from __future__ import annotations

import enum

from survey.core.i18n import _l
from survey.core.permissions import Permission


class Role(enum.StrEnum):
    VIEWER = "viewer"  # sees results
    EDITOR = "editor"  # designs, runs, submits and exports surveys and consultations
    REVIEWER = "reviewer"  # signs review steps (初审, 复审) and 复查 what went public
    APPROVER = "approver"  # also signs the last step (终审, 签发)
    ADMIN = "admin"  # all of it, and manages accounts and reads the audit log


_VIEWER = frozenset({Permission.VIEW})
_EDITOR = _VIEWER | {
    Permission.DESIGN,
    Permission.RUN,
    Permission.INVITE,
    Permission.INVALIDATE,
    Permission.EXPORT,
    Permission.PUBLISH,
    Permission.HANDLE_OPINIONS,
    Permission.REVIEW,
}
_REVIEWER = _VIEWER | {Permission.REVIEW}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.EDITOR: _EDITOR,
    Role.REVIEWER: _REVIEWER,
    Role.APPROVER: _REVIEWER | {Permission.APPROVE},
    Role.ADMIN: frozenset(Permission),
}

ROLE_NAMES = {
    Role.ADMIN: _l("管理员"),
    Role.APPROVER: _l("签发人"),
    Role.REVIEWER: _l("审核员"),
    Role.EDITOR: _l("编辑"),
    Role.VIEWER: _l("查看"),
}
ROLE_DESCRIPTIONS = {
    Role.ADMIN: _l("管理账号、科室与审核流程，处理全部科室的事项，查看操作日志与个人信息"),
    Role.APPROVER: _l("审核并签发（终审）本科室送审的事项，发布后复查"),
    Role.REVIEWER: _l("审核（初审、复审）本科室送审的事项，发布后复查"),
    Role.EDITOR: _l("设计问卷与意见征集、处理意见、送审开始收集与发布结果、导出，审核同事的事项"),
    Role.VIEWER: _l("只看结果"),
}


def grants(role: str) -> frozenset[Permission]:
    """The permissions of a stored role name (none for a name no longer known)."""
    try:
        return GRANTS[Role(role)]
    except ValueError:
        return frozenset()
