"""Handing a survey out: the QR code of its public link and its A4 poster, and invitations (the
list's template, the uploaded list of enterprises, who has answered, the restriction to invited
enterprises, the link exports)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.config import office_zone
from survey.core.errors import Refusal
from survey.core.i18n import _, _l
from survey.core.permissions import Permission
from survey.db import get_session
from survey.publishing.renderers import pdf
from survey.surveys import distribution, invitations
from survey.surveys.models import Survey
from survey.surveys.views.forms import InvitationListForm, RequireInvitationForm
from survey.surveys.views.manage.common import download, survey_or_404
from survey.surveys.views.manage.exports import XLSX
from survey.surveys.views.templating import public_url
from survey.web.access import requires
from survey.web.actions import attempt, audited, flash_each

INVITATION_STATUSES = {"answered": _l("已填写"), "pending": _l("未填写")}


@requires(Permission.VIEW)
def qr_code(survey_id: int, fmt: str) -> ResponseReturnValue:
    """The QR code of the survey's public link, for posters (PNG) and print shops (SVG)."""
    survey = survey_or_404(survey_id)
    if fmt not in distribution.QR_KINDS:
        abort(404)
    body = distribution.qr_code(public_url(survey.slug), fmt)
    name = _("%(title)s-二维码", title=survey.title) + f".{fmt}"
    response = download(body, distribution.QR_KINDS[fmt], name, f"qr-{survey.slug}.{fmt}")
    if "inline" in request.args:  # shown on the survey page
        response.headers["Content-Disposition"] = "inline"
    return response


@requires(Permission.VIEW)
def poster(survey_id: int, fmt: str) -> ResponseReturnValue:
    """An A4 poster: the title, 发布单位, 征集时间, a large QR code and the link; as PDF to
    print, or as PNG for a WeChat group or a screen."""
    survey = survey_or_404(survey_id)
    if fmt not in distribution.POSTER_KINDS:
        abort(404)
    url = public_url(survey.slug)
    html = render_template(
        "surveys/manage/poster.html", survey=survey, url=url, qr=distribution.qr_data_uri(url)
    )
    body = pdf.html_to_pdf(html) if fmt == "pdf" else pdf.html_to_png(html)
    name = _("%(title)s-海报", title=survey.title) + f".{fmt}"
    return download(body, distribution.POSTER_KINDS[fmt], name, f"poster-{survey.slug}.{fmt}")


@requires(Permission.INVITE)
def invitation_template(survey_id: int) -> ResponseReturnValue:
    """An empty enterprise list to fill in: the columns the import reads, a sample row it
    skips, and what to write in each column."""
    survey_or_404(survey_id)
    name = _("邀请名单模板") + ".xlsx"
    return download(invitations.template_xlsx(), XLSX, name, "invitation-template.xlsx")


def _invitation_page(
    survey: Survey, problems: list[object] | None = None, status: int = 200
) -> ResponseReturnValue:
    session = get_session()
    shown = request.args.get("status", "")
    page = render_template(
        "surveys/manage/invitations.html",
        survey=survey,
        entries=invitations.entries(session, survey, shown),
        rate=invitations.rate(session, survey),
        status=shown,
        statuses=INVITATION_STATUSES,
        base_url=public_url(survey.slug),
        problems=problems or [],
        upload=InvitationListForm(formdata=None),
        scope=RequireInvitationForm(formdata=None, required=survey.requires_invitation),
    )
    return page, status


@requires(Permission.VIEW)
def invitation_list(survey_id: int) -> ResponseReturnValue:
    """Invited enterprises with their links, who has answered, and the 回收率."""
    return _invitation_page(survey_or_404(survey_id))


@requires(Permission.INVITE)
def upload_invitations(survey_id: int) -> ResponseReturnValue:
    """Import an enterprise list: all of it, or nothing and every bad row named."""
    survey = survey_or_404(survey_id)
    upload = InvitationListForm().file.data
    if upload is None or not upload.filename:
        problem = invitations.RowProblem(None, _("请选择名单文件（CSV 或 Excel）"))
        return _invitation_page(survey, [problem], 422)
    try:
        rows = invitations.read_list(upload.filename, upload.read())
    except invitations.ListError as error:
        return _invitation_page(survey, error.problems, 422)
    result = attempt(lambda: invitations.import_list(get_session(), survey, current_user, rows))
    if not isinstance(result, Refusal):
        flash(_("已邀请 %(n)s 家企业", n=result.added), "success")
        if result.skipped:
            flash_each(result.skipped, "warning")
    return redirect(url_for("surveys_admin.invitation_list", survey_id=survey.id))


@requires(Permission.INVITE)
def require_invitation(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    required = RequireInvitationForm().required.data
    attempt(
        lambda: invitations.set_required(get_session(), survey, current_user, required),
        _("已设为仅限受邀企业填写") if required else _("已设为任何人可填写"),
    )
    return redirect(url_for("surveys_admin.invitation_list", survey_id=survey.id))


@requires(Permission.EXPORT)
def export_invitations(survey_id: int, fmt: str) -> ResponseReturnValue:
    """Every enterprise's link (or the not-yet-answered ones, for reminders) as CSV or XLSX."""
    survey = survey_or_404(survey_id)
    status = request.args.get("status", "")
    if fmt not in ("csv", "xlsx") or status not in ("", "pending"):
        abort(404)
    session = get_session()
    audited("invitations.export", survey, format=fmt, status=status)
    rows = invitations.link_rows(session, survey, public_url(survey.slug), office_zone(), status)
    which = _("未填写企业") if status else _("邀请链接")
    name, ascii_name = f"{survey.title}-{which}.{fmt}", f"invitations.{fmt}"
    if fmt == "csv":
        body = invitations.links_csv(rows).encode("utf-8")
        return download(body, "text/csv", name, ascii_name)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        invitations.write_links_xlsx(rows, Path(spool.name))
        return download(Path(spool.name).read_bytes(), XLSX, name, ascii_name)
