"""The public's pages of a consultation: the draft at /c/<slug> with a count beside each
article, the opinion form and its receipt, and the 意见采纳情况 of each published version.
Everything works without JavaScript; what a person typed comes back to them whatever goes
wrong (a field to correct, an expired page, the deadline passing while they wrote)."""

from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.consultations import feedback, opinions, queries
from survey.consultations.models import Consultation, DraftPart, FeedbackPublication, Opinion
from survey.consultations.opinions import Draft, NotOpen, OpinionRefused, Sender
from survey.core import challenge
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.window import Phase, Status
from survey.db import get_session
from survey.publishing.html import printable_opinions_html
from survey.publishing.renderers import pdf
from survey.web.notices import withdrawn_page
from survey.web.safety import as_id

DEVICE_COOKIE = "device"
SENT_COOKIE = "sent_opinion"


def public_or_404(slug: str) -> Consultation:
    consultation = queries.load_consultation(get_session(), slug)
    if consultation is None or consultation.status in (Status.DRAFT, Status.ARCHIVED):
        abort(404)
    return consultation


def draft_page(slug: str) -> ResponseReturnValue:
    consultation = public_or_404(slug)
    session = get_session()
    now = utcnow()
    return render_template(
        "consultations/draft.html",
        consultation=consultation,
        phase=consultation.phase(now),
        now=now,
        counts=queries.counts_by_part(session, consultation),
        shown=queries.shown_opinions(session, consultation),
    )


def opinion_form(slug: str) -> ResponseReturnValue:
    consultation = public_or_404(slug)
    number = request.args.get("part", "")
    requested = as_id(number)
    part = opinions.commentable_part(consultation, requested) if requested is not None else None
    if request.method == "POST":
        # A part the draft does not have is the service's to refuse, with the text kept.
        return take_opinion(consultation, requested, part)
    if "part" in request.args and part is None:
        abort(404)
    phase = consultation.phase(utcnow())
    if phase != Phase.OPEN:
        return render_template(
            "consultations/closed.html", consultation=consultation, phase=phase, typed=""
        ), 200
    return render_form(consultation, part, Draft(body=""), sent=just_sent(consultation, part))


def render_form(
    consultation: Consultation,
    part: DraftPart | None,
    draft: Draft,
    errors: dict[str, str] | None = None,
    status: int = 200,
    sent: Opinion | None = None,
) -> ResponseReturnValue:
    form_key = secrets.token_urlsafe(16)
    puzzle = (
        challenge.issue(current_app.config["SECRET_KEY"], form_key)
        if consultation.challenge
        else None
    )
    return render_template(
        "consultations/opinion.html",
        consultation=consultation,
        part=part,
        draft=draft,
        errors=errors or {},
        form_key=form_key,
        puzzle=puzzle,
        sent=sent,
    ), status


def take_opinion(
    consultation: Consultation, requested: int | None, part: DraftPart | None
) -> ResponseReturnValue:
    form = request.form
    draft = Draft(
        body=form.get("body", ""),
        name=form.get("name", ""),
        contact=form.get("contact", ""),
        part_id=requested,
    )
    form_key = form.get("form_key", "")
    secret_key = current_app.config["SECRET_KEY"]
    try:
        validate_csrf(form.get("csrf_token"))
    except ValidationError:
        # A page kept open past the session, or a cross-site post: nothing is stored, and a
        # person gets their text back with a fresh form to send it from.
        return render_form(
            consultation,
            part,
            draft,
            {"form": _("页面已过期，您填写的内容已保留，请再次点击提交。")},
        )
    if consultation.challenge and not challenge.solved(
        secret_key, form_key, form.get("challenge_token", ""), form.get("challenge", "")
    ):
        return render_form(consultation, part, draft, {"challenge": _("答案不正确，请重新计算")})
    device = request.cookies.get(DEVICE_COOKIE) or secrets.token_urlsafe(16)
    sender = Sender(
        origin=opinions.fingerprint(secret_key, request.remote_addr or ""),
        device=opinions.fingerprint(secret_key, device),
    )
    session = get_session()
    try:
        opinion = opinions.submit(
            session, consultation, draft, sender, form_key or secrets.token_urlsafe(16),
            utcnow(), secret_key,
        )  # fmt: skip
    except OpinionRefused as refused:
        session.rollback()
        return render_form(consultation, part, draft, refused.fields, 422)
    except NotOpen:
        session.rollback()
        return render_template(
            "consultations/closed.html",
            consultation=consultation,
            phase=consultation.phase(utcnow()),
            typed=draft.body,
        ), 409
    session.commit()
    response = redirect(url_for(".receipt", slug=consultation.slug, receipt=opinion.receipt), 303)
    response.set_cookie(DEVICE_COOKIE, device, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True)  # fmt: skip
    # Back from the receipt opens the form again: it says what was just sent.
    response.set_cookie(SENT_COOKIE, opinion.receipt, max_age=3600, samesite="Lax",
                        httponly=True, path=f"/c/{consultation.slug}")  # fmt: skip
    return response


