"""Staff accounts: creation, password checks, role changes. Passwords are stored hashed only."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from survey.accounts import sessions
from survey.accounts.models import Department, Owned, User
from survey.accounts.roles import Role
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow

MIN_PASSWORD_LENGTH = 10
# Checked against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(Refusal):
    """A request about an account that cannot be carried out; the message says why."""


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("密码至少 %(n)s 位", n=MIN_PASSWORD_LENGTH))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    actor: User | None = None,
    display_name: str = "",
    department: Department | None = None,
) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError(_("用户名应为 1 到 64 个字符"))
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AccountError(_("用户名 %(name)s 已存在", name=username))
    check_password_rules(password)
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password),
        role=role,
        department_id=department.id if department else None,
    )
    session.add(user)
    session.flush()
    placed: dict[str, Any] = {"department": department.name} if department else {}
    audit.record(session, actor, "user.create", None, target=username, role=str(role), **placed)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account with this username and password, or None."""
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def update_user(
    session: Session,
    user: User,
    actor: User,
    *,
    role: Role | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    department: Department | bool | None = False,
) -> None:
    """Change an account (``department``: the new one, None for none, False to keep it); an
    admin cannot demote or deactivate themselves (nobody would be left)."""
    changes: dict[str, list[Any]] = {}
    if user.id == actor.id and (role not in (None, Role.ADMIN) or is_active is False):
        raise AccountError(_("不能降低或停用自己的管理员账号"))
    if role is not None and role != user.role:
        changes["role"] = [user.role, str(role)]
        user.role = role
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = [user.is_active, is_active]
        user.is_active = is_active
    if department is not False:
        new_id = department.id if isinstance(department, Department) else None
        if new_id != user.department_id:
            changes["department"] = [
                _department_name(session, user.department_id),
                department.name if isinstance(department, Department) else "",
            ]
            user.department_id = new_id
    if password:
        check_password_rules(password)
        user.password_hash = generate_password_hash(password)
    if password or ("is_active" in changes and not is_active):
        sessions.close_all(session, user)  # whoever knew the old password is logged out
    if changes or password:
        # A password is never shown, not even hashed: only that it was set anew.
        reset: dict[str, Any] = {"password": "changed"} if password else {}
        audit.record(session, actor, "user.edit", target=user.username, changes=changes, **reset)


def _department_name(session: Session, department_id: int | None) -> str:
    department = session.get(Department, department_id) if department_id else None
    return department.name if department else ""


def accounts(session: Session) -> list[User]:
    """Every staff account, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def account(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


def department(session: Session, department_id: int | None) -> Department | None:
    return session.get(Department, department_id) if department_id else None


def create_department(session: Session, name: str, actor: User | None) -> Department:
    name = name.strip()
    if not name or len(name) > 60:
        raise AccountError(_("科室名称应为 1 到 60 个字符"))
    if session.scalar(select(Department.id).where(Department.name == name)):
        raise AccountError(_("科室 %(name)s 已存在", name=name))
    created = Department(name=name)
    session.add(created)
    session.flush()
    audit.record(session, actor, "department.create", target=name)
    return created


def department_names(session: Session) -> dict[int, str]:
    return {id: name for id, name in session.execute(select(Department.id, Department.name))}


class OwnedItem(audit.Subject, Owned, Protocol):
    """An item of a feature that belongs to a department."""


def move_to_department(
    session: Session, item: OwnedItem, department: Department | None, actor: User | None
) -> None:
    """Give an item (a survey, a consultation) to ``department`` (None: the office as a
    whole); its staff then act on it."""
    new_id = department.id if department else None
    if item.department_id == new_id:
        return
    before = _department_name(session, item.department_id)
    item.department_id = new_id
    name = department.name if department else ""
    audit.record(session, actor, "item.department", item, changes={"department": [before, name]})
