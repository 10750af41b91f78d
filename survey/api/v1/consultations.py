"""/api/v1/consultations: drafts out for comment, and their published 意见采纳情况."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from survey.api.v1 import schemas
from survey.api.v1.actions import go_public, one_version, stored_utc, visible_versions
from survey.api.v1.auth import caller, requires
from survey.consultations import feedback, opinions, queries, reviewables
from survey.consultations.handling import parse_outcomes
from survey.consultations.models import Channel, Consultation, Opinion
from survey.consultations.opinions import Draft, OpinionRefused
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.window import Status
from survey.db import get_session
from survey.web.actions import committed

blp = Blueprint(
    "api_consultations", __name__, url_prefix="/api/v1/consultations",
    description="意见征集: drafts put out for comment and their 意见采纳情况",
)  # fmt: skip


def _consultation(slug: str) -> Consultation:
    consultation = queries.load_consultation(get_session(), slug)
    found = caller()
    if consultation is None:
        abort(404, description="No such consultation.")
    staff = found is not None and found.may(Permission.VIEW) and found.user.reaches(consultation)
    if consultation.status == Status.DRAFT and not staff:
        abort(404, description="No such consultation.")
    return consultation


def summary(consultation: Consultation) -> dict[str, Any]:
    return {
        "slug": consultation.slug, "title": consultation.title, "issuer": consultation.issuer,
        "status": consultation.status, "phase": consultation.phase(utcnow()).value,
        "opens_at": consultation.opens_at, "closes_at": consultation.closes_at,
        "draft_version": consultation.current.number,
        "feedback_published": consultation.feedback_published,
        "url": url_for("consultations.draft_page", slug=consultation.slug, _external=True),
        "feedback_url": url_for(
            "consultations.feedback_page", slug=consultation.slug, _external=True
        ) if consultation.feedback_published else None,
    }  # fmt: skip


@blp.route("")
class Consultations(MethodView):
    @blp.response(200, schemas.ConsultationSummary(many=True))
    def get(self) -> list[dict[str, Any]]:
        """The consultations: those of the token holder's department, or the public list."""
        session, found = get_session(), caller()
        if found is not None and found.may(Permission.VIEW):
            rows = queries.staff_list(session, found.user.reach(Consultation.department_id))
            return [summary(consultation) for consultation, _opinions in rows]
        return [summary(consultation) for consultation in queries.public_list(session)]


def _own(slug: str) -> Consultation:
    """The consultation a change or a staff read is asked of: one of the caller's department."""
    consultation = queries.load_consultation(get_session(), slug)
    found = caller()
    if consultation is None or found is None or not found.user.reaches(consultation):
        abort(404, description="No such consultation in your department.")
    return consultation


@blp.route("/<slug>")
class OneConsultation(MethodView):
    @blp.response(200, schemas.ConsultationSummary)
    def get(self, slug: str) -> dict[str, Any]:
        """One consultation."""
        return summary(_consultation(slug))


@blp.route("/<slug>/open")
class OpenConsultation(MethodView):
    @requires(Permission.RUN)
    @blp.response(200, schemas.Outcome)
    @blp.alt_response(202, schema=schemas.Outcome, description="Submitted for review")
    @blp.doc(security=[{"token": []}])
    def post(self, slug: str) -> tuple[dict[str, Any], int]:
        """Open for comment: through the review chain (202) unless review is off (200)."""
        return go_public(reviewables.OPEN, _own(slug), {})


