"""Staff log in and out (attempts rate-limited; ``next`` only ever leads within the site), and
the admin's pages: accounts, departments and the audit log."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from survey.accounts import services, sessions, tokens
from survey.accounts.models import User
from survey.accounts.roles import ROLE_DESCRIPTIONS, ROLE_NAMES, Role
from survey.accounts.views.forms import (
    AccountForm,
    DepartmentForm,
    LoginForm,
    NewAccountForm,
    TokenForm,
    department_choices,
)
from survey.config import office_zone
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.extensions import login_manager
from survey.web.access import check_access, requires
from survey.web.actions import attempt, committed, flash_errors, refused
from survey.web.ratelimit import limit_posts
from survey.web.safety import id_argument, local_path, page_number

AUDIT_PAGE_SIZE = 100


# The key of the staff session's token in the (signed) session cookie.
SESSION_TOKEN = "staff_session"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return sessions.account_of(get_session(), user_id, cookie.get(SESSION_TOKEN, ""), utcnow())


def safe_next(target: str | None) -> str:
    """A path on this site, or the dashboard: never another host."""
    return local_path(target, url_for("surveys_admin.dashboard"))


@limit_posts("LOGIN_RATE_LIMIT")
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        page = render_template("accounts/login.html", form=form)
        return (page, 422) if form.is_submitted() else page
    session = get_session()
    username, password = form.credentials()
    user = services.authenticate(session, username, password)
    if user is None:
        audit.record(session, None, "auth.login_failed", by=username or "-")
        session.commit()
        flash(_("用户名或密码不正确"), "error")
        return render_template("accounts/login.html", form=form), 401
    lifetime = timedelta(hours=current_app.config["STAFF_SESSION_HOURS"])
    cookie.clear()  # nothing of an earlier visitor's session carries over into this one
    cookie[SESSION_TOKEN] = sessions.open_session(session, user, utcnow(), lifetime)
    login_user(user)
    audit.record(session, user, "auth.login")
    session.commit()
    return redirect(safe_next(request.args.get("next")))


def logout() -> ResponseReturnValue:
    session = get_session()
    if current_user.is_authenticated:
        audit.record(session, current_user, "auth.logout")
    sessions.close_session(session, cookie.pop(SESSION_TOKEN, ""))
    session.commit()
    logout_user()
    return redirect(url_for("accounts.login"))


def _users_page(new: NewAccountForm | None = None, status: int = 200) -> ResponseReturnValue:
    """The accounts, each with its editor, and the form for a new one (``new``: bound to what
    was posted, showing its errors)."""
    session = get_session()
    accounts = services.accounts(session)
    names = services.department_names(session)
    choices = department_choices(sorted(names.items(), key=lambda item: item[1]))
    editors = {
        account.id: AccountForm(
            formdata=None, role=account.role, is_active=account.is_active,
            department=account.department_id or 0,
        )
        for account in accounts
    }  # fmt: skip
    new = new or NewAccountForm(formdata=None)
    new.department.choices = choices
    for editor in editors.values():
        editor.department.choices = choices
    page = render_template(
        "accounts/users.html",
        accounts=accounts,
        editors=editors,
        new=new,
        department_names=names,
    )
    return page, status


def _with_departments(form: NewAccountForm | AccountForm) -> NewAccountForm | AccountForm:
    form.department.choices = department_choices(
        [(d.id, d.name) for d in services.departments(get_session())]
    )
    return form


@requires(Permission.MANAGE_ACCOUNTS)
def users() -> ResponseReturnValue:
    return _users_page()


@requires(Permission.MANAGE_ACCOUNTS)
def add_user() -> ResponseReturnValue:
    form = NewAccountForm()
    _with_departments(form)
    if not form.validate():
        return _users_page(form, 422)
    try:
        committed(
            lambda: services.create_user(
                get_session(),
                form.username.data or "",
                form.password.data or "",
                Role(form.role.data),
                current_user,
                form.display_name.data or "",
                services.department(get_session(), form.department.data),
            )
        )
    except Refusal as refusal:
        refused(refusal)  # shown with what was typed (but the password)
        return _users_page(form, 422)
    flash(_("账号已创建"), "success")
    return redirect(url_for("accounts_admin.users"))


@requires(Permission.MANAGE_ACCOUNTS)
def edit_user(user_id: int) -> ResponseReturnValue:
    session = get_session()
    account = services.account(session, user_id) or abort(404)
    form = AccountForm()
    _with_departments(form)
    if form.validate():
        attempt(
            lambda: services.update_user(
                session,
                account,
                current_user,
                role=Role(form.role.data),
                is_active=form.is_active.data,
                password=form.password.data or None,
                department=services.department(session, form.department.data),
            ),
            _("账号已更新"),
        )
    else:
        flash_errors(form)
    return redirect(url_for("accounts_admin.users"))


@requires(Permission.MANAGE_ACCOUNTS)
def departments() -> ResponseReturnValue:
    """The departments, and a new one."""
    session = get_session()
    form = DepartmentForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.create_department(session, form.name.data or "", current_user),
            _("科室已创建"),
        )
        return redirect(url_for("accounts_admin.departments"))
    counts = Counter(account.department_id for account in services.accounts(session))
    return render_template(
        "accounts/departments.html",
        departments=services.departments(session),
        counts=counts,
        form=form,
    )


@requires(Permission.VIEW)
def api_tokens() -> ResponseReturnValue:
    """My API tokens, and a new one, shown once."""
    session = get_session()
    form = TokenForm()
    shown = None
    if form.validate_on_submit():
        try:
            _token, shown = committed(
                lambda: tokens.create_token(
                    session, current_user, tokens.Scope(form.scope.data), utcnow(),
                    name=form.name.data or "", days=form.days.data, actor=current_user,
                )
            )  # fmt: skip
        except Refusal as refusal:
            refused(refusal)
        else:
            form = TokenForm(formdata=None)
    page = render_template(
        "accounts/tokens.html", tokens=tokens.tokens_of(session, current_user), form=form,
        shown=shown, now=utcnow(),
    )  # fmt: skip
    return page, 422 if form.errors else 200


@requires(Permission.VIEW)
def revoke_token(token_id: int) -> ResponseReturnValue:
    session = get_session()
    token = next((t for t in tokens.tokens_of(session, current_user) if t.id == token_id), None)
    if token is None:
        abort(404)
    attempt(lambda: tokens.revoke(session, token, current_user, utcnow()), _("令牌已吊销"))
    return redirect(url_for("accounts_admin.api_tokens"))


@requires(Permission.READ_AUDIT)
def audit_log() -> ResponseReturnValue:
    session = get_session()
    subject = request.args.get("subject", "")
    user_id = id_argument("user")
    page = page_number()
    events, has_more = audit.events(
        session, subject=subject, user_id=user_id, page=page, per_page=AUDIT_PAGE_SIZE
    )
    return render_template(
        "accounts/audit.html",
        entries=[(event, audit.describe(event, office_zone())) for event in events],
        has_more=has_more,
        page=page,
        subjects=audit.subjects(session),
        accounts=[(account.id, account.username) for account in services.accounts(session)],
        subject=subject,
        user_id=user_id,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(staff)
    app.jinja_env.globals.update(
        role_names=ROLE_NAMES, role_descriptions=ROLE_DESCRIPTIONS, department_names=_names
    )


def _names() -> dict[int, str]:
    """The departments' names by id, read once per request."""
    if "department_names" not in g:
        g.department_names = services.department_names(get_session())
    return g.department_names


def moved(item: services.OwnedItem) -> None:
    """Carry out an admin's move of ``item`` to the department the form names."""
    session = get_session()
    chosen = request.form.get("department", "")
    department = services.department(session, int(chosen)) if chosen.isdigit() else None
    if chosen not in ("", "0") and department is None:
        abort(400)
    attempt(
        lambda: services.move_to_department(session, item, department, current_user),
        _("所属科室已调整"),
    )


bp = Blueprint("accounts", __name__, url_prefix="/admin")
bp.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=logout, methods=["POST"])

staff = Blueprint("accounts_admin", __name__, url_prefix="/admin")
staff.before_request(check_access)
staff.add_url_rule("/users", view_func=users, methods=["GET"])
staff.add_url_rule("/users", view_func=add_user, methods=["POST"])
staff.add_url_rule("/users/<int:user_id>", view_func=edit_user, methods=["POST"])
staff.add_url_rule("/audit", view_func=audit_log, methods=["GET"])
staff.add_url_rule("/departments", view_func=departments, methods=["GET", "POST"])
staff.add_url_rule("/tokens", view_func=api_tokens, methods=["GET", "POST"])
staff.add_url_rule("/tokens/<int:token_id>/revoke", view_func=revoke_token, methods=["POST"])
