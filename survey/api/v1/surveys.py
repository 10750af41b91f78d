"""/api/v1/surveys: the list, one survey, its questionnaire, its live results (staff) and its
published 结果反馈 versions (public once published)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from survey.api.v1 import schemas
from survey.api.v1.actions import go_public, one_version, stored_utc, visible_versions
from survey.api.v1.auth import caller, requires
from survey.config import office_zone
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.window import Phase, Status
from survey.db import get_session
from survey.publishing import documents
from survey.surveys import analysis, design, lifecycle, publication, queries, reviewables
from survey.surveys.definition import export_definition, validate
from survey.surveys.models import Survey
from survey.surveys.personal import Reader
from survey.surveys.results import MAX_CONDITIONS, Filter, filterable_questions, survey_results
from survey.web.actions import committed

blp = Blueprint(
    "api_surveys", __name__, url_prefix="/api/v1/surveys",
    description="调查征集: surveys, their questionnaires, results and published 结果反馈",
)  # fmt: skip


def _staff_of(survey: Survey) -> bool:
    """Whether the caller sees the survey as its staff do (a token of its department)."""
    found = caller()
    return found is not None and found.may(Permission.VIEW) and found.user.reaches(survey)


def _survey(slug: str) -> Survey:
    """The survey, if the caller may see it: a token holder of its department, or anyone once
    it is no longer a draft."""
    survey = queries.load_survey(get_session(), slug)
    if survey is None:
        abort(404, description="No such survey.")
    if survey.status == Status.DRAFT and not _staff_of(survey):
        abort(404, description="No such survey.")
    return survey


def _own(slug: str) -> Survey:
    """The survey a change is asked of: one of the token holder's department."""
    survey = queries.load_survey(get_session(), slug)
    found = caller()
    if survey is None or found is None or not found.user.reaches(survey):
        abort(404, description="No such survey in your department.")
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
    if _staff_of(survey):
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

    @requires(Permission.DESIGN)
    @blp.arguments(schemas.NewSurvey)
    @blp.response(201, schemas.SurveySummary)
    @blp.doc(security=[{"token": []}])
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a draft from a `survey/v1` definition (422 lists every problem, by path)."""
        found = caller()
        assert found is not None
        session = get_session()
        checked = validate(body["definition"], office_zone())
        survey = committed(lambda: design.import_survey(session, found.user, checked, "api"))
        return summary(survey)


@blp.route("/<slug>")
class OneSurvey(MethodView):
    @blp.response(200, schemas.SurveySummary)
    def get(self, slug: str) -> dict[str, Any]:
        """One survey."""
        return summary(_survey(slug))


@blp.route("/<slug>/open")
class OpenSurvey(MethodView):
    @requires(Permission.RUN)
    @blp.response(200, schemas.Outcome)
    @blp.alt_response(202, schema=schemas.Outcome, description="Submitted for review")
    @blp.doc(security=[{"token": []}])
    def post(self, slug: str) -> tuple[dict[str, Any], int]:
        """Open for answers: through the review chain (202) unless review is off (200)."""
        return go_public(reviewables.OPEN, _own(slug), {"at": None})


@blp.route("/<slug>/close")
class CloseSurvey(MethodView):
    @requires(Permission.RUN)
    @blp.response(200, schemas.SurveySummary)
    @blp.doc(security=[{"token": []}])
    def post(self, slug: str) -> dict[str, Any]:
        """Stop taking answers now."""
        survey, found = _own(slug), caller()
        assert found is not None
        committed(lambda: lifecycle.close_survey(get_session(), survey, found.user))
        return summary(survey)


@blp.route("/<slug>/definition")
class SurveyDefinition(MethodView):
    @blp.response(200, schemas.Definition)
    def get(self, slug: str) -> dict[str, Any]:
        """The questionnaire as a `survey/v1` definition (the format `flask import` reads)."""
        return {"definition": export_definition(_survey(slug), office_zone())}


@blp.route("/<slug>/results")
class LiveResults(MethodView):
    @requires(Permission.VIEW)
    @blp.arguments(schemas.ResultsQuery, location="query")
    @blp.response(200, schemas.LiveResults)
    @blp.doc(security=[{"token": []}])
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """The result tables now, as the staff report shows them (a token of its department),
        of every valid response or only of those the filters keep."""
        survey = _own(slug)
        session = get_session()
        only = _filter(survey, args)
        live = publication.document(session, survey_results(session, survey, only), office_zone())
        return {"document": documents.dump(live)}


def _filter(survey: Survey, args: dict[str, Any]) -> Filter:
    """The report filter the query asks for (422 for an option the survey does not have)."""
    options = {f"{q.key}:{o.label}": o for q in filterable_questions(survey) for o in q.options}
    if unknown := [value for value in args["chose"] if value not in options]:
        abort(422, description=f"No such option to filter by: {', '.join(unknown)}")
    try:
        return Filter.of(
            stored_utc(args.get("since")), stored_utc(args.get("until")),
            [options[value] for value in args["chose"]],
        )  # fmt: skip
    except ValueError:
        abort(422, description=f"Filter by at most {MAX_CONDITIONS} questions.")


@blp.route("/<slug>/responses")
class Responses(MethodView):
    @requires(Permission.EXPORT)
    @blp.arguments(schemas.ResponsesQuery, location="query")
    @blp.response(200, schemas.ResponsesPage)
    @blp.doc(security=[{"token": []}])
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """The responses as submitted, oldest first, a page at a time (follow `next`)."""
        survey = _own(slug)
        page, more = analysis.responses_after(
            get_session(), survey, args["after"], since=stored_utc(args.get("since")),
            until=stored_utc(args.get("until")), limit=args["limit"],
            reader=Reader(current_app.config["DATA_KEYS"]),  # personal answers masked
        )  # fmt: skip
        items = [
            {
                "id": item.response.id, "submitted_at": item.response.submitted_at,
                "duration_seconds": item.response.duration_seconds,
                "valid": item.response.is_valid, "invalid_reason": item.response.invalid_reason,
                "answers": item.answers,
            }
            for item in page
        ]  # fmt: skip
        return {"items": items, "next": page[-1].response.id if more and page else None}


def _versions(survey: Survey) -> list[Any]:
    return visible_versions(
        publication.publications(get_session(), survey),
        published=survey.results_published, staff=_staff_of(survey),
    )  # fmt: skip


@blp.route("/<slug>/publications")
class Publications(MethodView):
    @blp.response(200, schemas.Version(many=True))
    def get(self, slug: str) -> list[Any]:
        """The published versions of the 结果反馈, newest first (a withdrawn one says when)."""
        return _versions(_survey(slug))

    @requires(Permission.PUBLISH)
    @blp.arguments(schemas.PublishChoices)
    @blp.response(200, schemas.Outcome)
    @blp.alt_response(202, schema=schemas.Outcome, description="Submitted for review")
    @blp.doc(security=[{"token": []}])
    def post(self, body: dict[str, Any], slug: str) -> tuple[dict[str, Any], int]:
        """Publish the next version: through the review chain (202) unless review is off."""
        survey = _own(slug)
        by_key = {q.key: q.id for q in survey.questions}
        if unknown := [key for key in body.get("questions", []) if key not in by_key]:
            abort(422, description=f"No such question: {', '.join(unknown)}")
        choices = publication.resolve(
            get_session(), survey,
            questions={by_key[key] for key in body["questions"]} if "questions" in body else None,
            summary=body.get("summary"), min_cell_size=body.get("min_cell_size"),
        )  # fmt: skip
        return go_public(reviewables.PUBLISH, survey, choices)


@blp.route("/<slug>/withdrawal")
class Withdrawal(MethodView):
    @requires(Permission.PUBLISH)
    @blp.arguments(schemas.WithdrawalReason)
    @blp.response(200, schemas.Outcome)
    @blp.alt_response(202, schema=schemas.Outcome, description="Submitted for review")
    @blp.doc(security=[{"token": []}])
    def post(self, body: dict[str, Any], slug: str) -> tuple[dict[str, Any], int]:
        """Withdraw the 结果反馈 page (the public page then says when and why)."""
        return go_public(reviewables.WITHDRAW, _own(slug), {"reason": body["reason"]})


@blp.route("/<slug>/publications/<int(max=100000):version>")
class OnePublication(MethodView):
    @blp.response(200, schemas.PublishedDocument)
    def get(self, slug: str, version: int) -> dict[str, Any]:
        """One published version as its frozen document (410 once withdrawn)."""
        return one_version(_versions(_survey(slug)), version)
