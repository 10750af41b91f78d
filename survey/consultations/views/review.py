"""What review shows of a consultation: the draft page a request would open, the 意见采纳情况
version it would publish (from the frozen snapshot), the notice a withdrawal would leave; and
where the consultation's pages are."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template, url_for
from flask.typing import ResponseReturnValue

from survey.consultations import feedback, queries, reviewables
from survey.consultations.models import Consultation
from survey.core.models import utcnow
from survey.core.window import Phase
from survey.db import get_session
from survey.publishing import documents
from survey.review.models import ReviewRequest
from survey.review.views import Pages
from survey.web.notices import withdrawn_page
from survey.web.security import PREVIEW_HEADERS


def _opening(found: ReviewRequest, consultation: Consultation) -> ResponseReturnValue:
    page = render_template(
        "consultations/draft.html",
        consultation=consultation,
        phase=Phase.OPEN,
        now=utcnow(),
        counts={},
        shown={},
        preview_of=found,
    )
    return page, 200, PREVIEW_HEADERS


def _feedback(found: ReviewRequest, consultation: Consultation) -> ResponseReturnValue:
    number = found.result.get("version") or (
        len(feedback.publications(get_session(), consultation)) + 1
    )
    shown = SimpleNamespace(version=number, published_at=found.closed_at or utcnow())
    page = render_template(
        "consultations/feedback.html",
        consultation=consultation,
        publication=shown,
        versions=[shown],
        document=documents.load_opinion_feedback(found.snapshot),
        preview_of=found,
    )
    return page, 200, PREVIEW_HEADERS


def _withdrawal(found: ReviewRequest, consultation: Consultation) -> ResponseReturnValue:
    page = withdrawn_page(
        feedback.feedback_title(consultation.title),
        consultation.issuer,
        found.closed_at or utcnow(),
        found.snapshot["reason"],
        preview_of=found,
    )
    return page, 200, PREVIEW_HEADERS


def _public_page(consultation_id: int) -> str | None:
    consultation = queries.consultation_by_id(get_session(), consultation_id)
    if consultation is None:
        return None
    return url_for("consultations.feedback_page", slug=consultation.slug)


PAGES = Pages(
    column="consultation_id",
    staff_page=lambda id: url_for("consultations_admin.overview", consultation_id=id),
    public_page=_public_page,
    previews={
        reviewables.OPEN: _opening,
        reviewables.PUBLISH: _feedback,
        reviewables.WITHDRAW: _withdrawal,
    },
)
