"""Staff log in and out. Attempts are rate-limited; ``next`` only ever leads within the site."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user

from survey import audit
from survey.accounts import authenticate
from survey.db import get_session
from survey.models import User
from survey.web.ratelimit import limit_posts
from survey.web.safety import local_path

bp = Blueprint("auth", __name__, url_prefix="/admin")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = ""
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.is_active else None


def safe_next(target: str | None) -> str:
    """A path on this site, or the dashboard: never another host."""
    return local_path(target, url_for("admin.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@limit_posts("LOGIN_RATE_LIMIT")
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    if request.method == "GET":
        return render_template("auth/login.html")
    session = get_session()
    username = request.form.get("username", "")[:64]
    user = authenticate(session, username, request.form.get("password", "")[:200])
    if user is None:
        audit.record(session, None, "auth.login_failed", by=username or "-")
        session.commit()
        flash(_("用户名或密码不正确"), "error")
        return render_template("auth/login.html", username=username), 401
    login_user(user)
    audit.record(session, user, "auth.login")
    session.commit()
    return redirect(safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        session = get_session()
        audit.record(session, current_user, "auth.logout")
        session.commit()
    logout_user()
    return redirect(url_for("auth.login"))