def just_sent(consultation: Consultation, part: DraftPart | None) -> Opinion | None:
    """The opinion this browser sent last on this part, if it sent one in the last hour."""
    receipt = request.cookies.get(SENT_COOKIE)
    if not receipt:
        return None
    opinion = get_session().scalar(
        select(Opinion).where(
            Opinion.receipt == receipt, Opinion.consultation_id == consultation.id
        )
    )
    if opinion is None or opinion.part_key != (part.key if part else ""):
        return None
    return opinion


def receipt(slug: str, receipt: str) -> ResponseReturnValue:
    consultation = public_or_404(slug)
    opinion = get_session().scalar(
        select(Opinion).where(
            Opinion.receipt == receipt, Opinion.consultation_id == consultation.id
        )
    )
    if opinion is None:
        abort(404)
    return render_template("consultations/receipt.html", consultation=consultation, opinion=opinion)


def feedback_page(slug: str, version: int | None = None) -> ResponseReturnValue:
    consultation = public_or_404(slug)
    latest = feedback.latest_publication(get_session(), consultation)
    if not consultation.feedback_published and latest and latest.withdrawn_at:
        return withdrawn_page(
            feedback.feedback_title(consultation.title), consultation.issuer,
            latest.withdrawn_at, latest.withdrawal_reason,
        )  # fmt: skip
    consultation, publication, versions = _publication(slug, version)
    if publication.withdrawn_at is not None:  # an earlier version, withdrawn before the next
        return withdrawn_page(
            feedback.feedback_title(consultation.title), consultation.issuer,
            publication.withdrawn_at, publication.withdrawal_reason,
            latest_url=url_for("consultations.feedback_page", slug=consultation.slug),
        )  # fmt: skip
    return render_template(
        "consultations/feedback.html",
        consultation=consultation,
        publication=publication,
        versions=versions,
        document=feedback.published(publication),
    )


def feedback_pdf(slug: str, version: int) -> ResponseReturnValue:
    """The version printed to A4, made once and kept (a published version never changes)."""
    consultation, publication, _versions = _publication(slug, version)
    if publication.pdf is None:
        document = feedback.published(publication)
        publication.pdf = pdf.html_to_pdf(
            printable_opinions_html(document, publication.published_at)
        )
        get_session().commit()
    response = Response(publication.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="feedback-{consultation.slug}-v{publication.version}.pdf"'
    )
    return response


def _publication(
    slug: str, version: int | None
) -> tuple[Consultation, FeedbackPublication, list[FeedbackPublication]]:
    consultation = public_or_404(slug)
    if not consultation.feedback_published:
        abort(404)
    versions = feedback.publications(get_session(), consultation)
    chosen = (
        versions[0]
        if version is None
        else next((v for v in versions if v.version == version), None)
    )
    if chosen is None:
        abort(404)
    return consultation, chosen, versions
