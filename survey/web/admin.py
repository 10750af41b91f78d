"""Staff workspace under /admin: dashboard, designer, preview, lifecycle, accounts, audit log.
Views are thin: they read the form, call a service function, commit, and redirect."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from survey import analysis, audit, charts, invitations, lifecycle, review, snapshot
from survey.accounts import AccountError, create_user, update_user
from survey.db import get_session
from survey.definition import DefinitionError, create_survey
from survey.design import (
    DesignError,
    OptionEdit,
    add_question,
    delete_question,
    duplicate_question,
    move_question,
    new_draft,
    parse_settings,
    set_logic,
    update_question,
    update_settings,
)
from survey.models import AuditEvent, Question, Response, Role, Survey, SurveyStatus, User, utcnow
from survey.publish import json as json_export
from survey.publish import tables
from survey.publish import text as text_export
from survey.publish.responses import CODINGS, csv_chunks, write_xlsx
from survey.questions import REGISTRY, get_type
from survey.results import MAX_CONDITIONS, Filter, crosstab, survey_results
from survey.textimport import load_any
from survey.timeutil import format_local, office_zone, parse_local
from survey.web.access import check_access, requires
from survey.web.respond import form_page
from survey.web.template_helpers import public_url

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(check_access)

STATUS_FILTERS = {
    "draft": _l("草稿"),
    "not_started": _l("未开始"),
    "open": _l("进行中"),
    "ended": _l("已结束"),
    "archived": _l("已归档"),
}
AUDIT_PAGE_SIZE = 100


def _survey(survey_id: int) -> Survey:
    survey = get_session().scalar(
        select(Survey)
        .where(Survey.id == survey_id)
        .options(selectinload(Survey.questions).selectinload(Question.options))
    )
    if survey is None:
        abort(404)
    return survey


def _question(question_id: int) -> Question:
    question = get_session().get(Question, question_id)
    if question is None:
        abort(404)
    return question


def _status_condition(status: str):  # type: ignore[no-untyped-def]
    now = utcnow()
    started = or_(Survey.opens_at.is_(None), Survey.opens_at <= now)
    not_over = or_(Survey.closes_at.is_(None), Survey.closes_at > now)
    return {
        "draft": Survey.status == SurveyStatus.DRAFT,
        "archived": Survey.status == SurveyStatus.ARCHIVED,
        "not_started": and_(Survey.status == SurveyStatus.OPEN, Survey.opens_at > now),
        "open": and_(Survey.status == SurveyStatus.OPEN, started, not_over),
        "ended": or_(
            Survey.status == SurveyStatus.CLOSED,
            and_(Survey.status == SurveyStatus.OPEN, Survey.closes_at <= now),
        ),
    }.get(status)


@bp.get("/")
@requires(Role.VIEWER)
def dashboard():  # type: ignore[no-untyped-def]
    query = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    statement = select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())
    condition = _status_condition(status)
    if condition is not None:
        statement = statement.where(condition)
    else:
        statement = statement.where(Survey.status != SurveyStatus.ARCHIVED)
    if query:
        statement = statement.where(Survey.title.contains(query, autoescape=True))
    return render_template(
        "admin/dashboard.html",
        surveys=get_session().scalars(statement).all(),
        query=query,
        status=status,
        filters=STATUS_FILTERS,
        now=utcnow(),
    )


@bp.route("/surveys/new", methods=["GET", "POST"])
@requires(Role.EDITOR)
def new_survey():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render_template("admin/new.html")
    session = get_session()
    try:
        survey = new_draft(
            session, current_user, request.form.get("title", ""), request.form.get("issuer", "")
        )
    except DesignError as error:
        flash(str(error), "error")
        return render_template("admin/new.html"), 422
    session.commit()
    return redirect(url_for("admin.designer", survey_id=survey.id))


@bp.route("/surveys/import", methods=["GET", "POST"])
@requires(Role.EDITOR)
def import_survey():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render_template("admin/import.html", text="", fmt="txt", problems=[])
    fmt = request.form.get("format", "txt")
    text = request.form.get("text", "")
    upload = request.files.get("file")
    if upload and upload.filename:
        try:
            text = upload.read(512 * 1024).decode("utf-8-sig")
        except UnicodeDecodeError:
            flash(_("文件不是 UTF-8 编码"), "error")
            return render_template("admin/import.html", text="", fmt=fmt, problems=[]), 422
    if fmt not in ("txt", "yaml", "json"):
        abort(400)
    try:
        loaded = load_any(text, office_zone(), fmt)
    except DefinitionError as error:
        page = render_template("admin/import.html", text=text, fmt=fmt, problems=error.problems)
        return page, 422
    session = get_session()
    survey = create_survey(session, loaded.definition)
    audit.record(session, current_user, "survey.import", survey, format=fmt)
    session.commit()
    for warning in loaded.warnings:
        flash(_("注意：%(problem)s", problem=warning), "warning")
    flash(_("已导入 %(n)s 道题，请检查后开始收集", n=len(survey.questions)), "success")
    return redirect(url_for("admin.designer", survey_id=survey.id))


def _choice_questions(survey: Survey) -> list[Question]:
    """The questions a report can be filtered or cross-tabulated by: one option per answer."""
    return [q for q in survey.questions if get_type(q.type).filterable]


def _filter_from(args: MultiDict[str, str], survey: Survey) -> Filter:
    """The report filter in the query string: since/until dates and chose=question:option."""
    zone = office_zone()
    try:
        since = parse_local(args["since"], zone) if args.get("since") else None
        until = parse_local(args["until"], zone, end_of_day=True) if args.get("until") else None
    except ValueError:
        abort(400)
    options = {o.id: q.id for q in _choice_questions(survey) for o in q.options}
    chosen: dict[int, list[int]] = {}
    for value in args.getlist("chose"):
        option_id = int(value) if value.isdigit() else None
        if option_id not in options:
            continue  # an empty "any" choice, or an option not of this survey
        chosen.setdefault(options[option_id], []).append(option_id)
    if len(chosen) > MAX_CONDITIONS:
        abort(400)
    return Filter(since, until, tuple((q, tuple(o)) for q, o in chosen.items()))


@bp.get("/surveys/<int:survey_id>")
@requires(Role.VIEWER)
def survey_overview(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    only = _filter_from(request.args, survey)
    results = survey_results(get_session(), survey, only)
    # The chart-type switch: chart-<question id>=<kind> in the query string, beside the filter.
    kinds = {
        t.question.id: charts.resolve_kind(
            t.question.type, request.args.get(f"chart-{t.question.id}"), len(t.rows), t.respondents
        )
        for t in results.tables
    }
    figures = {t.question.id: charts.figure_data(t, kinds[t.question.id]) for t in results.tables}
    return render_template(
        "admin/survey.html",
        survey=survey,
        results=results,
        figures=figures,
        kinds=kinds,
        chart_kinds=charts.CHART_KINDS,
        offered_kinds=charts.chart_kinds,
        query_with=_query_with,
        only=only,
        choice_questions=_choice_questions(survey),
        typed_questions=[
            q
            for q in survey.questions
            if not get_type(q.type).has_options or any(o.fill_in for o in q.options)
        ],
        phase=survey.phase(utcnow()),
    )


def _query_with(name: str, value: str) -> str:
    """This page's query string with one parameter set: switches that keep the filter."""
    args = request.args.copy()
    args[name] = value
    return "?" + urlencode(list(args.items(multi=True)))


