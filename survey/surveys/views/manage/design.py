"""Making a questionnaire: a new draft, an import, the designer (settings, questions, their
options and logic) and the respondent's preview beside it."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from survey.config import office_zone
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _, _l
from survey.core.permissions import Permission
from survey.db import get_session
from survey.surveys import design, revisions
from survey.surveys.definition import DefinitionError
from survey.surveys.models import DesignRevision, Question, Survey
from survey.surveys.questions import REGISTRY, QuestionType, get_type
from survey.surveys.textimport import load_any
from survey.surveys.views.display import form_page
from survey.surveys.views.forms import (
    ImportForm,
    MoveForm,
    NewQuestionForm,
    NewSurveyForm,
    QuestionForm,
    SettingsForm,
)
from survey.surveys.views.manage.common import question_or_404, survey_or_404
from survey.web.access import requires
from survey.web.actions import attempt, committed, flash_each, flash_errors, refused
from survey.web.safety import as_id, id_argument
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


@requires(Permission.DESIGN)
def import_survey() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate_on_submit():
        page = render_template("surveys/manage/import.html", form=form, problems=[])
        return (page, 422) if form.is_submitted() else page
    try:
        loaded = load_any(form.content(), office_zone(), form.format.data)
    except ValueError as error:
        problems: list[object] = [error]
    except DefinitionError as error:
        problems = list(error.problems)
    else:
        survey = attempt(
            lambda: design.import_survey(
                get_session(), current_user, loaded.definition, form.format.data
            )
        )
        if isinstance(survey, Refusal):
            return redirect(url_for("surveys_admin.import_survey"))
        flash_each((_("注意：%(problem)s", problem=w) for w in loaded.warnings), "warning")
        flash(_("已导入 %(n)s 道题，请检查后开始收集", n=len(survey.questions)), "success")
        return redirect(url_for("surveys_admin.designer", survey_id=survey.id))
    page = render_template("surveys/manage/import.html", form=form, problems=problems)
    return page, 422


# The type palette's groups, in the order staff look for them; a type not named here is
# offered under the last group.
PALETTE = (
    (_l("选择"), ("single", "multiple", "dropdown", "ranking")),
    (_l("填空"), ("text", "textarea", "number", "date", "blanks")),
    (_l("联系方式与个人信息"), ("mobile", "email", "credit_code", "person_name", "id_number",
                              "address")),
    (_l("量表与矩阵"), ("scale", "nps", "matrix", "matrix_scale", "matrix_multiple")),
    (_l("说明与分页"), ("description", "page")),
)  # fmt: skip


def _palette() -> list[tuple[str, list[QuestionType]]]:
    named = {name for _group, names in PALETTE for name in names}
    groups = [
        (str(group), [REGISTRY[n] for n in names if n in REGISTRY]) for group, names in PALETTE
    ]
    groups[-1][1].extend(kind for name, kind in REGISTRY.items() if name not in named)
    return groups


def _answered(survey: Survey) -> set[int]:
    return {q.id for q in survey.questions if q.respondent_count}


def _partial(template: str, question: Question, **context: object) -> str:
    return render_template(
        f"surveys/manage/{template}",
        question=question,
        survey=question.survey,
        types=REGISTRY,
        answered=_answered(question.survey),
        submitted=MultiDict(),
        token="",
        **context,
    )


def _editor(question: Question, form: QuestionForm | None = None, correcting: bool = False) -> str:
    editor = form or QuestionForm.for_question(question)
    return _partial("_question_editor.html", question, editor=editor, correcting=correcting)


def _card(question: Question) -> str:
    return _partial("_question_card.html", question)


def _numbers(survey: Survey, **events: object) -> dict[str, str]:
    """Headers telling the page (designer.js) the questions' numbers after a change."""
    numbers = {q.id: q.number for q in survey.questions if get_type(q.type).answerable}
    return {"HX-Trigger": json.dumps({"designer-numbers": numbers, **events})}


