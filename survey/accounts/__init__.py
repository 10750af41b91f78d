"""Staff accounts: who may log in, their roles and what those roles permit."""

from survey.accounts.roles import ROLE_NAMES
from survey.core import audit
from survey.core.audit import Field, counted, named
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
audit.register_fields(
    {
        "role": Field(_l("角色"), named(ROLE_NAMES)),
        "department": Field(_l("科室"), named({"": _l("不属任何科室")})),
        "is_active": Field(_l("状态"), named({True: _l("启用"), False: _l("停用")})),
        "password": Field(_l("密码"), named({"changed": _l("已重设")})),
    },
    scope=["user", "department"],
)
audit.register_fields(
    {"department": Field(_l("所属科室"), named({"": _l("全局（不属科室）")}))},
    scope="item.department",
)
audit.register_fields(
    {
        "scope": _l("权限范围"),
        "token": _l("令牌开头"),
        "days": Field(_l("有效期"), counted(_l("%(n)s 天"), _l("不过期"))),
    },
    scope="token",
)
