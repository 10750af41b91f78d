"""Who may see which staff page. Every view of the admin blueprint declares the least role it
needs; a view without a declaration is refused to everyone (fail closed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from survey.models import Role

View = TypeVar("View", bound=Callable)


def requires(role: Role) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        view.required_role = role  # type: ignore[attr-defined]
        return view

    return decorate


def check_access():  # type: ignore[no-untyped-def]
    """Run before every admin request: logged in, active, and of the view's role."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    view = current_app.view_functions.get(request.endpoint or "")
    role = getattr(view, "required_role", None)
    if role is None or not current_user.can(role):
        abort(403)
    return None
