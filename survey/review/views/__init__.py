"""The staff's side of review: 待我审核, one request with its preview, signing, returning and
the 发布后复查; the office's chain; and ``put_forward``, which every feature's view calls to
send something public through the chain (or straight out when the install turned review off)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from survey.config import office_zone
from survey.core.errors import Refusal
from survey.core.i18n import _, _l
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.review import services
from survey.review.kinds import KINDS, Moment, Params, Subject, kind_of
from survey.review.models import RequestStatus, ReviewRequest
from survey.web.access import check_access, requires
from survey.web.actions import attempt, committed, refused
from survey.web.safety import local_path

# How each feature shows what a request would make public, as the public would see it:
# (request, its item) -> a page.
Preview = Callable[[ReviewRequest, Any], ResponseReturnValue]


@dataclass(frozen=True)
class Pages:
    """What a feature's views tell review about its items (by the items' column)."""

    column: str  # "survey_id"
    staff_page: Callable[[int], str]  # the item's staff page, by id
    public_page: Callable[[int], str | None]  # where the public reads what it published
    previews: dict[str, Preview]  # action -> preview


PREVIEWS: dict[str, Preview] = {}
PAGES: dict[str, Pages] = {}
ITEM_PAGES: dict[str, Callable[[int], str]] = {}

STATUS_LABELS = {
    RequestStatus.PENDING: _l("审核中"),
    RequestStatus.RETURNED: _l("已退回"),
    RequestStatus.VOIDED: _l("送审已作废"),
    RequestStatus.CANCELLED: _l("已取消送审"),
    RequestStatus.DONE: _l("已通过"),
    RequestStatus.URGENT: _l("紧急撤回"),
}


def register(pages: Pages) -> None:
    PAGES[pages.column] = pages
    PREVIEWS.update(pages.previews)
    ITEM_PAGES[pages.column] = pages.staff_page


def step_label(name: str) -> str:
    return str(services.STEP_LABELS.get(name, name))


def moment() -> Moment:
    return Moment(utcnow(), office_zone())


def review_on() -> bool:
    return bool(current_app.config["REVIEW"])


class SignForm(FlaskForm):
    comment = TextAreaField(_l("签核意见"), validators=[Optional(), Length(max=2000)])


class CheckForm(FlaskForm):
    confirmed = SelectMultipleField(
        _l("复查项目"),
        choices=[SelectChoice(key, label) for key, label in services.CHECK_ITEMS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    note = TextAreaField(_l("复查说明"), validators=[Optional(), Length(max=2000)])


class ChainForm(FlaskForm):
    chain = RadioField(
        _l("审核流程"),
        choices=[SelectChoice(key, label) for key, label in services.CHAIN_NAMES.items()],
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("撤回原因（公众页面会显示）"), validators=[Length(max=500)])
    urgent = BooleanField(_l("紧急撤回：立即撤下，不经审核（仅管理员，记入操作日志）"))


def put_forward(
    action: str,
    subject: Subject,
    params: Params,
    done: str | Callable[[dict[str, Any]], str],
    note: str = "",
) -> ReviewRequest | dict[str, Any] | Refusal:
    """Send ``subject`` public by ``action``: submitted for review (and says so), or carried
    out at once when review is off (and says ``done``, or ``done`` of what it made); a
    refusal is shown."""
    result = attempt(
        lambda: services.go_public(
            get_session(), action, subject, current_user, params, moment(),
            review=review_on(), note=note,
        )
    )  # fmt: skip
    if isinstance(result, ReviewRequest):
        flash(
            _("已送审：%(what)s，等待%(step)s", what=kind_of(action).label,
              step=step_label(result.chain[0]["name"])),
            "success",
        )  # fmt: skip
    elif not isinstance(result, Refusal):
        flash(done(result) if callable(done) else done, "success")
    return result


def withdraw(action: str, subject: Subject, form: WithdrawForm, done: str) -> None:
    """A withdrawal from a feature's page: through the chain, or at once when urgent."""
    params = {"reason": (form.reason.data or "").strip()}
    if form.validate() and form.urgent.data and review_on():
        result = attempt(
            lambda: services.withdraw_now(
                get_session(), action, subject, current_user, params, moment()
            )
        )
        if not isinstance(result, Refusal):
            flash(done, "success")
        return
    if form.errors:
        refused(Refusal(problems=[e for errors in form.errors.values() for e in errors]))
        return
    put_forward(action, subject, params, done)


def _request_or_404(request_id: int) -> tuple[ReviewRequest, Any]:
    session = get_session()
    found = services.request_by_id(session, request_id)
    if found is None:
        abort(404)
    subject = kind_of(found.action).load(session, found.subject_id)
    if subject is not None and not current_user.reaches(subject):
        abort(403)
    return found, subject


@requires(Permission.VIEW)
def inbox() -> ResponseReturnValue:
    """待我审核, and where what I submitted stands."""
    session = get_session()
    to_sign, to_check = services.for_me(session, current_user)
    return render_template(
        "review/inbox.html",
        to_sign=to_sign,
        to_check=to_check,
        returned=services.returned_to(session, current_user),
        mine=services.mine(session, current_user),
        submits=any(current_user.can(kind.permission) for kind in KINDS.values()),
    )


