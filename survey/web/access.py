"""Who may see which staff page. Every view of a staff blueprint declares the permission it
needs (``requires``); a view without a declaration is refused to everyone (fail closed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.core.permissions import Permission
from survey.extensions import login_manager

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])
REQUIRED_PERMISSION = "required_permission"


def requires(permission: Permission) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        setattr(view, REQUIRED_PERMISSION, permission)
        return view

    return decorate


def check_access() -> ResponseReturnValue | None:
    """Run before every staff request: logged in, active, and holding the view's permission."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    view = current_app.view_functions.get(request.endpoint or "")
    permission = getattr(view, REQUIRED_PERMISSION, None)
    if permission is None or not current_user.can(permission):
        abort(403)
    return None
