"""What review shows of a survey: the questionnaire a request would open, the 结果反馈 version
it would publish (from the frozen snapshot, as the public would read it), the notice a
withdrawal would leave; and where the survey's pages are."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from survey.core.models import utcnow
from survey.db import get_session
from survey.publishing import documents, images
from survey.review.models import ReviewRequest
from survey.review.views import Pages
from survey.surveys import publication, queries, reviewables
from survey.surveys.models import Survey
from survey.surveys.views.display import form_page
from survey.web.notices import withdrawn_page
from survey.web.security import PREVIEW_HEADERS


def _opening(found: ReviewRequest, survey: Survey) -> ResponseReturnValue:
    return form_page(survey, MultiDict(), {}, "", "", preview=True), 200, PREVIEW_HEADERS


def _results(found: ReviewRequest, survey: Survey) -> ResponseReturnValue:
    document = documents.load(found.snapshot)
    number = found.result.get("version") or (
        len(publication.publications(get_session(), survey)) + 1
    )
    shown = SimpleNamespace(version=number, published_at=found.closed_at or utcnow())
    page = render_template(
        "publishing/results.html",
        survey=survey,
        publication=shown,
        document=document,
        versions=[shown],
        drawings=images.of_document(document) or {},
        preview_of=found,
    )
    return page, 200, PREVIEW_HEADERS


def _withdrawal(found: ReviewRequest, survey: Survey) -> ResponseReturnValue:
    page = withdrawn_page(
        publication.feedback_title(survey.title),
        survey.issuer,
        found.closed_at or utcnow(),
        found.snapshot["reason"],
        preview_of=found,
    )
    return page, 200, PREVIEW_HEADERS


def _public_page(survey_id: int) -> str | None:
    survey = queries.survey_by_id(get_session(), survey_id)
    return url_for("surveys.results", slug=survey.slug) if survey else None


PAGES = Pages(
    column="survey_id",
    staff_page=lambda id: url_for("surveys_admin.survey_overview", survey_id=id),
    public_page=_public_page,
    previews={
        reviewables.OPEN: _opening,
        reviewables.PUBLISH: _results,
        reviewables.WITHDRAW: _withdrawal,
    },
)
