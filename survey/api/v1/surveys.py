"""/api/v1/surveys: the list, one survey, its questionnaire, its live results (staff) and its
published 结果反馈 versions (public once published)."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from survey.api.v1 import schemas
from survey.api.v1.auth import caller, requires
from survey.config import office_zone
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.window import Phase, Status
from survey.db import get_session
from survey.publishing import documents
from survey.surveys import publication, queries
from survey.surveys.definition import export_definition
from survey.surveys.models import Survey
from survey.surveys.results import survey_results

blp = Blueprint(
    "api_surveys", __name__, url_prefix="/api/v1/surveys",
    description="调查征集: surveys, their questionnaires, results and published 结果反馈",
)  # fmt: skip


def _staff() -> bool:
    found = caller()
    return found is not None and found.may(Permission.VIEW)


def _survey(slug: str) -> Survey:
    """The survey, if the caller may see it: a token holder of its department, or anyone once
    it is no longer a draft."""
    survey = queries.load_survey(get_session(), slug)
    found = caller()
    if survey is None:
        abort(404, description="No such survey.")
    if _staff() and found is not None and found.user.reaches(survey):
        return survey
    if survey.status == Status.DRAFT:
        abort(404, description="No such survey.")
    return survey


def summary(survey: Survey) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "slug": survey.slug, "title": survey.title, "issuer": survey.issuer,
        "status": survey.status, "phase": survey.phase(utcnow()).value,
        "opens_at": survey.opens_at, "closes_at": survey.closes_at,
        "results_published": survey.results_published,
        "url": url_for("surveys.answer", slug=survey.slug, _external=True),
        "results_url": url_for("surveys.results", slug=survey.slug, _external=True)
        if survey.results_published else None,
    }  # fmt: skip
    if _staff():
        shown["responses"] = survey.response_count
    return shown


@blp.route("")
class Surveys(MethodView):
    @blp.arguments(schemas.SurveyQuery, location="query")
    @blp.response(200, schemas.SurveySummary(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The surveys: those of the token holder's department, or (anonymous) the public list."""
        session, found = get_session(), caller()
        if found is not None and found.may(Permission.VIEW):
            shown = queries.dashboard(
                session, utcnow(), args.get("q", ""), args.get("phase", ""),
                found.user.reach(Survey.department_id),
            )  # fmt: skip
        else:
            shown = [
                s for s in queries.public_list(session)
                if args.get("q", "") in s.title
                and ("phase" not in args or s.phase(utcnow()) == Phase(args["phase"]))
            ]  # fmt: skip
        return [summary(survey) for survey in shown]


@blp.route("/<slug>")
class OneSurvey(MethodView):
    @blp.response(200, schemas.SurveySummary)
    def get(self, slug: str) -> dict[str, Any]:
        """One survey."""
        return summary(_survey(slug))


@blp.route("/<slug>/definition")
class SurveyDefinition(MethodView):
    @blp.response(200, schemas.Definition)
    def get(self, slug: str) -> dict[str, Any]:
        """The questionnaire as a `survey/v1` definition (the format `flask import` reads)."""
        return {"definition": export_definition(_survey(slug), office_zone())}


@blp.route("/<slug>/results")
class LiveResults(MethodView):
    @requires(Permission.VIEW)
    @blp.response(200, schemas.LiveResults)
    @blp.doc(security=[{"token": []}])
    def get(self, slug: str) -> dict[str, Any]:
        """The result tables now, as the staff report shows them (needs a token)."""
        survey = _survey(slug)
        session = get_session()
        live = publication.document(session, survey_results(session, survey), office_zone())
        return {"document": documents.dump(live)}


def _versions(survey: Survey) -> list[Any]:
    if not survey.results_published and not _staff():
        latest = publication.latest_publication(get_session(), survey)
        return [latest] if latest is not None and latest.withdrawn_at else []
    return publication.publications(get_session(), survey)


@blp.route("/<slug>/publications")
class Publications(MethodView):
    @blp.response(200, schemas.Version(many=True))
    def get(self, slug: str) -> list[Any]:
        """The published versions of the 结果反馈, newest first (a withdrawn one says when)."""
        return _versions(_survey(slug))


@blp.route("/<slug>/publications/<int:version>")
class OnePublication(MethodView):
    @blp.response(200, schemas.PublishedDocument)
    def get(self, slug: str, version: int) -> dict[str, Any]:
        """One published version as its frozen document (410 once withdrawn)."""
        shown = next((v for v in _versions(_survey(slug)) if v.version == version), None)
        if shown is None:
            abort(404, description="No such published version.")
        if shown.withdrawn_at is not None:
            abort(410, description=f"Withdrawn: {shown.withdrawal_reason}")
        return {**schemas.version_fields(shown), "document": shown.content}
