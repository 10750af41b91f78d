"""Staff's pages for webhooks: an item's endpoints with a form for a new one, one endpoint with
its deliveries and each attempt, and its actions (its signing secret shown on request). Staff need
the export permission (a delivery carries answers out) and the item's department."""

from __future__ import annotations

from collections.abc import Callable

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
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from survey.core.errors import Refusal
from survey.core.i18n import _, _l
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.db import get_session
from survey.review.views import ITEM_PAGES
from survey.web.access import check_access, requires
from survey.web.actions import attempt, committed
from survey.webhooks import addresses, delivery, endpoints
from survey.webhooks.events import KINDS, LABELS, Kind, Subject
from survey.webhooks.models import MessageStatus, WebhookEndpoint, WebhookMessage

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin/webhooks")
bp.before_request(check_access)

STATUS_LABELS = {
    MessageStatus.PENDING: _l("等待发送"),
    MessageStatus.DELIVERED: _l("已送达"),
    MessageStatus.FAILED: _l("发送失败"),
}


class EndpointForm(FlaskForm):
    url = StringField(
        _l("接收地址（URL）"),
        validators=[InputRequired(_l("请填写接收地址")), Length(max=2000)],
        render_kw={"placeholder": "https://oa.example.gov.cn/hooks/survey", "inputmode": "url"},
    )
    description = StringField(
        _l("用途（例如：OA 系统待办）"), validators=[Optional(), Length(max=200)]
    )
    events = SelectMultipleField(
        _l("推送的事件"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(_l("请至少选择一种事件"))],
    )

    def offer(self, kind: Kind) -> EndpointForm:
        self.events.choices = [SelectChoice(e, str(LABELS[e]) + f"（{e}）") for e in kind.events]
        return self


def _kind(name: str) -> Kind:
    kind = KINDS.get(f"{name}_id")
    if kind is None:
        abort(404)
    return kind


def _reached(subject: Subject | None) -> Subject:
    if subject is None or not current_user.reaches(subject):
        abort(404)
    return subject


def _endpoint(endpoint_id: int) -> tuple[WebhookEndpoint, Subject]:
    session = get_session()
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint, _reached(endpoints.subject_of(session, endpoint))


def _allowed() -> list[addresses.Network]:
    return addresses.networks(current_app.config["WEBHOOK_ALLOWED_NETWORKS"])


def _item_page(subject: Subject) -> str:
    return ITEM_PAGES[subject.audit_column](subject.id)


@requires(Permission.EXPORT)
def item_endpoints(kind_name: str, subject_id: int) -> ResponseReturnValue:
    """An item's endpoints, and a new one."""
    kind, session = _kind(kind_name), get_session()
    subject = _reached(kind.load(session, subject_id))
    form = EndpointForm().offer(kind)
    if form.validate_on_submit():
        try:
            endpoint, _secret = committed(
                lambda: endpoints.create(
                    session,
                    subject,
                    current_user,
                    form.url.data or "",
                    form.events.data or [],
                    form.description.data or "",
                    data_key=current_app.config["DATA_KEY"],
                    allowed=_allowed(),
                    now=utcnow(),
                )
            )
        except Refusal as refusal:
            form.url.errors = [*form.url.errors, str(refusal)]
        else:
            flash(
                _("推送地址已添加。点“显示签名密钥”，把密钥配置到接收方，用于验证签名。"), "success"
            )
            return redirect(url_for(".endpoint_page", endpoint_id=endpoint.id))
    found = endpoints.endpoints_on(session, kind.column, subject.id)
    return render_template(
        "webhooks/endpoints.html", kind=kind, subject=subject, form=form, endpoints=found,
        tally=endpoints.tally(session, [e.id for e in found]), item_page=_item_page(subject),
        event_labels=LABELS,
    )  # fmt: skip


def _endpoint_page(
    endpoint: WebhookEndpoint,
    subject: Subject,
    form: EndpointForm | None = None,
    shown: str | None = None,
) -> str:
    session = get_session()
    status = request.args.get("status", "")
    before = request.args.get("before", "")
    messages, more = endpoints.messages(
        session, endpoint, status, int(before) if before.isdigit() and len(before) < 12 else None
    )
    if form is None:
        form = EndpointForm(
            formdata=None, url=endpoint.url, description=endpoint.description,
            events=endpoint.events,
        ).offer(KINDS[subject.audit_column])  # fmt: skip
    return render_template(
        "webhooks/endpoint.html", endpoint=endpoint, subject=subject, form=form,
        messages=messages, more=more, status=status, status_labels=STATUS_LABELS,
        event_labels=LABELS, tally=endpoints.tally(session, [endpoint.id])[endpoint.id],
        item_page=_item_page(subject), kind=KINDS[subject.audit_column],
        attempts_in_all=len(delivery.SCHEDULE) + 1, shown=shown,
    )  # fmt: skip


