"""Error pages in the respondent's language; a malformed post is a 400 and a database outage a
503 that says what was typed is kept, never a 500."""

from __future__ import annotations

from flask import Flask, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from survey.core.errors import MalformedPost, Refusal


def messages() -> dict[int, str]:
    return {
        400: _("提交的内容无法识别，请返回问卷页面刷新后重新填写。"),
        403: _("您没有权限打开这个页面。"),
        404: _("您访问的页面不存在，或问卷尚未发布。"),
        405: _("不支持此操作。"),
        409: _("该问卷当前不接受提交。"),
        413: _("提交的内容过大。"),
        429: _("提交过于频繁，请稍等一分钟后再试。"),
        500: _("服务器出现问题，请稍后再试。"),
    }


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    message = detail or messages().get(code, messages()[400 if code < 500 else 500])
    return render_template("errors.html", code=code, message=message), code


# Public posts whose forms keep what was typed on the device (form.js, opinion.js).
KEPT_ON_DEVICE = {"surveys.answer": "answers", "consultations.opinion_form": "opinion"}


def unavailable() -> ResponseReturnValue:
    """The database cannot be reached (an outage, a restart, a full pool): a 503 that tells a
    respondent what was typed is still on this device and to send it again in a moment."""
    kept = KEPT_ON_DEVICE.get(request.endpoint or "") if request.method == "POST" else None
    if kept == "answers":
        message = _(
            "系统正忙，这次提交没有送达。您填写的内容已保存在本设备上，请稍等片刻后返回问卷再次提交。"
        )
    elif kept == "opinion":
        message = _(
            "系统正忙，这次提交没有送达。您写的意见已保存在本设备上，请稍等片刻后返回再次提交。"
        )
    else:
        message = _("系统正忙，请稍等片刻后刷新页面。")
    page = render_template(
        "errors.html", code=503, message=message, back=request.full_path if kept else None
    )
    return page, 503, {"Retry-After": "10"}


def database_answers() -> bool:
    """Whether a fresh connection to the database works now."""
    try:
        with current_app.extensions["survey.engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError:
        return False
    return True


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> ResponseReturnValue:
        return render_error(400, _("页面已过期，请刷新页面后重试。"))

    @app.errorhandler(Refusal)
    def refusal(error: Refusal) -> ResponseReturnValue:
        # Views turn refusals into messages; one that gets this far is shown on its own page.
        return render_error(409, error.message)

    @app.errorhandler(MalformedPost)
    def malformed(_error: MalformedPost) -> ResponseReturnValue:
        return render_error(400)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> ResponseReturnValue:
        if error.connection_invalidated and database_answers():
            # A pooled connection the database dropped (a restart, a failover) while it is
            # back: the pool has been renewed, so the browser is sent to repeat the request.
            # 307 repeats a POST with its body, and the form's one-time token keeps a repeated
            # submission from counting twice.
            return redirect(request.full_path, code=307)
        if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
            return unavailable()
        raise error

    @app.errorhandler(PoolTimeout)
    def pool_timeout(_error: PoolTimeout) -> ResponseReturnValue:
        return unavailable()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return render_error(error.code or 500)