@blp.route("/<slug>/opinions")
class Opinions(MethodView):
    @requires(Permission.EXPORT)
    @blp.arguments(schemas.CursorQuery, location="query")
    @blp.response(200, schemas.OpinionsPage)
    @blp.doc(security=[{"token": []}])
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """The opinions in the order received, a page at a time (follow `next`)."""
        consultation = _own(slug)
        page, more = queries.opinions_after(
            get_session(), consultation, args["after"], args["limit"]
        )
        items = [_opinion_item(o) for o in page]
        return {"items": items, "next": page[-1].id if more and page else None}

    @requires(Permission.HANDLE_OPINIONS)
    @blp.arguments(schemas.OfflineOpinion)
    @blp.response(201, schemas.OpinionItem)
    @blp.doc(security=[{"token": []}])
    def post(self, body: dict[str, Any], slug: str) -> dict[str, Any]:
        """Record an opinion received offline (a letter, an e-mail, a call, a meeting), as
        录入线下意见 does: screened already, audited, with its receipt."""
        consultation, found = _own(slug), caller()
        assert found is not None
        parts = {p.key: p for p in consultation.current.parts}
        if body["part"] and body["part"] not in parts:
            abort(422, description=f"No such article in the draft: {body['part']}")
        draft = Draft(
            body=body["body"], name=body["name"], contact=body["contact"],
            part_id=parts[body["part"]].id if body["part"] else None,
        )  # fmt: skip
        session = get_session()
        try:
            opinion = committed(
                lambda: opinions.enter(
                    session, consultation, found.user, draft, Channel(body["channel"]),
                    stored_utc(body["received_at"]), current_app.config["SECRET_KEY"],
                )
            )  # fmt: skip
        except OpinionRefused as refused:
            abort(422, description="；".join(refused.fields.values()))
        return _opinion_item(opinion)


def _opinion_item(opinion: Opinion) -> dict[str, Any]:
    return {
        "receipt": opinion.receipt, "part": opinion.part.name if opinion.part else "",
        "body": opinion.body, "name": opinion.name, "channel": opinion.channel,
        "received_at": opinion.received_at, "screening": opinion.screening,
        "outcome": opinion.outcome, "reason": opinion.reason,
    }  # fmt: skip


def _versions(consultation: Consultation) -> list[Any]:
    found = caller()
    staff = found is not None and found.may(Permission.VIEW) and found.user.reaches(consultation)
    return visible_versions(
        feedback.publications(get_session(), consultation),
        published=consultation.feedback_published, staff=staff,
    )  # fmt: skip


@blp.route("/<slug>/feedback")
class FeedbackVersions(MethodView):
    @blp.response(200, schemas.Version(many=True))
    def get(self, slug: str) -> list[Any]:
        """The published versions of the 意见采纳情况, newest first."""
        return _versions(_consultation(slug))

    @requires(Permission.PUBLISH)
    @blp.arguments(schemas.FeedbackChoices)
    @blp.response(200, schemas.Outcome)
    @blp.alt_response(202, schema=schemas.Outcome, description="Submitted for review")
    @blp.doc(security=[{"token": []}])
    def post(self, body: dict[str, Any], slug: str) -> tuple[dict[str, Any], int]:
        """Publish the next 意见采纳情况 (once the period ended and every opinion is handled),
        through the review chain."""
        outcomes = list(parse_outcomes(current_app.config["OPINION_OUTCOMES"]))
        params = reviewables.publish_params(outcomes, body["by_article"], body["summary"])
        return go_public(reviewables.PUBLISH, _own(slug), params)


@blp.route("/<slug>/feedback/withdrawal")
class FeedbackWithdrawal(MethodView):
    @requires(Permission.PUBLISH)
    @blp.arguments(schemas.WithdrawalReason)
    @blp.response(200, schemas.Outcome)
    @blp.alt_response(202, schema=schemas.Outcome, description="Submitted for review")
    @blp.doc(security=[{"token": []}])
    def post(self, body: dict[str, Any], slug: str) -> tuple[dict[str, Any], int]:
        """Withdraw the 意见采纳情况 (the public page then says when and why)."""
        return go_public(reviewables.WITHDRAW, _own(slug), {"reason": body["reason"]})


@blp.route("/<slug>/feedback/<int(max=100000):version>")
class OneFeedback(MethodView):
    @blp.response(200, schemas.PublishedDocument)
    def get(self, slug: str, version: int) -> dict[str, Any]:
        """One published version as its frozen document (410 once withdrawn)."""
        return one_version(_versions(_consultation(slug)), version)
