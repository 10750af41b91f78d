"""关怀模式 (care mode) for the public's pages: larger text and tap targets, strong contrast, one
column, no animation, and a 朗读 control. A cookie remembers it (no account needed); staff pages
keep their own layout. Pages kept for everyone are kept per mode (see ``variant``)."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request
from flask.typing import ResponseReturnValue

from survey.web.safety import local_path

COOKIE = "care"
STAFF_PREFIXES = ("/admin", "/api")

bp = Blueprint("care", __name__)


def in_care_mode() -> bool:
    """Whether this request's page is shown in care mode."""
    return request.cookies.get(COOKIE) == "1" and not request.path.startswith(STAFF_PREFIXES)


def variant() -> str:
    """What a page kept for everyone differs by besides its language: the mode."""
    return "care" if in_care_mode() else "plain"


@bp.get("/care")
def switch() -> ResponseReturnValue:
    """Turn care mode on (``mode=on``) or off, and go back to the page the control was on; a
    plain link, so it works without JavaScript."""
    response = redirect(local_path(request.args.get("next"), "/"), code=303)
    if request.args.get("mode") == "on":
        response.set_cookie(COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(COOKIE)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(in_care_mode, "care_mode")