def designer_page(
    survey: Survey,
    settings: SettingsForm | None = None,
    editing: QuestionForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The designer: every question as the respondent sees it, one of them open for editing
    (``?edit=<id>``, or ``editing``: a post being corrected, with its errors)."""
    editing_id = editing.question.id if editing is not None else id_argument("edit")
    open_question = next((q for q in survey.questions if q.id == editing_id), None)
    editor = editing or (QuestionForm.for_question(open_question) if open_question else None)
    revision = revisions.last(get_session(), survey)
    page = render_template(
        "surveys/manage/designer.html",
        survey=survey,
        settings=settings or SettingsForm.of(survey),
        editing_id=open_question.id if open_question else None,
        editor=editor,
        types=REGISTRY,
        palette=_palette(),
        answered=_answered(survey),
        submitted=MultiDict(),
        token="",
        last_change=_change_name(survey, revision) if revision else None,
        # The form being corrected, for the page to open at it.
        correcting=editing.question.id if editing is not None else "settings" if settings else None,
    )
    return page, status


def _change_name(survey: Survey, revision: DesignRevision) -> str:
    """What 撤销 takes back, in words: "修改题目（第 2 题）"."""
    action = str(audit.ACTIONS.get(revision.action, revision.action))
    number = next((q.number for q in survey.questions if q.key == revision.question_key), None)
    return _("%(action)s（第 %(n)s 题）", action=action, n=number) if number else action


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _htmx_refused(refusal: Refusal) -> ResponseReturnValue:
    """A refusal for designer.js to show where the page says what was saved."""
    return "", 422, {"HX-Trigger": json.dumps({"designer-refused": refusal.message})}


@requires(Permission.DESIGN)
def designer(survey_id: int) -> ResponseReturnValue:
    return designer_page(survey_or_404(survey_id))


@requires(Permission.DESIGN)
def question_editor(question_id: int) -> ResponseReturnValue:
    return _editor(question_or_404(question_id))


@requires(Permission.DESIGN)
def question_card(question_id: int) -> ResponseReturnValue:
    return _card(question_or_404(question_id))


def _back_to_designer(survey: Survey, question: Question | None = None) -> ResponseReturnValue:
    if question is None:
        return redirect(url_for("surveys_admin.designer", survey_id=survey.id))
    target = url_for("surveys_admin.designer", survey_id=survey.id, edit=question.id)
    return redirect(f"{target}#q-{question.id}")


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
    return redirect(url_for("surveys_admin.designer", survey_id=survey.id))


@requires(Permission.DESIGN)
def new_question(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = NewQuestionForm()
    if not form.validate():
        flash_errors(form)
        return _back_to_designer(survey)
    kind = form.type.data
    if _is_htmx():
        try:
            added = committed(
                lambda: design.add_question(get_session(), survey, current_user, kind)
            )
        except Refusal as refusal:
            return _htmx_refused(refusal)
        return _editor(added), 200, _numbers(survey)
    result = attempt(
        lambda: design.add_question(get_session(), survey, current_user, kind), _("已保存")
    )
    return _back_to_designer(survey, result if isinstance(result, Question) else None)


@requires(Permission.DESIGN)
def save_question(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    survey = question.survey
    form = QuestionForm.for_question(question, request.form)
    htmx = _is_htmx()
    if not form.validate():
        if htmx:
            return _editor(question, form, correcting=True), 422
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
        if htmx:
            return (
                _editor(question, form, correcting=True),
                422,
                {"HX-Trigger": json.dumps({"designer-refused": refusal.message})},
            )
        # Shown again with every edit kept, the reason at the top.
        refused(refusal)
        return designer_page(survey, editing=form, status=422)
    if htmx:
        saved = {"designer-saved": {"keys": _new_option_ids(form, question)}}
        if request.form.get("done"):
            return _card(question), 200, _numbers(survey, **saved)
        return "", 204, {"HX-Trigger": json.dumps(saved)}
    flash(_("已保存"), "success")
    if request.form.get("done"):
        return redirect(
            url_for("surveys_admin.designer", survey_id=survey.id) + f"#q-{question.id}"
        )
    return _back_to_designer(survey, question)


def _new_option_ids(form: QuestionForm, question: Question) -> dict[str, int]:
    """The ids given to options the editor added ("new-..." keys), so its next save renames
    them rather than adding them again. Labels are unique within a question."""
    ids = {o.label: o.id for o in question.active_options}
    keys = request.form.getlist("option_key")
    labels = [label.strip() for label in request.form.getlist("option_label")]
    return {
        key: ids[label]
        for key, label in zip(keys, labels, strict=False)
        if key.startswith("new") and label in ids
    }


@requires(Permission.DESIGN)
def move(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    step = -1 if MoveForm().direction.data == "up" else 1
    attempt(lambda: design.move_question(get_session(), question, current_user, step), _("已保存"))
    return redirect(
        url_for("surveys_admin.designer", survey_id=question.survey_id) + f"#q-{question.id}"
    )


@requires(Permission.DESIGN)
def reorder(survey_id: int) -> ResponseReturnValue:
    """The order the questions were dragged into (designer.js; no page of its own)."""
    survey = survey_or_404(survey_id)
    order = [as_id(value) for value in request.form.getlist("order")]
    try:
        committed(
            lambda: design.reorder_questions(
                get_session(), survey, current_user, [id for id in order if id is not None]
            )
        )
    except Refusal as refusal:
        return _htmx_refused(refusal)
    return "", 204, _numbers(survey)


@requires(Permission.DESIGN)
def duplicate(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    if _is_htmx():
        try:
            copy = committed(
                lambda: design.duplicate_question(get_session(), question, current_user)
            )
        except Refusal as refusal:
            return _htmx_refused(refusal)
        return _card(copy), 200, _numbers(question.survey)
    result = attempt(
        lambda: design.duplicate_question(get_session(), question, current_user), _("已保存")
    )
    return _back_to_designer(question.survey, result if isinstance(result, Question) else None)


@requires(Permission.DESIGN)
def remove_question(question_id: int) -> ResponseReturnValue:
    question = question_or_404(question_id)
    survey = question.survey
    if _is_htmx():
        try:
            committed(lambda: design.delete_question(get_session(), question, current_user))
        except Refusal as refusal:
            return _htmx_refused(refusal)
        return "", 200, _numbers(survey)
    attempt(lambda: design.delete_question(get_session(), question, current_user), _("已保存"))
    return _back_to_designer(survey)


@requires(Permission.DESIGN)
def undo(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    revision = revisions.last(get_session(), survey)
    name = _change_name(survey, revision) if revision else ""
    attempt(
        lambda: design.undo_last(get_session(), survey, current_user),
        _("已撤销：%(change)s", change=name),
    )
    return redirect(url_for("surveys_admin.designer", survey_id=survey.id))


@requires(Permission.VIEW)
def preview(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    page = form_page(survey, MultiDict(), {}, "", "", preview=True)
    return page, 200, PREVIEW_HEADERS
