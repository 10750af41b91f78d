"""Pages for everyone: the list of surveys, published results, the app's own Plotly bundle."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file
from sqlalchemy import select

from survey import charts
from survey.db import get_session
from survey.models import Survey, SurveyStatus, utcnow
from survey.results import survey_results
from survey.web.respond import public_survey_or_404
from survey.web.safety import local_path

bp = Blueprint("public", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    surveys = get_session().scalars(
        select(Survey)
        # Archived surveys keep their pages for those who have the link, but leave the list.
        .where(Survey.status.not_in([SurveyStatus.DRAFT, SurveyStatus.ARCHIVED]))
        .order_by(Survey.opens_at.desc(), Survey.id.desc())
    )
    return render_template("public/index.html", surveys=list(surveys), now=utcnow())


@bp.get("/s/<slug>/results")
def results(slug: str):  # type: ignore[no-untyped-def]
    survey = public_survey_or_404(slug)
    if not survey.results_published:
        return render_template("public/results_pending.html", survey=survey), 404
    outcome = survey_results(get_session(), survey)
    figures = {table.question.id: charts.figure_data(table) for table in outcome.tables}
    return render_template("public/results.html", results=outcome, figures=figures)


@bp.get("/assets/plotly.min.js")
def plotly_js():  # type: ignore[no-untyped-def]
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)


@bp.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next"), "/"))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