@requires(Permission.VIEW)
def detail(request_id: int) -> ResponseReturnValue:
    found, subject = _request_or_404(request_id)
    session = get_session()
    if services.void_if_changed(session, found, moment()):
        session.commit()
    live_hash = services.live_hash_of(session, found)
    return render_template(
        "review/request.html",
        found=found,
        subject=subject,
        why_not=services.why_not_sign(found, current_user, subject),
        form=SignForm(),
        check_form=CheckForm(),
        live_hash=live_hash,
        may_check=_may_check(found, live_hash),
        later_step=services.later_signer(found, current_user),
        previews=PREVIEWS,
        public_url=PAGES[kind_of(found.action).column].public_page(found.subject_id),
    )


def _may_check(found: ReviewRequest, live_hash: str | None) -> bool:
    return (
        live_hash is not None
        and found.checked_at is None
        and current_user.can(Permission.REVIEW)
        and found.submitted_by_id != current_user.id
    )


@requires(Permission.VIEW)
def preview(request_id: int) -> ResponseReturnValue:
    found, subject = _request_or_404(request_id)
    if subject is None or found.action not in PREVIEWS:
        abort(404)
    return PREVIEWS[found.action](found, subject)


def _back(found: ReviewRequest) -> ResponseReturnValue:
    own_page = url_for("review_admin.detail", request_id=found.id)
    return redirect(local_path(request.form.get("next"), own_page))


@requires(Permission.REVIEW)
def approve(request_id: int) -> ResponseReturnValue:
    found, _subject = _request_or_404(request_id)
    form = SignForm()
    if not form.validate():
        abort(400)
    session = get_session()
    try:
        committed(
            lambda: services.approve(
                session, found, current_user, moment(), form.comment.data or ""
            )
        )
    except Refusal as refusal:
        if found.status == RequestStatus.VOIDED:
            session.commit()  # the voiding stands, whatever was refused
        refused(refusal)
        return _back(found)
    if found.status == RequestStatus.DONE:
        flash(_("审核通过，已%(what)s", what=kind_of(found.action).label), "success")
    else:
        flash(
            _(
                "审核通过，已转%(step)s",
                step=step_label(found.next_step["name"]) if found.next_step else "",
            ),
            "success",
        )
    return _back(found)


@requires(Permission.REVIEW)
def send_back(request_id: int) -> ResponseReturnValue:
    found, _subject = _request_or_404(request_id)
    form = SignForm()
    if not form.validate():
        abort(400)
    attempt(
        lambda: services.send_back(
            get_session(), found, current_user, moment(), form.comment.data or ""
        ),
        _("已退回送审人修改"),
    )
    return _back(found)


@requires(Permission.VIEW)
def cancel(request_id: int) -> ResponseReturnValue:
    found, _subject = _request_or_404(request_id)
    if not FlaskForm().validate():
        abort(400)
    attempt(lambda: services.cancel(get_session(), found, current_user, moment()), _("已取消送审"))
    return _back(found)


@requires(Permission.REVIEW)
def post_check(request_id: int) -> ResponseReturnValue:
    found, _subject = _request_or_404(request_id)
    form = CheckForm()
    if not form.validate():
        abort(400)
    attempt(
        lambda: services.post_check(
            get_session(), found, current_user, moment(),
            confirmed=form.confirmed.data or [],
            note=form.note.data or "",
        ),
        _("复查已记录"),
    )  # fmt: skip
    return _back(found)


@requires(Permission.MANAGE_ACCOUNTS)
def chain() -> ResponseReturnValue:
    session = get_session()
    form = ChainForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.set_office_chain(session, form.chain.data or "", current_user),
            _("审核流程已保存，之后的送审按新流程审核"),
        )
        return redirect(url_for("review_admin.chain"))
    form.chain.data = services.office_chain_name(session)
    return render_template("review/chain.html", form=form, review=review_on())


bp = Blueprint("review_admin", __name__, url_prefix="/admin/review")
bp.before_request(check_access)
for rule, view, methods in (
    ("/", inbox, ["GET"]),
    ("/chain", chain, ["GET", "POST"]),
    ("/<int:request_id>", detail, ["GET"]),
    ("/<int:request_id>/preview", preview, ["GET"]),
    ("/<int:request_id>/approve", approve, ["POST"]),
    ("/<int:request_id>/return", send_back, ["POST"]),
    ("/<int:request_id>/cancel", cancel, ["POST"]),
    ("/<int:request_id>/check", post_check, ["POST"]),
):
    bp.add_url_rule(rule, view_func=view, methods=methods)


def standing(column: str, item_id: int) -> list[ReviewRequest]:
    """An item's latest requests for its staff page, a pending one whose item changed since
    it was submitted voided first, so that the page says so."""
    session = get_session()
    found = services.requests_of(session, column, item_id)[:5]
    now = moment()
    if any([services.void_if_changed(session, one, now) for one in found]):
        session.commit()
    return found


def waiting_count() -> int:
    """The staff header's 待我审核 count."""
    if not current_user.is_authenticated or not review_on():
        return 0
    return services.count_for_me(get_session(), current_user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        review_waiting=waiting_count,
        review_status_labels=STATUS_LABELS,
        review_kinds=KINDS,
        review_item_pages=ITEM_PAGES,
        review_requests=standing,
        review_on=review_on,
        withdraw_form=WithdrawForm,
        step_label=step_label,
        voided_note=services.VOIDED_NOTE,
        open_review=lambda action, item: services.open_request(get_session(), action, item),
    )
