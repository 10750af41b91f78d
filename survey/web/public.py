"""Pages for everyone: the list of surveys, published results, the app's own Plotly bundle."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file
from sqlalchemy import select

from survey import charts, snapshot
from survey.db import get_session
from survey.models import Survey, SurveyStatus, utcnow
from survey.web.respond import public_survey_or_404
from survey.web.safety import local_path

bp = Blueprint("public", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """The 调查征集 list, or (tab=results) the 结果反馈 published, newest first."""
    tab = "results" if request.args.get("tab") == "results" else "surveys"
    # Archived surveys keep their pages for those who have the link, but leave the list.
    statement = select(Survey).where(
        Survey.status.not_in([SurveyStatus.DRAFT, SurveyStatus.ARCHIVED])
    )
    if tab == "results":
        statement = statement.where(Survey.results_published_at.is_not(None)).order_by(
            Survey.results_published_at.desc(), Survey.id.desc()
        )
    else:
        statement = statement.order_by(Survey.opens_at.desc(), Survey.id.desc())
    surveys = list(get_session().scalars(statement))
    return render_template(
        "public/index.html",
        surveys=surveys,
        tab=tab,
        feedback_title=snapshot.feedback_title,
        now=utcnow(),
    )


@bp.get("/s/<slug>/results")
@bp.get("/s/<slug>/results/v<int:version>")
def results(slug: str, version: int | None = None):  # type: ignore[no-untyped-def]
    """The 结果反馈 page as frozen when published: the latest version, or an earlier one."""
    survey = public_survey_or_404(slug)
    versions = snapshot.publications(get_session(), survey) if survey.results_published else []
    if not versions:
        return render_template("public/results_pending.html", survey=survey), 404
    shown = (
        versions[0]
        if version is None
        else next((v for v in versions if v.version == version), None)
    )
    if shown is None:
        abort(404)
    figures = {
        item["number"]: charts.document_figure(item)
        for item in shown.content["questions"]
        if "rows" in item and not item["withheld"]
    }
    return render_template(
        "public/results.html",
        survey=survey,
        publication=shown,
        document=shown.content,
        versions=versions,
        figures=figures,
    )


@bp.get("/assets/plotly.min.js")
def plotly_js():  # type: ignore[no-untyped-def]
    return send_file(charts.PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)


@bp.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next"), "/"))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
