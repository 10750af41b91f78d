"""The portal: the public's pages that belong to no one feature. The lists of 调查征集 and
意见征集 and of what was published in reply, the language switch, and the app's own Plotly
bundle."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue

from survey.consultations import queries as consultations
from survey.consultations.feedback import feedback_title as opinion_feedback_title
from survey.core.models import utcnow
from survey.db import get_session
from survey.publishing.charts import PLOTLY_JS
from survey.surveys.publication import feedback_title
from survey.surveys.queries import public_list
from survey.web import assets
from survey.web.safety import local_path

bp = Blueprint("portal", __name__)


TABS = ("surveys", "consultations", "results")


@bp.get("/")
def index() -> ResponseReturnValue:
    """The 调查征集 list, the 意见征集 list, or (tab=results) every 结果反馈 and 意见采纳情况
    published, newest first."""
    tab = request.args.get("tab", "surveys")
    tab = tab if tab in TABS else "surveys"
    session = get_session()
    items: list[Any]
    if tab == "results":
        published = [
            (survey.results_published_at, "survey", survey)
            for survey in public_list(session, published=True)
        ] + [
            (consultation.feedback_published_at, "consultation", consultation)
            for consultation in consultations.public_list(session, published=True)
        ]
        items = sorted(published, key=lambda item: item[0] or utcnow(), reverse=True)
    elif tab == "consultations":
        items = consultations.public_list(session)
    else:
        items = list(public_list(session))
    return render_template(
        "portal/index.html",
        items=items,
        tab=tab,
        feedback_title=feedback_title,
        opinion_feedback_title=opinion_feedback_title,
        now=utcnow(),
    )


@bp.get("/assets/plotly.min.js")
def plotly_js() -> ResponseReturnValue:
    """Plotly for the staff report's live charts (the public's pages show drawings)."""
    return assets.send(PLOTLY_JS)


@bp.app_url_defaults
def versioned_plotly(endpoint: str | None, values: dict[str, Any]) -> None:
    if endpoint == "portal.plotly_js":
        values.setdefault("v", assets.static_url(PLOTLY_JS))


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next"), "/"))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
