"""Files for the staff: every response (CSV streamed, or XLSX), the current result tables in
each format, and the published version as an open-data package. Every export is audited."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import abort, current_app, request, send_file, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.config import office_zone
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.timeutil import format_local, to_local
from survey.db import get_session
from survey.publishing import images
from survey.publishing.documents import ResultFeedback
from survey.publishing.html import printable_html
from survey.publishing.renderers import json as json_renderer
from survey.publishing.renderers import pdf, tables, text, word
from survey.surveys import publication
from survey.surveys.exports import CODINGS, csv_chunks, write_xlsx
from survey.surveys.personal import Reader
from survey.surveys.views.manage.common import download, survey_or_404
from survey.web.access import requires
from survey.web.actions import audited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_FORMATS = {
    "txt": "text/plain",
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": XLSX,
    "pdf": "application/pdf",
    "docx": word.MIME,
}


@requires(Permission.EXPORT)
def export_responses(survey_id: int, fmt: str) -> ResponseReturnValue:
    """Every response as CSV (streamed) or XLSX; audited. Personal answers are left out, unless
    the user may reveal them and asks for them (``personal=1``)."""
    survey = survey_or_404(survey_id)
    coding = request.args.get("coding", "text")
    if fmt not in ("csv", "xlsx") or coding not in CODINGS:
        abort(404)
    reader = None
    if request.args.get("personal") == "1":
        if not current_user.can(Permission.REVEAL_PERSONAL):
            abort(403)
        reader = Reader(current_app.config["DATA_KEYS"], reveal=True)
    session = get_session()
    audited("responses.export", survey, format=fmt, coding=coding, personal=reader is not None)
    name = _("%(title)s-答卷", title=survey.title)
    if reader is not None:  # the file that holds personal information says so in its name
        name = _("%(title)s-答卷（含个人信息）", title=survey.title)
    name, ascii_name = f"{name}.{fmt}", f"responses.{fmt}"
    zone = office_zone()
    if fmt == "csv":
        chunks = stream_with_context(csv_chunks(session, survey, zone, coding, reader))
        return download(chunks, "text/csv", name, ascii_name)
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_xlsx(session, survey, zone, Path(spool.name), coding, reader)
    sent = send_file(spool.name, mimetype=XLSX, as_attachment=True, download_name=name)
    sent.call_on_close(spool.close)
    return sent


def render_results(document: ResultFeedback, slug: str, fmt: str) -> bytes:
    """A result document as a file of ``fmt`` (one of ``RESULT_FORMATS``)."""
    if fmt == "txt":
        return text.render(document).encode("utf-8")
    if fmt == "json":
        data = json_renderer.render(document, slug)
        return json.dumps(data, ensure_ascii=False, indent=2).encode()
    if fmt == "csv":
        return tables.to_csv(document).encode("utf-8")
    if fmt == "pdf":
        return pdf.html_to_pdf(printable_html(document, utcnow()))
    if fmt == "docx":
        today = to_local(utcnow(), office_zone()).date()
        return word.render(document, today, images.pictures(document))
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
        tables.write_xlsx(document, Path(spool.name))
        return Path(spool.name).read_bytes()


@requires(Permission.EXPORT)
def export_results(survey_id: int, fmt: str) -> ResponseReturnValue:
    """The current result tables (all questions, every count) in one format; audited."""
    survey = survey_or_404(survey_id)
    if fmt not in RESULT_FORMATS:
        abort(404)
    session = get_session()
    document = publication.staff_document(session, survey, office_zone())
    audited("results.export", survey, format=fmt)
    body = render_results(document, survey.slug, fmt)
    name = _("%(title)s-结果", title=survey.title) + f".{fmt}"
    return download(body, RESULT_FORMATS[fmt], name, f"results.{fmt}")


@requires(Permission.EXPORT)
def export_open_data(survey_id: int) -> ResponseReturnValue:
    """The latest published version as an open-data package; audited."""
    survey = survey_or_404(survey_id)
    session = get_session()
    latest = publication.latest_publication(session, survey) if survey.results_published else None
    if latest is None:
        abort(404)
    audited("results.export", survey, format="open-data", version=latest.version)
    body = tables.open_data_zip(
        publication.published(latest),
        survey.slug,
        latest.version,
        latest.published_at,
        format_local(latest.published_at, office_zone(), "%Y-%m-%d"),
    )
    name = f"{survey.slug}-open-data-v{latest.version}.zip"
    return download(body, "application/zip", name, name)
