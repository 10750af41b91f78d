"""导入问卷: a questionnaire pasted as text, or uploaded (Word .docx, text, YAML, JSON), shown
as a preview of what will be created beside the text, then created as a draft.

Two posts, no script: 预览 reads the text (a Word file's text goes into the text box, where
staff correct it) and lists the questions, every guess as a warning and every problem by its
question; 创建问卷 creates what was previewed and opens the designer. Content changed since its
preview is shown again before it is created."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from survey.config import office_zone
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.permissions import Permission
from survey.db import get_session
from survey.surveys import design
from survey.surveys.definition import MAX_PROBLEMS, DefinitionError, Problem
from survey.surveys.questions import REGISTRY
from survey.surveys.textimport import TextImport, load_any, outline
from survey.surveys.views.forms import ImportForm
from survey.surveys.wordimport import MAX_UPLOAD_BYTES
from survey.web.access import requires
from survey.web.actions import attempt, flash_each
from survey.web.errors import render_error
from survey.web.safety import room_for_uploads

TEMPLATE = "surveys/manage/import.html"
ENDPOINT = "surveys_admin.import_survey"


# The import takes a Word file, which may hold pictures: as large as Word drafts may be.
room_for_a_word_file = room_for_uploads({ENDPOINT: MAX_UPLOAD_BYTES}, Permission.DESIGN)


def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A file over the limit: the import page again, saying what the limit is."""
    if request.endpoint != ENDPOINT:
        return render_error(413)
    limit = _("文件超过 %(n)s MB，请删去文档中的图片后重试", n=MAX_UPLOAD_BYTES // 2**20)
    page = render_template(TEMPLATE, form=ImportForm(formdata=None), problems=[limit])
    return page, 413


@requires(Permission.DESIGN)
def import_survey() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate_on_submit():
        page = render_template(TEMPLATE, form=form, problems=[])
        return (page, 422) if form.is_submitted() else page
    previewing = "preview" in request.form
    previewed = form.previewed.data
    try:
        content, file_warnings = form.content()
        loaded = load_any(content, office_zone(), form.format.data)
    except (ValueError, Refusal) as error:
        problems = (
            [p.in_words() for p in error.problems]
            if isinstance(error, DefinitionError)
            else [error.message if isinstance(error, Refusal) else str(error)]
        )
        return render_template(TEMPLATE, form=form, problems=problems, previewing=True), 422
    changed = bool(previewed) and previewed != form.fingerprint()
    if previewing or changed:
        return _preview(form, loaded, file_warnings, changed)
    survey = attempt(
        lambda: design.import_survey(
            get_session(), current_user, loaded.definition, form.format.data
        )
    )
    if isinstance(survey, Refusal):
        return redirect(url_for("surveys_admin.import_survey"))
    flash_each((_("注意：%(problem)s", problem=w) for w in loaded.warnings), "warning")
    asked = sum(1 for question in survey.questions if REGISTRY[question.type].answerable)
    flash(_("已导入 %(n)s 道题，请检查后开始收集", n=asked), "success")
    return redirect(url_for("surveys_admin.designer", survey_id=survey.id))


def _preview(
    form: ImportForm, loaded: TextImport, file_warnings: list[str], changed: bool
) -> ResponseReturnValue:
    form.previewed.data = form.fingerprint()
    warnings: list[str | Problem] = [*file_warnings, *loaded.warnings]
    return render_template(
        TEMPLATE,
        form=form,
        problems=[],
        previewing=True,
        changed=changed,
        definition=loaded.definition,
        items=outline(loaded.definition),
        warnings=[str(w) for w in warnings[:MAX_PROBLEMS]],
        unlisted=max(0, len(warnings) - MAX_PROBLEMS),
    )
