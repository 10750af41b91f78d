"""Single responses for the staff: responses per day, the list, 详细作答情况 of a fill-in
question, one response, and marking it invalid or restoring it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.config import office_zone
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.surveys import analysis, invalidation
from survey.surveys.charts import timeline_data
from survey.surveys.views.forms import InvalidateForm
from survey.surveys.views.manage.common import question_or_404, response_or_404, survey_or_404
from survey.web.access import requires
from survey.web.actions import attempt

SEARCH_MAX_LENGTH = 100


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@requires(Permission.VIEW)
def responses(survey_id: int) -> ResponseReturnValue:
    """Responses per day (office time) and the list of single responses."""
    survey = survey_or_404(survey_id)
    session = get_session()
    status = request.args.get("status", "")
    faster = request.args.get("faster_than", "")
    faster_than = int(faster) if faster.isascii() and faster.isdigit() and len(faster) < 7 else None
    days = analysis.timeline(session, survey, office_zone())
    listing = analysis.responses_page(
        session, survey, status, _page_number(), faster_than=faster_than
    )
    return render_template(
        "surveys/manage/responses.html",
        survey=survey,
        days=days,
        figure=timeline_data(days) if days else None,
        listing=listing,
        status=status,
        faster_than=faster_than,
    )


@requires(Permission.VIEW)
def typed_answers(question_id: int) -> ResponseReturnValue:
    """详细作答情况: what respondents typed, paged and searchable."""
    question = question_or_404(question_id)
    search = request.args.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    return render_template(
        "surveys/manage/answers.html",
        survey=question.survey,
        question=question,
        search=search,
        answers=analysis.typed_answers(get_session(), question, search, _page_number()),
    )


@requires(Permission.VIEW)
def response_detail(response_id: int) -> ResponseReturnValue:
    response = response_or_404(response_id)
    survey = survey_or_404(response.survey_id)
    return render_template(
        "surveys/manage/response.html",
        survey=survey,
        response=response,
        answers=analysis.response_answers(get_session(), survey, response),
        form=InvalidateForm(formdata=None),
    )


@requires(Permission.INVALIDATE)
def invalidate_response(response_id: int) -> ResponseReturnValue:
    response = response_or_404(response_id)
    survey = survey_or_404(response.survey_id)
    form = InvalidateForm()
    attempt(
        lambda: invalidation.mark_invalid(
            get_session(), survey, response, current_user, form.reason.data or "", utcnow()
        ),
        _("已作废，不再计入统计"),
    )
    return redirect(url_for("surveys_admin.response_detail", response_id=response.id))


@requires(Permission.INVALIDATE)
def restore_response(response_id: int) -> ResponseReturnValue:
    response = response_or_404(response_id)
    survey = survey_or_404(response.survey_id)
    attempt(
        lambda: invalidation.restore(get_session(), survey, response, current_user), _("已恢复")
    )
    return redirect(url_for("surveys_admin.response_detail", response_id=response.id))
