"""The staff's pages of 意见征集: the list, a new consultation (pasted or uploaded draft), its
settings and draft versions, opening and closing, the opinion queue with its batch actions,
offline entry, publishing the 意见采纳情况, and its exports."""

from __future__ import annotations

import io
from datetime import datetime, time

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from survey.accounts.views import moved
from survey.config import office_zone
from survey.consultations import (
    design,
    feedback,
    handling,
    lifecycle,
    opinions,
    queries,
    reviewables,
)
from survey.consultations.handling import parse_outcomes
from survey.consultations.models import (
    SCREENING_LABELS,
    Channel,
    Consultation,
    Opinion,
    Screening,
)
from survey.consultations.opinions import Draft, OpinionRefused
from survey.consultations.views.forms import (
    NewConsultationForm,
    OfflineOpinionForm,
    PublishForm,
    RevisionForm,
    SettingsForm,
)
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.timeutil import to_utc
from survey.db import get_session
from survey.publishing.html import printable_opinions_html
from survey.publishing.renderers import opinions as opinion_tables
from survey.publishing.renderers import pdf
from survey.review.services import came_back, open_request
from survey.review.views import WithdrawForm, put_forward, withdraw
from survey.web.access import requires
from survey.web.actions import attempt, audited, committed, flash_each, flash_errors, refused
from survey.web.safety import as_id, local_path, page_number


def outcomes() -> tuple[handling.Outcome, ...]:
    return parse_outcomes(current_app.config["OPINION_OUTCOMES"])


def consultation_or_404(consultation_id: int) -> Consultation:
    consultation = queries.consultation_by_id(get_session(), consultation_id)
    if consultation is None:
        abort(404)
    if not current_user.reaches(consultation):
        abort(403)
    return consultation


def _back(consultation: Consultation, view: str = ".overview") -> Response:
    return redirect(url_for(view, consultation_id=consultation.id))


@requires(Permission.VIEW)
def consultations() -> ResponseReturnValue:
    return render_template(
        "consultations/manage/list.html",
        rows=queries.staff_list(get_session(), current_user.reach(Consultation.department_id)),
        now=utcnow(),
    )


@requires(Permission.DESIGN)
def new_consultation() -> ResponseReturnValue:
    form = NewConsultationForm()
    if form.validate_on_submit():
        try:
            text, file_warnings = form.draft_text()
            consultation, warnings = committed(
                lambda: design.create_consultation(
                    get_session(), current_user, form.settings(), text
                )
            )
        except Refusal as refusal:
            refused(refusal)
        else:
            flash(
                _("已创建意见征集，共 %(n)s 个条款", n=len(consultation.current.commentable_parts)),
                "success",
            )
            flash_each([*file_warnings, *warnings], "warning")
            return _back(consultation)
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/manage/new.html", form=form), status


