"""A survey's life from the staff's side: open (now or at a time), close, archive, copy, delete
a draft, delete every response."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.accounts.views import moved
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.permissions import Permission
from survey.db import get_session
from survey.review.views import put_forward
from survey.surveys import lifecycle, reviewables
from survey.surveys.models import Survey
from survey.surveys.views.forms import DeleteResponsesForm, OpenForm
from survey.surveys.views.manage.common import survey_or_404
from survey.web.access import requires
from survey.web.actions import attempt, refused


def _overview(survey: Survey) -> ResponseReturnValue:
    return redirect(url_for("surveys_admin.survey_overview", survey_id=survey.id))


@requires(Permission.RUN)
def open_survey(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = OpenForm()
    if not form.validate():
        refused(Refusal(problems=[*form.at.errors, *form.note.errors]))
        return _overview(survey)
    at = form.at.data
    put_forward(reviewables.OPEN, survey, {"at": at.isoformat() if at else None}, _("已开始收集"))
    return _overview(survey)


@requires(Permission.RUN)
def close_survey(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    attempt(lambda: lifecycle.close_survey(get_session(), survey, current_user), _("已结束收集"))
    return _overview(survey)


@requires(Permission.RUN)
def archive_survey(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    attempt(lambda: lifecycle.archive_survey(get_session(), survey, current_user), _("已归档"))
    return _overview(survey)


@requires(Permission.RUN)
def delete_responses(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = DeleteResponsesForm()
    deleted = attempt(
        lambda: lifecycle.delete_responses(
            get_session(), survey, current_user, form.confirm_title.data or ""
        )
    )
    if not isinstance(deleted, Refusal):
        flash(_("已删除 %(n)s 份答卷", n=deleted), "success")
    return _overview(survey)


@requires(Permission.RUN)
def copy(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    copied = attempt(
        lambda: lifecycle.copy_survey(get_session(), survey, current_user), _("已复制为新的草稿")
    )
    if isinstance(copied, Refusal):
        return _overview(survey)
    return redirect(url_for("surveys_admin.designer", survey_id=copied.id))


@requires(Permission.RUN)
def delete_survey(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    deleted = attempt(
        lambda: lifecycle.delete_draft(get_session(), survey, current_user), _("草稿已删除")
    )
    if isinstance(deleted, Refusal):
        return _overview(survey)
    return redirect(url_for("surveys_admin.dashboard"))


@requires(Permission.ALL_DEPARTMENTS)
def move_department(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    moved(survey)
    return _overview(survey)
