"""Roles as sets of permissions. A new role (a reviewer who may approve but not administer, say)
is one more entry here."""

from __future__ import annotations

import enum

from survey.core.i18n import _l
from survey.core.permissions import Permission


class Role(enum.StrEnum):
    VIEWER = "viewer"  # sees results
    EDITOR = "editor"  # designs, runs, publishes and exports surveys and consultations
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
}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.EDITOR: _EDITOR,
    Role.ADMIN: frozenset(Permission),
}

ROLE_NAMES = {Role.ADMIN: _l("管理员"), Role.EDITOR: _l("编辑"), Role.VIEWER: _l("查看")}
ROLE_DESCRIPTIONS = {
    Role.ADMIN: _l("管理账号与全部问卷，查看操作日志"),
    Role.EDITOR: _l("设计问卷与意见征集、开始/结束收集、处理意见、发布与导出结果"),
    Role.VIEWER: _l("只看结果"),
}


def grants(role: str) -> frozenset[Permission]:
    """The permissions of a stored role name (none for a name no longer known)."""
    try:
        return GRANTS[Role(role)]
    except ValueError:
        return frozenset()