@requires(Permission.VIEW)
def overview(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    session = get_session()
    now = utcnow()
    return render_template(
        "consultations/manage/overview.html",
        consultation=consultation,
        phase=consultation.phase(now),
        now=now,
        period_warning=lifecycle.period_warning(consultation, office_zone(), now),
        tally=queries.tally(session, consultation),
        counts=queries.counts_by_part(session, consultation),
        settings_form=SettingsForm.of(consultation),
        revision_form=RevisionForm(data={"text": consultation.current.text}),
        publications=feedback.publications(session, consultation),
    )


@requires(Permission.DESIGN)
def save_settings(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = SettingsForm()
    if form.validate_on_submit():
        attempt(
            lambda: design.update_settings(
                get_session(), consultation, current_user, form.settings()
            ),
            _("设置已保存"),
        )
    else:
        flash_errors(form)
    return _back(consultation)


@requires(Permission.DESIGN)
def revise(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = RevisionForm()
    if form.validate_on_submit():
        result = attempt(
            lambda: design.revise_draft(
                get_session(), consultation, current_user, form.text.data or "",
                form.note.data or "",
            ),
            _("征求意见稿已保存（第 %(n)s 版）", n=consultation.current.number),
        )  # fmt: skip
        if not isinstance(result, Refusal):
            flash_each(result, "warning")
    else:
        flash_errors(form)
    return _back(consultation)


@requires(Permission.RUN)
def open_consultation(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    done = put_forward(
        reviewables.OPEN, consultation, {}, _("已开始征集意见"), request.form.get("note", "")
    )
    warning = lifecycle.period_warning(consultation, office_zone(), utcnow())
    if not isinstance(done, Refusal) and warning:
        flash(warning, "warning")
    return _back(consultation)


@requires(Permission.ALL_DEPARTMENTS)
def move_department(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    moved(consultation)
    return _back(consultation)


@requires(Permission.RUN)
def close_consultation(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    attempt(
        lambda: lifecycle.close_consultation(get_session(), consultation, current_user, utcnow()),
        _("已结束征集"),
    )
    return _back(consultation)


def _queue_filter() -> queries.QueueFilter:
    args = request.args
    handled = {"yes": True, "no": False}.get(args.get("handled", ""))
    return queries.QueueFilter(
        part_key=args.get("part") if "part" in args and args.get("part") != "*" else None,
        screening=args.get("screening") if args.get("screening") in set(Screening) else None,
        channel=args.get("channel") if args.get("channel") in set(Channel) else None,
        handled=handled,
        flagged=args.get("flagged") == "1",
    )


@requires(Permission.VIEW)
def opinion_queue(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    session = get_session()
    page = page_number()
    chosen = _queue_filter()
    rows, total = queries.queue(session, consultation, chosen, page)
    return render_template(
        "consultations/manage/opinions.html",
        consultation=consultation,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // queries.QUEUE_PAGE)),
        chosen=chosen,
        args=request.args,
        tally=queries.tally(session, consultation),
        counts=queries.counts_by_part(session, consultation),
        outcomes=outcomes(),
    )


BATCH_SCREENING = {
    "approve": Screening.APPROVED,
    "spam": Screening.SPAM,
    "duplicate": Screening.DUPLICATE,
    "off_topic": Screening.OFF_TOPIC,
    "restore": Screening.PENDING,
}


@requires(Permission.HANDLE_OPINIONS)
def batch(consultation_id: int) -> ResponseReturnValue:
    """One action on the opinions ticked in the queue."""
    consultation = consultation_or_404(consultation_id)
    # Back to the queue as it was filtered and paged.
    back = redirect(
        local_path(
            request.form.get("back"),
            url_for(".opinion_queue", consultation_id=consultation.id),
        )
    )
    form = FlaskForm()  # the CSRF check; the fields are the queue's own
    if not form.validate_on_submit():
        flash_errors(form)
        return back
    ids = [i for i in map(as_id, request.form.getlist("ids")) if i is not None]
    action = request.form.get("action", "")
    session = get_session()
    if action in BATCH_SCREENING:
        screening = BATCH_SCREENING[action]
        attempt(
            lambda: handling.screen(session, consultation, current_user, ids, screening),
            _("已标记 %(n)s 条意见：%(state)s", n=len(ids), state=SCREENING_LABELS[screening]),
        )
    elif action == "merge":
        attempt(
            lambda: handling.merge(session, consultation, current_user, ids),
            _("已合并 %(n)s 条意见", n=len(ids)),
        )
    elif action == "unmerge":
        attempt(lambda: handling.unmerge(session, consultation, current_user, ids), _("已取消合并"))
    elif action == "answer":
        outcome = request.form.get("outcome", "")
        reason = request.form.get("reason", "")
        attempt(
            lambda: handling.answer(
                session, consultation, current_user, ids, outcome, reason, outcomes(), utcnow()
            ),
            _("已填写 %(n)s 条意见的处理结果：%(outcome)s", n=len(ids), outcome=outcome),
        )
    else:
        flash(_("请选择要执行的操作"), "error")
    return back


@requires(Permission.HANDLE_OPINIONS)
def opinion_detail(consultation_id: int, opinion_id: int) -> ResponseReturnValue:
    """One opinion in full, with the sender's contact details (each viewing is audited)."""
    consultation = consultation_or_404(consultation_id)
    opinion = get_session().get(Opinion, opinion_id)
    if opinion is None or opinion.consultation_id != consultation.id:
        abort(404)
    if opinion.contact:
        audited("opinion.contact", consultation, receipt=opinion.receipt)
    return render_template(
        "consultations/manage/opinion.html",
        consultation=consultation,
        opinion=opinion,
    )


def _part_choices(consultation: Consultation) -> list[tuple[str, str]]:
    return [("", _("整体意见"))] + [
        (str(part.id), part.name) for part in consultation.current.commentable_parts
    ]


@requires(Permission.HANDLE_OPINIONS)
def enter_opinion(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    form = OfflineOpinionForm()
    form.part.choices = _part_choices(consultation)
    status = 200
    if form.validate_on_submit():
        received = form.received_on.data
        assert received is not None
        draft = Draft(
            body=form.body.data or "",
            name=form.name.data or "",
            contact=form.contact.data or "",
            part_id=int(form.part.data) if (form.part.data or "").isdigit() else None,
        )
        try:
            opinion = committed(
                lambda: opinions.enter(
                    get_session(), consultation, current_user, draft, Channel(form.channel.data),
                    to_utc(datetime.combine(received, time(12)), office_zone()),
                    current_app.config["SECRET_KEY"],
                )
            )  # fmt: skip
        except OpinionRefused as refusal:
            for name, message in refusal.fields.items():
                field = getattr(form, name, None)
                (field.errors if field is not None else form.form_errors).append(message)
            status = 422
        else:
            flash(_("已录入意见，编号 %(receipt)s", receipt=opinion.receipt), "success")
            return redirect(url_for(".enter_opinion", consultation_id=consultation.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "consultations/manage/enter.html", consultation=consultation, form=form
    ), status


@requires(Permission.PUBLISH)
def publish(consultation_id: int) -> ResponseReturnValue:
    """The 意见采纳情况 as it would be published (a preview), and publishing it."""
    consultation = consultation_or_404(consultation_id)
    session = get_session()
    now = utcnow()
    form = PublishForm()
    back = came_back(session, reviewables.PUBLISH, consultation)
    if not form.is_submitted() and back is not None:  # start from what was sent
        form = PublishForm(
            formdata=None,
            by_article=back.params["by_article"],
            summary=back.params["summary"],
            note=back.note,
        )
    if form.validate_on_submit() and request.form.get("confirm") == "publish":
        params = reviewables.publish_params(
            list(outcomes()), bool(form.by_article.data), form.summary.data or ""
        )
        result = put_forward(
            reviewables.PUBLISH, consultation, params,
            lambda made: _("已发布第 %(n)s 版意见采纳情况", n=made["version"]),
            form.note.data or "",
        )  # fmt: skip
        if not isinstance(result, Refusal):
            return _back(consultation)
    document = feedback.document(
        session, consultation, office_zone(), outcomes(),
        by_article=form.by_article.data, summary=form.summary.data or "",
    )  # fmt: skip
    return render_template(
        "consultations/manage/publish.html",
        consultation=consultation,
        form=form,
        document=document,
        not_ready=feedback.not_ready(session, consultation, now),
        now=now,
        pending=open_request(session, reviewables.PUBLISH, consultation),
        came_back=back,
    )


@requires(Permission.PUBLISH)
def withdraw_feedback(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    withdraw(reviewables.WITHDRAW, consultation, WithdrawForm(), _("已撤回采纳情况"))
    return _back(consultation)


# The workspace's file suffix of each format, and its media type.
EXPORT_TYPES = {
    "txt": ("text", "text/plain; charset=utf-8"),
    "json": ("json", "application/json"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("pdf", "application/pdf"),
}


@requires(Permission.EXPORT)
def export_feedback(consultation_id: int, fmt: str) -> ResponseReturnValue:
    """The 意见采纳情况 as it stands (the live document, not a published version)."""
    consultation = consultation_or_404(consultation_id)
    if fmt not in EXPORT_TYPES:
        abort(404)
    kind, mimetype = EXPORT_TYPES[fmt]
    document = feedback.document(get_session(), consultation, office_zone(), outcomes())
    if kind == "pdf":
        try:
            content = pdf.html_to_pdf(printable_opinions_html(document, None))
        except Refusal as refusal:
            refused(refusal)
            return _back(consultation)
    else:
        content = opinion_tables.export(document, kind)
    audited("feedback.export", consultation, format=fmt)
    return send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"feedback-{consultation.slug}.{fmt}",
    )
