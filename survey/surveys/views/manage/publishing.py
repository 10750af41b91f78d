"""Publishing a survey's 结果反馈 from the staff's side: choose the questions, the minimum cell
size and the summary, preview the page they make, publish a new version (through review); or
withdraw the page."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from survey.config import office_zone
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.publishing import documents, images, versions
from survey.review.models import ReviewRequest
from survey.review.services import came_back, open_request
from survey.review.views import WithdrawForm, put_forward, withdraw
from survey.surveys import publication, reviewables
from survey.surveys.models import Survey
from survey.surveys.views.forms import PublishForm
from survey.surveys.views.manage.common import survey_or_404
from survey.web.access import requires
from survey.web.actions import refused


def _publish_page(
    survey: Survey, form: PublishForm, status: int = 200, back: ReviewRequest | None = None
) -> ResponseReturnValue:
    page = render_template(
        "surveys/manage/publish.html",
        survey=survey,
        form=form,
        came_back=back,
        versions=publication.publications(get_session(), survey),
        pending=open_request(get_session(), reviewables.PUBLISH, survey),
    )
    return page, status


def _preview_page(
    survey: Survey, form: PublishForm, content: dict[str, Any], digest: str, changed: bool
) -> ResponseReturnValue:
    """The 结果反馈 page that ``content`` (as ``publication.freeze`` made it) would publish,
    exactly as the public would read it, marked as a preview, with the choices to send it or
    go back and change them."""
    session = get_session()
    earlier = publication.publications(session, survey)
    shown = SimpleNamespace(
        version=versions.next_number(earlier[0] if earlier else None), published_at=utcnow()
    )
    document = documents.load(content)
    page = render_template(
        "publishing/preview.html",
        survey=survey,
        publication=shown,
        document=document,
        versions=[shown, *earlier],
        drawings=images.of_document(document) or {},
        form=form,
        digest=digest,
        changed=changed,
    )
    return page, 200, {"X-Robots-Tag": "noindex"}


@requires(Permission.PUBLISH)
def publish(survey_id: int) -> ResponseReturnValue:
    """Choose the questions, write the summary, set the minimum cell size, and publish."""
    survey = survey_or_404(survey_id)
    session = get_session()
    form = PublishForm()
    if not form.is_submitted():
        latest = publication.latest_publication(session, survey)
        choices = {
            "questions": sorted(publication.default_questions(session, survey)),
            "min_cell_size": survey.min_cell_size,
            "summary": latest.summary if latest else "",
        }
        back = came_back(session, reviewables.PUBLISH, survey)
        if back is not None:
            choices = {key: back.params[key] for key in choices}  # start from what was sent
        form = PublishForm(
            formdata=None,
            question=choices["questions"],
            min_cell_size=choices["min_cell_size"],
            summary=choices["summary"],
            note=back.note if back else "",
        )
        return _publish_page(survey, form, back=back)
    if not form.validate():
        return _publish_page(survey, form, 422)
    intent = request.form.get("intent", "")
    if intent == "edit":  # back from the preview, with what was chosen there
        return _publish_page(survey, form)
    choices = publication.resolve(
        session,
        survey,
        questions=form.chosen(survey),
        summary=form.summary.data or "",
        min_cell_size=form.min_cell_size.data,
    )
    if intent == "preview" or form.previewed.data:
        try:
            content = publication.freeze(session, survey, office_zone(), choices)
        except Refusal as refusal:
            refused(refusal)
            return _publish_page(survey, form, 422)
        digest = versions.content_hash(content)
        # Sent from a preview whose page has changed since (a new answer came in): what
        # would go out is shown again rather than sent unseen.
        if intent == "preview" or digest != form.previewed.data:
            return _preview_page(survey, form, content, digest, changed=intent != "preview")
    put_forward(
        reviewables.PUBLISH, survey, choices,
        lambda made: _("结果已发布（第 %(n)s 版）", n=made["version"]), form.note.data or "",
    )  # fmt: skip
    return redirect(url_for("surveys_admin.survey_overview", survey_id=survey.id))


@requires(Permission.PUBLISH)
def withdraw_results(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    withdraw(reviewables.WITHDRAW, survey, WithdrawForm(), _("结果已撤回"))
    return redirect(url_for("surveys_admin.survey_overview", survey_id=survey.id))
