"""The forms of staff accounts (Flask-WTF): logging in, creating an account, changing one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from survey.accounts.roles import ROLE_NAMES, Role
from survey.core.i18n import _l

USERNAME_MAX_LENGTH = 64
PASSWORD_MAX_LENGTH = 200
ROLE_CHOICES = [SelectChoice(role.value, ROLE_NAMES[role]) for role in Role]


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[InputRequired(_l("请填写用户名"))])
    password = PasswordField(_l("密码"), validators=[InputRequired(_l("请填写密码"))])

    def credentials(self) -> tuple[str, str]:
        """What was typed, cut to the longest a real account has."""
        return (
            (self.username.data or "")[:USERNAME_MAX_LENGTH],
            (self.password.data or "")[:PASSWORD_MAX_LENGTH],
        )


class NewAccountForm(FlaskForm):
    username = StringField(
        _l("用户名"),
        validators=[InputRequired(_l("请填写用户名")), Length(max=USERNAME_MAX_LENGTH)],
    )
    display_name = StringField(_l("姓名"), validators=[Length(max=100)])
    role = SelectField(_l("角色"), choices=ROLE_CHOICES, default=Role.EDITOR.value)
    department = SelectField(_l("科室"), coerce=int, default=0)
    password = PasswordField(_l("初始密码（至少 10 位）"))


class AccountForm(FlaskForm):
    """One account's role, whether it may log in, and a new password (blank: unchanged)."""

    role = SelectField(_l("角色"), choices=ROLE_CHOICES)
    department = SelectField(_l("科室"), coerce=int, default=0)
    is_active = BooleanField(_l("启用"))
    password = PasswordField(_l("新密码"))


class DepartmentForm(FlaskForm):
    name = StringField(
        _l("科室名称"), validators=[InputRequired(_l("请填写科室名称")), Length(max=60)]
    )


def department_choices(departments: list[tuple[int, str]]) -> list[SelectChoice]:
    """The choices of a department field: none (the office as a whole), then each."""
    return [
        SelectChoice(0, _l("不属于科室（全局）")),
        *(SelectChoice(id, name) for id, name in departments),
    ]


class TokenForm(FlaskForm):
    name = StringField(
        _l("用途（例如：门户网站读取结果）"),
        validators=[InputRequired(_l("请写明用途")), Length(max=100)],
    )
    scope = SelectField(
        _l("权限范围"),
        choices=[
            SelectChoice("read", _l("只读：列表、问卷、答卷、结果、已发布版本")),
            SelectChoice("write", _l("读写：另可创建问卷、开始与结束收集（经审核）")),
            SelectChoice("publish", _l("发布：另可发布与撤回结果（经审核）")),
        ],
        default="read",
    )
    days = IntegerField(
        _l("有效天数（留空为长期）"),
        validators=[Optional(), NumberRange(1, 3650, message=_l("有效期应在 1 到 3650 天之间"))],
    )
