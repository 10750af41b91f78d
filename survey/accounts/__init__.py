"""Staff accounts: who may log in, their roles and what those roles permit."""

from survey.core import audit
from survey.core.i18n import _l

audit.register_actions(
    {
        "user.create": _l("创建账号"),
        "user.edit": _l("修改账号"),
        "department.create": _l("新建科室"),
        "item.department": _l("调整所属科室"),
        "token.create": _l("创建 API 令牌"),
        "token.revoke": _l("吊销 API 令牌"),
    }
)
