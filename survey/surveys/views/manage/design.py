"""Making a questionnaire: a new draft, the designer (settings, questions, their
options and logic) and the respondent's preview beside it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.permissions import Permission
from survey.db import get_session
from survey.surveys import design
from survey.surveys.models import Question, Survey
from survey.surveys.questions import REGISTRY
from survey.surveys.views.display import form_page
from survey.surveys.views.forms import (
    MoveForm,
    NewQuestionForm,
    NewSurveyForm,
    QuestionForm,
    SettingsForm,
)
from survey.surveys.views.manage.common import question_or_404, survey_or_404
from survey.web.access import requires
from survey.web.actions import attempt, committed, flash_errors, refused
from survey.web.security import PREVIEW_HEADERS


@requires(Permission.DESIGN)
def new_survey() -> ResponseReturnValue:
    form = NewSurveyForm()
    if not form.validate_on_submit():
        page = render_template("surveys/manage/new.html", form=form)
        return (page, 422) if form.is_submitted() else page
    survey = attempt(
        lambda: design.new_draft(
            get_session(), current_user, form.title.data or "", form.issuer.data or ""
        )
    )
    if isinstance(survey, Refusal):
        return render_template("surveys/manage/new.html", form=form), 422
    return redirect(url_for("surveys_admin.designer", survey_id=survey.id))


def designer_page(
    survey: Survey,
    settings: SettingsForm | None = None,
    editing: QuestionForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The designer, with the forms as stored, but for one being corrected (``settings`` or
    ``editing``, bound to what was posted and showing its errors)."""
    editors = {
        question.id: editing
        if editing is not None and editing.question.id == question.id
        else QuestionForm.for_question(question)
        for question in survey.questions
    }
    answered = {q.id for q in survey.questions if q.respondent_count}
    page = render_template(
        "surveys/manage/designer.html",
        survey=survey,
        settings=settings or SettingsForm.of(survey),
        editors=editors,
        types=REGISTRY,
        answered=answered,
        # The form being corrected, for the page to open at it.
        correcting=editing.question.id if editing is not None else "settings" if settings else None,
    )
    return page, status


@requires(Permission.DESIGN)
def designer(survey_id: int) -> ResponseReturnValue:
    return designer_page(survey_or_404(survey_id))


def _back_to_designer(survey: Survey, question: Question | None = None) -> ResponseReturnValue:
    anchor = f"#question-{question.id}" if question is not None else ""
    return redirect(url_for("surveys_admin.designer", survey_id=survey.id) + anchor)


@requires(Permission.DESIGN)
def save_settings(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = SettingsForm()
    if not form.validate():
        return designer_page(survey, settings=form, status=422)
    try:
        committed(
            lambda: design.update_settings(
                get_session(),
                survey,
                current_user,
                title=form.title.data or "",
                issuer=form.issuer.data or "",
                description=form.description.data or "",
                thank_you=form.thank_you.data or "",
                opens_at=form.opens_at.data,
                closes_at=form.closes_at.data,
            )
        )
    except Refusal as refusal:
        refused(refusal)
        return designer_page(survey, settings=form, status=422)
    flash(_("已保存"), "success")
    return _back_to_designer(survey)


@requires(Permission.DESIGN)
def new_question(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = NewQuestionForm()
    if not form.validate():
        flash_errors(form)
        return _back_to_designer(survey)
    kind = form.type.data
    added = attempt(
        lambda: design.add_question(get_session(), survey, current_user, kind), _("已保存")
    )
    return _back_to_designer(survey, added if isinstance(added, Question) else None)


@requires(Permission.DESIGN)
def save_question(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    survey = question.survey
    form = QuestionForm.for_question(question, request.form)
    if not form.validate():
        return designer_page(survey, editing=form, status=422)
    jumps = form.jumps()  # by the options as posted, before the edit renumbers new ones

    def save() -> None:
        design.update_question(
            get_session(),
            question,
            current_user,
            title=form.title.data or "",
            help=form.help.data or "",
            required=form.required.data,
            personal=form.personal.data,
            type_name=form.chosen_type,
            settings=form.settings(),
            options=form.options.data,
        )
        design.set_logic(
            get_session(),
            question,
            current_user,
            any_of=form.show_mode.data == "any",
            conditions=form.conditions.data,
            jumps=jumps,
        )

    try:
        committed(save)
    except Refusal as refusal:
        # Shown again with every edit kept, the reason at the top.
        refused(refusal)
        return designer_page(survey, editing=form, status=422)
    flash(_("已保存"), "success")
    return _back_to_designer(survey, question)


@requires(Permission.DESIGN)
def move(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    step = -1 if MoveForm().direction.data == "up" else 1
    attempt(lambda: design.move_question(get_session(), question, current_user, step), _("已保存"))
    return _back_to_designer(question.survey, question)


@requires(Permission.DESIGN)
def duplicate(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    copy = attempt(
        lambda: design.duplicate_question(get_session(), question, current_user), _("已保存")
    )
    return _back_to_designer(question.survey, copy if isinstance(copy, Question) else None)


@requires(Permission.DESIGN)
def remove_question(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    survey = question.survey
    attempt(lambda: design.delete_question(get_session(), question, current_user), _("已保存"))
    return _back_to_designer(survey)


@requires(Permission.VIEW)
def preview(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    page = form_page(survey, MultiDict(), {}, "", "", preview=True)
    return page, 200, PREVIEW_HEADERS
