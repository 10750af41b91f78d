"""Single responses for the staff: responses per day, the list, 详细作答情况 of a fill-in
question, one response, and marking it invalid or restoring it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.config import office_zone
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.surveys import analysis, invalidation, screening
from survey.surveys.charts import timeline_data
from survey.surveys.exports import has_invitations
from survey.surveys.models import Response, Source
from survey.surveys.personal import Reader
from survey.surveys.views.forms import InvalidateForm
from survey.surveys.views.manage.common import question_or_404, response_or_404, survey_or_404
from survey.web.access import requires
from survey.web.actions import attempt, audited
from survey.web.safety import page_number

SEARCH_MAX_LENGTH = 100


@requires(Permission.VIEW)
def responses(survey_id: int) -> ResponseReturnValue:
    """Responses per day (office time) and the list of single responses."""
    survey = survey_or_404(survey_id)
    session = get_session()
    status = request.args.get("status", "")
    faster_than, slower_than = _seconds("faster_than"), _seconds("slower_than")
    flag = request.args.get("flag", "")
    flag = flag if flag == "any" or flag in set(screening.Flag) else ""
    source = request.args.get("source", "")
    source = source if source in set(Source) else ""
    enterprise = request.args.get("enterprise", "").strip()[:SEARCH_MAX_LENGTH]
    days = analysis.timeline(session, survey, office_zone())
    listing = analysis.responses_page(
        session, survey, status, page_number(), faster_than=faster_than,
        slower_than=slower_than, flag=flag, source=source, enterprise=enterprise,
    )  # fmt: skip
    return render_template(
        "surveys/manage/responses.html",
        survey=survey,
        days=days,
        figure=timeline_data(days) if days else None,
        listing=listing,
        serials=analysis.serials(session, survey, listing.items),
        flags=screening.flags_of(session, survey, [r.id for r in listing.items]),
        flag_names=screening.FLAG_NAMES,
        flag_hints=screening.FLAG_HINTS,
        status=status,
        faster_than=faster_than,
        slower_than=slower_than,
        flag=flag,
        source=source,
        sources=analysis.SOURCE_NAMES,
        source_name=analysis.source_name,
        enterprise=enterprise,
        # Only a survey with invitations has enterprises to name or search for.
        invited=bool(survey.requires_invitation or has_invitations(session, survey)),
        flagged_valid=screening.count_flagged(session, survey, flag) if flag else 0,
        form=InvalidateForm(formdata=None),
    )


def _seconds(name: str) -> int | None:
    """A whole number of seconds in parameter ``name``, or None."""
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else None


@requires(Permission.INVALIDATE)
def invalidate_flagged(survey_id: int) -> ResponseReturnValue:
    """Mark every valid response with the chosen flag invalid, in one step."""
    survey = survey_or_404(survey_id)
    form = InvalidateForm()
    flag = request.form.get("flag", "")
    marked = attempt(
        lambda: screening.invalidate_flagged(
            get_session(), survey, flag, current_user, form.reason.data or "", utcnow()
        )
    )
    if isinstance(marked, int):
        flash(_("已作废 %(n)s 份答卷，不再计入统计", n=marked), "success")
    return redirect(url_for("surveys_admin.responses", survey_id=survey.id, flag=flag))


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
        answers=analysis.typed_answers(
            get_session(),
            question,
            Reader(current_app.config["DATA_KEYS"]),
            search,
            page_number(),
        ),
    )


@requires(Permission.VIEW)
def response_detail(response_id: int) -> ResponseReturnValue:
    """One response, its personal answers masked."""
    return _response_page(response_or_404(response_id), reveal=False)


@requires(Permission.REVEAL_PERSONAL)
def reveal_response(response_id: int) -> ResponseReturnValue:
    """The response with its personal answers in clear, for a user who may see them; the log
    records each time (a POST: neither a bookmark nor the history repeats it)."""
    response = response_or_404(response_id)
    audited("response.reveal", survey_or_404(response.survey_id), response=response.id)
    return _response_page(response, reveal=True)


def _response_page(response: Response, reveal: bool) -> str:
    survey = survey_or_404(response.survey_id)
    session = get_session()
    return render_template(
        "surveys/manage/response.html",
        survey=survey,
        response=response,
        serial=analysis.serials(session, survey, [response]).get(response.id),
        answers=analysis.response_answers(
            session, survey, response, Reader(current_app.config["DATA_KEYS"], reveal)
        ),
        revealed=reveal,
        source_name=analysis.source_name,
        flags=screening.flags_of(session, survey, [response.id]).get(response.id, []),
        flag_names=screening.FLAG_NAMES,
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
