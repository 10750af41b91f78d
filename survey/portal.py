"""The portal: the public's pages that belong to no one feature. The list of 调查征集 (and, next,
意见征集) with their 结果反馈, the language switch, and the app's own Plotly bundle."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file
from flask.typing import ResponseReturnValue

from survey.core.models import utcnow
from survey.db import get_session
from survey.publishing.charts import PLOTLY_JS
from survey.surveys.publication import feedback_title
from survey.surveys.queries import public_list
from survey.web.safety import local_path

bp = Blueprint("portal", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """The 调查征集 list, or (tab=results) the 结果反馈 published, newest first."""
    tab = "results" if request.args.get("tab") == "results" else "surveys"
    return render_template(
        "portal/index.html",
        surveys=public_list(get_session(), published=tab == "results"),
        tab=tab,
        feedback_title=feedback_title,
        now=utcnow(),
    )


@bp.get("/assets/plotly.min.js")
def plotly_js() -> ResponseReturnValue:
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next"), "/"))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