@bp.get("/surveys/<int:survey_id>/crosstab")
@requires(Role.VIEWER)
def cross_tabulation(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    questions = {q.id: q for q in _choice_questions(survey)}
    rows_id = request.args.get("rows", type=int)
    columns_id = request.args.get("columns", type=int)
    only = _filter_from(request.args, survey)
    table = None
    if rows_id in questions and columns_id in questions and rows_id != columns_id:
        table = crosstab(get_session(), survey, questions[rows_id], questions[columns_id], only)
    return render_template(
        "admin/crosstab.html",
        survey=survey,
        questions=list(questions.values()),
        table=table,
        figure=charts.crosstab_data(table) if table else None,
        only=only,
        choice_questions=list(questions.values()),
    )


@bp.get("/surveys/<int:survey_id>/edit")
@requires(Role.EDITOR)
def designer(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    answered = {q.id for q in survey.questions if q.respondent_count}
    return render_template("admin/designer.html", survey=survey, types=REGISTRY, answered=answered)


def _moment(name: str, *, end: bool = False):  # type: ignore[no-untyped-def]
    value = request.form.get(name, "").strip()
    if not value:
        return None
    try:
        return parse_local(value, office_zone(), end_of_day=end)
    except ValueError:
        raise DesignError(_("时间格式应为 2024-03-01 08:00")) from None


def _designer_action(survey: Survey, action: Callable[[], object], anchor: str = "") -> object:
    """Run an edit, commit it or show why it was refused, and go back to the designer (to the
    question the edit returns, if it returns one)."""
    session = get_session()
    try:
        result = action()
        if isinstance(result, Question):
            anchor = f"#question-{result.id}"
    except DesignError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("已保存"), "success")
    return redirect(url_for("admin.designer", survey_id=survey.id) + anchor)


@bp.post("/surveys/<int:survey_id>/settings")
@requires(Role.EDITOR)
def save_settings(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    form = request.form
    return _designer_action(
        survey,
        lambda: update_settings(
            get_session(),
            survey,
            current_user,
            title=form.get("title", ""),
            issuer=form.get("issuer", ""),
            description=form.get("description", ""),
            thank_you=form.get("thank_you", ""),
            opens_at=_moment("opens_at"),
            closes_at=_moment("closes_at"),
        ),
    )


@bp.post("/surveys/<int:survey_id>/questions")
@requires(Role.EDITOR)
def new_question(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    return _designer_action(
        survey,
        lambda: add_question(get_session(), survey, current_user, request.form.get("type", "")),
    )


def option_edits(form: MultiDict[str, str]) -> list[OptionEdit]:
    """The option editor's rows, in the order shown: existing ids, or "new-..." keys."""
    keys, labels = form.getlist("option_key"), form.getlist("option_label")
    if len(keys) != len(labels):
        abort(400)
    fill_ins = set(form.getlist("option_fill_in"))
    return [
        OptionEdit(int(key) if key.isdigit() else None, label, key in fill_ins)
        for key, label in zip(keys, labels, strict=True)
    ]


def condition_edits(form: MultiDict[str, str]) -> list[tuple[int, bool]]:
    """The logic editor's condition rows: (option id, chosen); rows left blank are dropped."""
    options, tests = form.getlist("cond_option"), form.getlist("cond_test")
    if len(options) != len(tests) or not all(o.isdigit() for o in options if o):
        abort(400)
    return [(int(o), t != "not_chosen") for o, t in zip(options, tests, strict=True) if o]


def jump_edits(form: MultiDict[str, str]) -> dict[int, str]:
    """The logic editor's skip targets: option id -> question key or "end"."""
    jumps = _prefixed(form, "skip-")
    if not all(key.isdigit() for key in jumps):
        abort(400)
    return {int(option): to for option, to in jumps.items() if to}


def _prefixed(form: MultiDict[str, str], prefix: str) -> dict[str, str]:
    return {key[len(prefix) :]: value for key, value in form.items() if key.startswith(prefix)}


@bp.post("/questions/<int:question_id>")
@requires(Role.EDITOR)
def save_question(question_id: int):  # type: ignore[no-untyped-def]
    question = _question(question_id)
    form = request.form
    type_name = form.get("type", question.type)

    def save() -> None:
        update_question(
            get_session(),
            question,
            current_user,
            title=form.get("title", ""),
            help=form.get("help", ""),
            required=form.get("required") == "on",
            type_name=type_name,
            settings=parse_settings(type_name, _prefixed(form, f"setting-{type_name}-")),
            options=option_edits(form),
        )
        set_logic(
            get_session(),
            question,
            current_user,
            any_of=form.get("show_mode") == "any",
            conditions=condition_edits(form),
            jumps=jump_edits(form),
        )

    return _designer_action(question.survey, save, f"#question-{question.id}")


@bp.post("/questions/<int:question_id>/move")
@requires(Role.EDITOR)
def move(question_id: int):  # type: ignore[no-untyped-def]
    question = _question(question_id)
    step = -1 if request.form.get("direction") == "up" else 1
    return _designer_action(
        question.survey,
        lambda: move_question(get_session(), question, current_user, step),
        f"#question-{question.id}",
    )


@bp.post("/questions/<int:question_id>/duplicate")
@requires(Role.EDITOR)
def duplicate(question_id: int):  # type: ignore[no-untyped-def]
    question = _question(question_id)
    return _designer_action(
        question.survey, lambda: duplicate_question(get_session(), question, current_user)
    )


@bp.post("/questions/<int:question_id>/delete")
@requires(Role.EDITOR)
def remove_question(question_id: int):  # type: ignore[no-untyped-def]
    question = _question(question_id)
    return _designer_action(
        question.survey, lambda: delete_question(get_session(), question, current_user)
    )


@bp.get("/surveys/<int:survey_id>/preview")
@requires(Role.VIEWER)
def preview(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    page = form_page(survey, MultiDict(), {}, "", "", preview=True)
    # The designer shows this page in a frame of its own: allow framing by the same site only.
    return page, 200, {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": PREVIEW_CSP}


PREVIEW_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'; "
    "frame-ancestors 'self'"
)


def _transition(survey: Survey, action: str) -> None:
    session, now = get_session(), utcnow()
    if action == "open":
        lifecycle.open_survey(session, survey, current_user, now, _moment("at"))
    elif action == "close":
        lifecycle.close_survey(session, survey, current_user)
    elif action == "unpublish":
        lifecycle.unpublish_results(session, survey, current_user)
    elif action == "archive":
        lifecycle.archive_survey(session, survey, current_user)
    elif action == "delete-responses":
        count = lifecycle.delete_responses(
            session, survey, current_user, request.form.get("confirm_title", "")
        )
        flash(_("已删除 %(n)s 份答卷", n=count), "success")
    else:
        abort(404)


TRANSITION_MESSAGES = {
    "open": _l("已开始收集"),
    "close": _l("已结束收集"),
    "unpublish": _l("结果已撤回"),
    "archive": _l("已归档"),
}


@bp.post("/surveys/<int:survey_id>/lifecycle/<action>")
@requires(Role.EDITOR)
def transition(survey_id: int, action: str):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    session = get_session()
    try:
        _transition(survey, action)
    except (lifecycle.LifecycleError, DesignError) as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        if action in TRANSITION_MESSAGES:
            flash(str(TRANSITION_MESSAGES[action]), "success")
    return redirect(url_for("admin.survey_overview", survey_id=survey.id))


@bp.post("/surveys/<int:survey_id>/copy")
@requires(Role.EDITOR)
def copy(survey_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    copied = lifecycle.copy_survey(session, _survey(survey_id), current_user)
    session.commit()
    flash(_("已复制为新的草稿"), "success")
    return redirect(url_for("admin.designer", survey_id=copied.id))


@bp.post("/surveys/<int:survey_id>/delete")
@requires(Role.EDITOR)
def delete_survey(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    session = get_session()
    try:
        lifecycle.delete_draft(session, survey, current_user)
    except lifecycle.LifecycleError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.survey_overview", survey_id=survey.id))
    session.commit()
    flash(_("草稿已删除"), "success")
    return redirect(url_for("admin.dashboard"))


@bp.get("/surveys/<int:survey_id>/responses.<fmt>")
@requires(Role.EDITOR)
def export_responses(survey_id: int, fmt: str):  # type: ignore[no-untyped-def]
    """Every response as CSV (streamed) or XLSX; audited."""
    survey = _survey(survey_id)
    coding = request.args.get("coding", "text")
    if fmt not in ("csv", "xlsx") or coding not in CODINGS:
        abort(404)
    session = get_session()
    audit.record(session, current_user, "responses.export", survey, format=fmt, coding=coding)
    session.commit()
    name = f"{survey.title}-答卷.{fmt}"
    disposition = f"attachment; filename=responses.{fmt}; filename*=UTF-8''{quote(name)}"
    if fmt == "csv":
        chunks = csv_chunks(session, survey, office_zone(), coding)
        return current_app.response_class(
            stream_with_context(chunks),
            mimetype="text/csv",
            headers={"Content-Disposition": disposition},
        )
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_xlsx(session, survey, office_zone(), Path(spool.name), coding)
    response = send_file(
        spool.name,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )
    response.call_on_close(spool.close)
    return response


@bp.get("/surveys/<int:survey_id>/qr.<fmt>")
@requires(Role.VIEWER)
def qr_code(survey_id: int, fmt: str):  # type: ignore[no-untyped-def]
    """The QR code of the survey's public link, for posters (PNG) and print shops (SVG)."""
    survey = _survey(survey_id)
    if fmt not in invitations.QR_KINDS:
        abort(404)
    body = invitations.qr_code(public_url(survey.slug), fmt)
    response = _download(body, invitations.QR_KINDS[fmt], f"{survey.title}-二维码.{fmt}",
                         f"qr-{survey.slug}.{fmt}")  # fmt: skip
    if "inline" in request.args:  # shown on the survey page
        response.headers["Content-Disposition"] = "inline"
    return response


INVITATION_STATUSES = {"answered": _l("已填写"), "pending": _l("未填写")}


@bp.get("/surveys/<int:survey_id>/invitations")
@requires(Role.VIEWER)
def invitation_list(survey_id: int):  # type: ignore[no-untyped-def]
    """Invited enterprises with their links, who has answered, and the 回收率."""
    return _invitation_page(_survey(survey_id))


def _invitation_page(survey: Survey, problems: list | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    session = get_session()
    shown = request.args.get("status", "")
    page = render_template(
        "admin/invitations.html",
        survey=survey,
        entries=invitations.entries(session, survey, shown),
        rate=invitations.rate(session, survey),
        status=shown,
        statuses=INVITATION_STATUSES,
        base_url=public_url(survey.slug),
        problems=problems or [],
    )
    return page, status


@bp.post("/surveys/<int:survey_id>/invitations")
@requires(Role.EDITOR)
def upload_invitations(survey_id: int):  # type: ignore[no-untyped-def]
    """Import an enterprise list: all of it, or nothing and every bad row named."""
    survey = _survey(survey_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        problem = invitations.RowProblem(None, _("请选择名单文件（CSV 或 Excel）"))
        return _invitation_page(survey, [problem], 422)
    try:
        rows = invitations.read_list(upload.filename, upload.read())
    except invitations.ListError as error:
        return _invitation_page(survey, error.problems, 422)
    session = get_session()
    result = invitations.import_list(session, survey, current_user, rows)
    session.commit()
    flash(_("已邀请 %(n)s 家企业", n=result.added), "success")
    if result.skipped:
        flash("；".join(str(problem) for problem in result.skipped), "warning")
    return redirect(url_for("admin.invitation_list", survey_id=survey.id))


@bp.post("/surveys/<int:survey_id>/invitations/required")
@requires(Role.EDITOR)
def require_invitation(survey_id: int):  # type: ignore[no-untyped-def]
    survey = _survey(survey_id)
    session = get_session()
    required = request.form.get("required") == "on"
    invitations.set_required(session, survey, current_user, required)
    session.commit()
    flash(_("已设为仅限受邀企业填写") if required else _("已设为任何人可填写"), "success")
    return redirect(url_for("admin.invitation_list", survey_id=survey.id))


@bp.get("/surveys/<int:survey_id>/invitations.<fmt>")
@requires(Role.EDITOR)
def export_invitations(survey_id: int, fmt: str):  # type: ignore[no-untyped-def]
    """Every enterprise's link (or the not-yet-answered ones, for reminders) as CSV or XLSX."""
    survey = _survey(survey_id)
    status = request.args.get("status", "")
    if fmt not in ("csv", "xlsx") or status not in ("", "pending"):
        abort(404)
    session = get_session()
    audit.record(session, current_user, "invitations.export", survey, format=fmt, status=status)
    session.commit()
    rows = invitations.link_rows(session, survey, public_url(survey.slug), office_zone(), status)
    which = "未填写企业" if status else "邀请链接"
    name, ascii_name = f"{survey.title}-{which}.{fmt}", f"invitations.{fmt}"
    if fmt == "csv":
        body = invitations.links_csv(rows).encode("utf-8")
        return _download(body, "text/csv; charset=utf-8", name, ascii_name)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        invitations.write_links_xlsx(rows, Path(spool.name))
        body = Path(spool.name).read_bytes()
    return _download(body, RESULT_FORMATS["xlsx"], name, ascii_name)


@bp.route("/surveys/<int:survey_id>/publish", methods=["GET", "POST"])
@requires(Role.EDITOR)
def publish(survey_id: int):  # type: ignore[no-untyped-def]
    """Choose the questions, write the summary, set the minimum cell size, and publish."""
    survey = _survey(survey_id)
    session = get_session()
    latest = snapshot.latest_publication(session, survey)
    if request.method == "GET":
        return render_template(
            "admin/publish.html",
            survey=survey,
            chosen=snapshot.default_questions(survey, session),
            summary=latest.summary if latest else "",
            versions=snapshot.publications(session, survey),
        )
    form = request.form
    ids = {q.id for q in survey.questions}
    chosen = {int(v) for v in form.getlist("question") if v.isdigit() and int(v) in ids}
    k = form.get("min_cell_size", type=int)
    if k is None or not 1 <= k <= 100:
        flash(_("最小单元数应在 1 到 100 之间"), "error")
        return redirect(url_for("admin.publish", survey_id=survey.id))
    survey.min_cell_size = k
    try:
        publication = lifecycle.publish_results(
            session,
            survey,
            current_user,
            utcnow(),
            questions=chosen,
            summary=form.get("summary", "")[:20_000],
        )
    except lifecycle.LifecycleError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.survey_overview", survey_id=survey.id))
    session.commit()
    flash(_("结果已发布（第 %(n)s 版）", n=publication.version), "success")
    return redirect(url_for("admin.survey_overview", survey_id=survey.id))


@bp.get("/surveys/<int:survey_id>/responses")
@requires(Role.VIEWER)
def responses(survey_id: int):  # type: ignore[no-untyped-def]
    """Responses per day (office time) and the list of single responses."""
    survey = _survey(survey_id)
    session = get_session()
    status = request.args.get("status", "")
    days = analysis.timeline(session, survey, office_zone())
    return render_template(
        "admin/responses.html",
        survey=survey,
        days=days,
        figure=charts.timeline_data(days) if days else None,
        listing=analysis.responses_page(
            session, survey, status, max(request.args.get("page", 1, type=int), 1)
        ),
        status=status,
    )


@bp.get("/questions/<int:question_id>/answers")
@requires(Role.VIEWER)
def typed_answers(question_id: int):  # type: ignore[no-untyped-def]
    """详细作答情况: what respondents typed, paged and searchable."""
    question = _question(question_id)
    search = request.args.get("q", "").strip()[:100]
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "admin/answers.html",
        survey=question.survey,
        question=question,
        search=search,
        answers=analysis.typed_answers(get_session(), question, search, page),
    )


def _response(response_id: int) -> Response:
    response = get_session().get(Response, response_id)
    if response is None:
        abort(404)
    return response


@bp.get("/responses/<int:response_id>")
@requires(Role.VIEWER)
def response_detail(response_id: int):  # type: ignore[no-untyped-def]
    response = _response(response_id)
    survey = _survey(response.survey_id)
    return render_template(
        "admin/response.html",
        survey=survey,
        response=response,
        answers=analysis.response_answers(get_session(), survey, response),
    )


@bp.post("/responses/<int:response_id>/<action>")
@requires(Role.EDITOR)
def review_response(response_id: int, action: str):  # type: ignore[no-untyped-def]
    """Mark a response invalid (with a reason) or restore it."""
    response = _response(response_id)
    survey = _survey(response.survey_id)
    session = get_session()
    try:
        if action == "invalidate":
            review.mark_invalid(
                session, survey, response, current_user, request.form.get("reason", ""), utcnow()
            )
        elif action == "restore":
            review.restore(session, survey, response, current_user)
        else:
            abort(404)
    except review.ReviewError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash(_("已作废，不再计入统计") if action == "invalidate" else _("已恢复"), "success")
    return redirect(url_for("admin.response_detail", response_id=response.id))


RESULT_FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@bp.get("/surveys/<int:survey_id>/results.<fmt>")
@requires(Role.EDITOR)
def export_results(survey_id: int, fmt: str):  # type: ignore[no-untyped-def]
    """The current result tables (all questions, every count) in one format; audited."""
    survey = _survey(survey_id)
    if fmt not in RESULT_FORMATS:
        abort(404)
    session = get_session()
    results = survey_results(session, survey)
    audit.record(session, current_user, "results.export", survey, format=fmt)
    session.commit()
    body = _render_results(session, results, fmt)
    return _download(body, RESULT_FORMATS[fmt], f"{survey.title}-结果.{fmt}", f"results.{fmt}")


def _render_results(session, results, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    if fmt == "txt":
        return text_export.render(results).encode("utf-8")
    if fmt == "json":
        return json.dumps(json_export.render(results), ensure_ascii=False, indent=2).encode()
    document = snapshot.build(session, results)
    if fmt == "csv":
        return tables.to_csv(document).encode("utf-8")
    if fmt == "pdf":
        return tables.html_to_pdf(tables.printable_html(document, utcnow()))
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        tables.write_xlsx(document, Path(spool.name))
        return Path(spool.name).read_bytes()


@bp.get("/surveys/<int:survey_id>/open-data.zip")
@requires(Role.EDITOR)
def export_open_data(survey_id: int):  # type: ignore[no-untyped-def]
    """The latest published version as an open-data package; audited."""
    survey = _survey(survey_id)
    session = get_session()
    latest = snapshot.latest_publication(session, survey) if survey.results_published else None
    if latest is None:
        abort(404)
    audit.record(
        session, current_user, "results.export", survey, format="open-data", version=latest.version
    )
    session.commit()
    body = tables.open_data_zip(
        latest.content,
        survey.slug,
        latest.version,
        latest.published_at,
        format_local(latest.published_at, office_zone(), "%Y-%m-%d"),
    )
    name = f"{survey.slug}-open-data-v{latest.version}.zip"
    return _download(body, "application/zip", name, name)


def _download(body: bytes, mimetype: str, name: str, ascii_name: str):  # type: ignore[no-untyped-def]
    disposition = f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(name)}"
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Content-Disposition": disposition}
    )


@bp.get("/users")
@requires(Role.ADMIN)
def users():  # type: ignore[no-untyped-def]
    accounts = get_session().scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", accounts=accounts, all_roles=list(Role))


@bp.post("/users")
@requires(Role.ADMIN)
def add_user():  # type: ignore[no-untyped-def]
    session = get_session()
    form = request.form
    try:
        role = Role(form.get("role", ""))
        create_user(
            session,
            form.get("username", ""),
            form.get("password", ""),
            role,
            current_user,
            form.get("display_name", ""),
        )
    except (AccountError, ValueError) as error:
        session.rollback()
        flash(str(error) if isinstance(error, AccountError) else _("角色无效"), "error")
    else:
        session.commit()
        flash(_("账号已创建"), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>")
@requires(Role.ADMIN)
def edit_user(user_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    account = session.get(User, user_id) or abort(404)
    form = request.form
    try:
        update_user(
            session,
            account,
            current_user,
            role=Role(form["role"]) if form.get("role") else None,
            is_active=form.get("is_active") == "on" if "active_field" in form else None,
            password=form.get("password") or None,
        )
    except (AccountError, ValueError) as error:
        session.rollback()
        flash(str(error) if isinstance(error, AccountError) else _("角色无效"), "error")
    else:
        session.commit()
        flash(_("账号已更新"), "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@requires(Role.ADMIN)
def audit_log():  # type: ignore[no-untyped-def]
    session = get_session()
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    survey_id = request.args.get("survey", type=int)
    user_id = request.args.get("user", type=int)
    if survey_id:
        statement = statement.where(AuditEvent.survey_id == survey_id)
    if user_id:
        statement = statement.where(AuditEvent.user_id == user_id)
    page = max(request.args.get("page", 1, type=int), 1)
    events = session.scalars(
        statement.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    return render_template(
        "admin/audit.html",
        events=events[:AUDIT_PAGE_SIZE],
        has_more=len(events) > AUDIT_PAGE_SIZE,
        page=page,
        actions=audit.ACTIONS,
        surveys=session.execute(select(Survey.id, Survey.title).order_by(Survey.id.desc())).all(),
        accounts=session.execute(select(User.id, User.username).order_by(User.username)).all(),
        survey_id=survey_id,
        user_id=user_id,
    )