@requires(Permission.EXPORT)
def endpoint_page(endpoint_id: int) -> ResponseReturnValue:
    """One endpoint: its settings, and what was delivered to it, newest first."""
    endpoint, subject = _endpoint(endpoint_id)
    if request.method == "GET":
        return _endpoint_page(endpoint, subject)
    form = EndpointForm().offer(KINDS[subject.audit_column])
    if form.validate_on_submit():
        try:
            committed(
                lambda: endpoints.change(
                    get_session(),
                    endpoint,
                    subject,
                    current_user,
                    form.url.data or "",
                    form.events.data or [],
                    form.description.data or "",
                    allowed=_allowed(),
                )
            )
        except Refusal as refusal:
            form.url.errors = [*form.url.errors, str(refusal)]
        else:
            flash(_("推送地址已保存"), "success")
            return redirect(url_for(".endpoint_page", endpoint_id=endpoint.id))
    return _endpoint_page(endpoint, subject, form), 422


@requires(Permission.EXPORT)
def test_endpoint(endpoint_id: int) -> ResponseReturnValue:
    endpoint, subject = _endpoint(endpoint_id)
    attempt(
        lambda: endpoints.test(get_session(), endpoint, subject, current_user, utcnow()),
        _("测试事件已排入发送队列，稍后刷新本页查看结果"),
    )
    return redirect(url_for(".endpoint_page", endpoint_id=endpoint.id))


@requires(Permission.EXPORT)
def pause_endpoint(endpoint_id: int) -> ResponseReturnValue:
    endpoint, subject = _endpoint(endpoint_id)
    paused = endpoint.paused_at is None
    attempt(
        lambda: endpoints.pause(get_session(), endpoint, subject, current_user, utcnow(), paused),
        _("已暂停推送") if paused else _("已恢复推送"),
    )
    return redirect(url_for(".endpoint_page", endpoint_id=endpoint.id))


@requires(Permission.EXPORT)
def reveal_secret(endpoint_id: int) -> ResponseReturnValue:
    """The endpoint's signing secret, shown on request (audited)."""
    endpoint, subject = _endpoint(endpoint_id)
    secret = committed(
        lambda: endpoints.reveal_secret(
            get_session(), endpoint, subject, current_user, current_app.config["DATA_KEY"]
        )
    )
    return _endpoint_page(endpoint, subject, shown=secret)


@requires(Permission.EXPORT)
def rotate_secret(endpoint_id: int) -> ResponseReturnValue:
    endpoint, subject = _endpoint(endpoint_id)
    attempt(
        lambda: endpoints.rotate_secret(
            get_session(), endpoint, subject, current_user, current_app.config["DATA_KEY"]
        ),
        _("签名密钥已更换，此后的推送都用新密钥签名；点“显示签名密钥”查看新密钥"),
    )
    return redirect(url_for(".endpoint_page", endpoint_id=endpoint.id))


@requires(Permission.EXPORT)
def delete_endpoint(endpoint_id: int) -> ResponseReturnValue:
    endpoint, subject = _endpoint(endpoint_id)
    attempt(
        lambda: endpoints.remove(get_session(), endpoint, subject, current_user),
        _("推送地址已删除"),
    )
    kind_name = subject.audit_column.removesuffix("_id")
    return redirect(url_for(".item_endpoints", kind_name=kind_name, subject_id=subject.id))


@requires(Permission.EXPORT)
def retry_message(endpoint_id: int, message_id: int) -> ResponseReturnValue:
    endpoint, _subject = _endpoint(endpoint_id)
    message = get_session().get(WebhookMessage, message_id)
    if message is None or message.endpoint_id != endpoint.id:
        abort(404)
    attempt(lambda: endpoints.retry(get_session(), message, utcnow()), _("已安排立即重试"))
    return redirect(url_for(".endpoint_page", endpoint_id=endpoint.id))


ROUTES: list[tuple[str, Callable[..., ResponseReturnValue], list[str]]] = [
    ("/<kind_name>/<int:subject_id>", item_endpoints, ["GET", "POST"]),
    ("/<int:endpoint_id>", endpoint_page, ["GET", "POST"]),
    ("/<int:endpoint_id>/test", test_endpoint, ["POST"]),
    ("/<int:endpoint_id>/pause", pause_endpoint, ["POST"]),
    ("/<int:endpoint_id>/secret", reveal_secret, ["POST"]),
    ("/<int:endpoint_id>/rotate", rotate_secret, ["POST"]),
    ("/<int:endpoint_id>/delete", delete_endpoint, ["POST"]),
    ("/<int:endpoint_id>/messages/<int:message_id>/retry", retry_message, ["POST"]),
]
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
