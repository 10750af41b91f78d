"""The public's pages of a survey: the answer form at /s/<slug>, its POST, the thank-you page,
and the 结果反馈 page of each published version."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from survey.config import office_zone
from survey.core import challenge
from survey.core.errors import MalformedPost
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.window import Phase, Status
from survey.db import get_session
from survey.extensions import select_locale
from survey.surveys import answering, distribution, invitations, publication
from survey.surveys.answering import storage, tokens, validation
from survey.surveys.answering.copies import Questionnaire
from survey.surveys.models import Source, Survey
from survey.surveys.queries import load_survey
from survey.web import care
from survey.web.notices import withdrawn_page
from survey.web.templating import localtime


def public_survey_or_404(slug: str) -> Survey:
    """The survey at /s/<slug>, unless it is a draft: drafts are seen by staff only."""
    survey = load_survey(get_session(), slug)
    if survey is None or survey.status == Status.DRAFT:
        abort(404)
    return survey


def questionnaire_or_404(slug: str, recheck_after: float | None = None) -> Questionnaire:
    """Like ``public_survey_or_404``, from this process's copy of the questionnaire, which may
    be up to ``recheck_after`` seconds old (by default the configured age for pages)."""
    if recheck_after is None:
        recheck_after = current_app.config["QUESTIONNAIRE_RECHECK_SECONDS"]
    copy = current_app.extensions["survey.questionnaires"].get(get_session, slug, recheck_after)
    if copy is None or copy.survey.status == Status.DRAFT:
        abort(404)
    return copy


def answer(slug: str) -> ResponseReturnValue:
    if request.method == "POST":
        return take_response(slug)
    questionnaire = questionnaire_or_404(slug)
    survey = questionnaire.survey
    now = utcnow()
    phase = survey.phase(now)
    if phase != Phase.OPEN:
        return render_template("surveys/answer/unavailable.html", survey=survey, phase=phase)
    if survey.outside_daily_hours(now, office_zone()):
        return render_template(
            "surveys/answer/refused.html", survey=survey, heading=_("现在不在答题时段"),
            message=_hours(survey), typed=[],
        )  # fmt: skip
    if "t" in request.args or survey.requires_invitation:
        invitation = invitation_or_refuse(survey)
        if invitation.answered_at:
            return _used(survey, invitation, 200)
        return render_form(
            questionnaire, MultiDict(), invitation=invitation,
            challenged=_needs_challenge(survey, now),
        )  # fmt: skip
    answered_at = request.cookies.get(_answered_cookie(survey))
    policy = survey.duplicate_policy
    if answered_at and ("again" not in request.args or policy == "device"):
        return render_template(
            "surveys/answer/already.html", survey=survey, answered_at=answered_at,
            again=policy == "open",
        )  # fmt: skip
    if policy != "open" and _answered_here(survey, respondent_id(), now):
        return _once_refusal(survey, MultiDict(), 200)
    return render_form(questionnaire, MultiDict(), challenged=_needs_challenge(survey, now))


def take_response(slug: str) -> ResponseReturnValue:
    """Judge a submission by this process's copy of the questionnaire; if the copy turns out to
    be old (the write found another design version) or finds anything wrong, judge it again by
    the current design before answering."""
    now = utcnow()
    page_age = current_app.config["QUESTIONNAIRE_RECHECK_SECONDS"]
    for recheck_after in (page_age, 0):
        questionnaire = questionnaire_or_404(slug, recheck_after)
        survey = questionnaire.survey
        phase = survey.phase(now)
        if phase != Phase.OPEN:
            if recheck_after:
                continue
            if survey.is_full:
                if _already_in(survey):  # a second tap on the form that took the last place
                    return _thank(survey, now)
                message = _("本次调查已收满所需答卷，您的答卷未被收录。感谢您的参与。")
                return _refused(survey, _("名额已满"), message), 409
            page = render_template("surveys/answer/unavailable.html", survey=survey, phase=phase)
            return page, 409
        # Only a post that carries an invitation, or must, costs a lookup.
        invitation = None
        if "t" in request.args or survey.requires_invitation:
            invitation = invitation_or_refuse(survey)
        if (
            survey.duplicate_policy == "device"
            and request.cookies.get(_answered_cookie(survey))
            and not _already_in(survey)
        ):
            return _once_refusal(survey, request.form, 409)
        challenged = _needs_challenge(survey, now)
        if challenged and not _challenge_solved(survey):
            given = request.form.get("challenge", "").strip()
            message = _("答案不正确，请重新计算") if given else _("请先回答防刷验证题")
            # Every field's message at once, not the question's first and the others after.
            errors = {**_field_errors(survey), validation.CHALLENGE: message}
            return render_form(
                questionnaire, request.form, errors, status=422, invitation=invitation,
                challenged=True,
            )  # fmt: skip
        try:
            outcome = answering.submit(
                get_session(), survey, request.form, now, current_app.config["SECRET_KEY"],
                questionnaire.version, invitation.id if invitation else None, respondent_id(),
                zone=office_zone(), device=_device(), address=request.remote_addr or "",
                data_key=current_app.config["DATA_KEY"], source=_source(),
            )  # fmt: skip
        except tokens.StaleForm:
            # A page kept too long, or a post from another site: what was typed is not lost.
            # The form comes back filled in, with a token for this browser, asking to submit
            # once more.
            notice = _("页面已过期，您填写的内容都已保留，请检查后再次点击“提交”。")
            kept = request.form.copy()
            kept.pop(tokens.TOKEN_FIELD, None)
            return render_form(
                questionnaire, kept, notice=notice, status=400, invitation=invitation,
                challenged=challenged,
            )  # fmt: skip
        except (answering.DesignChanged, MalformedPost):
            if recheck_after:
                continue
            raise
        except answering.AlreadyAnswered:
            return _once_refusal(survey, request.form, 409)
        except answering.InvitationUsed:
            return _used(survey, invitation_or_refuse(survey), 409)
        except answering.Full as full:
            if full.quota:
                message = _("本次调查“%(quota)s”的名额已满，您的答卷未被收录。感谢您的参与。",
                            quota=full.quota)  # fmt: skip
            else:
                message = _("本次调查已收满所需答卷，您的答卷未被收录。感谢您的参与。")
            return _refused(survey, _("名额已满"), message), 409
        except answering.OutsideHours:
            return _refused(survey, _("现在不在答题时段"), _hours(survey)), 409
        except answering.TooLate as late:
            message = _("本问卷须在打开后 %(n)s 分钟内提交，您的答卷未被收录。", n=late.minutes)
            return _refused(survey, _("已超过答题时长"), message), 409
        if outcome.accepted:
            return _thank(survey, now)
        if not recheck_after:
            return render_form(
                questionnaire, request.form, outcome.errors, status=422, invitation=invitation,
                challenged=challenged,
            )  # fmt: skip
    # Staff changed the questionnaire between the check and the write, twice in a row.
    notice = _("问卷刚刚更新，您填写的内容都已保留，请检查后再次点击“提交”。")
    return render_form(
        questionnaire, request.form, notice=notice, status=409, invitation=invitation
    )


# 防刷 "busy": responses from one address within this long count toward the survey's threshold.
BUSY_WINDOW = timedelta(hours=1)


def _needs_challenge(survey: Survey, now: datetime) -> bool:
    """Whether a response is taken only with the 防刷 question answered: always, or once this
    address sent more than the survey's threshold within the hour."""
    if survey.challenge == "always":
        return True
    if survey.challenge != "busy":
        return False
    sent = answering.recent_from_address(
        get_session(), survey, current_app.config["SECRET_KEY"], request.remote_addr or "",
        now - BUSY_WINDOW,
    )  # fmt: skip
    return sent >= survey.challenge_after


def _challenge_solved(survey: Survey) -> bool:
    """Whether the post answers the question issued for its form; a post whose form token does
    not read is left to ``answering.submit`` to refuse."""
    try:
        key = _form_key(survey, request.form.get(tokens.TOKEN_FIELD, ""))
    except (MalformedPost, tokens.StaleForm):
        return True
    return challenge.solved(
        current_app.config["SECRET_KEY"], key, request.form.get("challenge_token", ""),
        request.form.get("challenge", ""),
    )  # fmt: skip


def _field_errors(survey: Survey) -> dict[int, str]:
    """The messages the posted answers would get (none for a post no form of ours makes:
    ``answering.submit`` refuses it)."""
    try:
        return validation.judge(survey, request.form)[1]
    except MalformedPost:
        return {}


def _form_key(survey: Survey, token: str) -> str:
    return tokens.submission(survey, token, current_app.config["SECRET_KEY"], respondent_id()).key


def _device() -> str:
    """The browser's device id: the one form.js keeps in its storage, else its cookie's."""
    kept = request.form.get(tokens.DEVICE_FIELD, "")
    return kept if tokens.DEVICE_ID.match(kept) else respondent_id()


def _answered_here(survey: Survey, device: str, now: datetime) -> bool:
    """Whether this device (by its cookie), or this address today, answered already, under
    the survey's 防重复 policy."""
    once = answering.once_key_of(
        survey, current_app.config["SECRET_KEY"], device, request.remote_addr or "", now,
        office_zone(),
    )  # fmt: skip
    return once is not None and answering.answered_once(get_session(), survey, once)


def _once_refusal(survey: Survey, form: MultiDict[str, str], status: int) -> tuple[str, int]:
    """防重复: this device, or this address today, has answered already."""
    if survey.duplicate_policy == "device":
        message = _("本问卷每台设备只能填写一次，这台设备已经提交过答卷。感谢您的参与。")
    else:
        message = _("本问卷每个网络地址每天只能填写一次，今天已从这个地址提交过答卷。"
                    "如果您与同事共用网络，请换用手机流量或明天再填写。")  # fmt: skip
    typed = _typed_back(survey, form) if form else []
    page = render_template(
        "surveys/answer/refused.html", survey=survey, heading=_("您已填写过本问卷"),
        message=message, typed=typed,
    )  # fmt: skip
    return page, status


def _already_in(survey: Survey) -> bool:
    """Whether the posted form's response is stored already."""
    try:
        key = _form_key(survey, request.form.get(tokens.TOKEN_FIELD, ""))
    except (MalformedPost, tokens.StaleForm):
        return False
    return storage.stored_response(get_session(), key) is not None


def _refused(survey: Survey, heading: str, message: str) -> str:
    """A post that cannot be taken (名额已满, outside the hours, too late), with what the
    respondent typed shown back."""
    typed = _typed_back(survey, request.form)
    return render_template(
        "surveys/answer/refused.html", survey=survey, heading=heading, message=message,
        typed=typed,
    )  # fmt: skip


def _hours(survey: Survey) -> str:
    """The 每日答题时段 as respondents read it."""
    return _("本问卷每天 %(start)s 至 %(end)s 可以填写，请在此时段内提交。",
             start=_clock(survey.daily_from), end=_clock(survey.daily_until))  # fmt: skip


def _clock(minutes: int | None) -> str:
    return f"{(minutes or 0) // 60:02d}:{(minutes or 0) % 60:02d}"


def _typed_back(survey: Survey, form: MultiDict[str, str]) -> list[tuple[str, str]]:
    """What the respondent answered, question by question, to show back when it could not be
    taken (名额已满): nothing they typed disappears without their seeing it."""
    answers, _errors = validation.judge(survey, form)
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    given: dict[int, list[str]] = {}
    for answer in answers:
        if answer.option_id is not None:
            part = labels[answer.option_id] + (f"（{answer.text}）" if answer.text else "")
        else:
            part = answer.text if answer.text is not None else f"{answer.number:g}"
        given.setdefault(answer.question_id, []).append(part)
    return [(q.title, "；".join(given[q.id])) for q in survey.questions if q.id in given]


def invitation_or_refuse(survey: Survey) -> invitations.Found:
    """The invitation of the link's ``t`` token; without one, or with a token that is not of
    this survey, the request ends with a page that says so (403)."""
    token = request.args.get("t", "")
    found = invitations.find(get_session(), survey.id, token) if token else None
    if found is None:
        page = render_template(
            "surveys/answer/invitation.html",
            survey=survey,
            reason="invalid" if token else "required",
        )
        abort(make_response(page, 403))
    return found


def _used(survey: Survey, invitation: invitations.Found, status: int) -> tuple[str, int]:
    page = render_template(
        "surveys/answer/invitation.html", survey=survey, reason="used", invitation=invitation
    )
    return page, status


def _thank(survey: Survey, now: datetime) -> Response:
    response = redirect(url_for("surveys.thanks", slug=survey.slug), code=303)
    # Remembered so that Back then 提交 does not quietly add a second response.
    response.set_cookie(
        _answered_cookie(survey),
        localtime(now),
        max_age=180 * 24 * 3600,
        path=f"/s/{survey.slug}",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _answered_cookie(survey: Survey) -> str:
    return f"answered-{survey.slug}"


# Stand-in for the per-respondent token in a page kept for every respondent. Autoescaping
# turns "<" into "&lt;" everywhere else, so only the slot itself can match.
TOKEN_SLOT = Markup("<token-slot>")
TOKEN_SLOT_BYTES = TOKEN_SLOT.encode()
# The queries under which a page is kept: no other query string can grow the copies.
# (The QR code's link is one: every poster's scan is the same page.)
KEPT_QUERIES = (b"", b"again=1", "=".join(distribution.QR_MARKER).encode())
# A random id per browser, which the form's token must carry (see ``tokens.issue_token``).
RESPONDENT_COOKIE = "respondent"
_RESPONDENT_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def respondent_id() -> str:
    """The id in this browser's respondent cookie; empty if it has none."""
    value = request.cookies.get(RESPONDENT_COOKIE, "")
    return value if _RESPONDENT_ID.match(value) else ""


def render_form(
    questionnaire: Questionnaire,
    submitted: MultiDict[str, str],
    errors: dict[int, str] | None = None,
    notice: str = "",
    status: int = 200,
    invitation: invitations.Found | None = None,
    challenged: bool = False,
) -> Response:
    """The answer page, with what was submitted kept in every field and messages beside them;
    an invitation's page names the enterprise and posts back to its link; ``challenged``, with
    a 防刷 question for its form. A browser without a respondent cookie is given one."""
    survey = questionnaire.survey
    respondent = respondent_id() or secrets.token_urlsafe(16)
    # (An empty form has no token to keep: a missed MultiDict lookup raises and catches.)
    kept_token = submitted.get(tokens.TOKEN_FIELD) if submitted else None
    secret_key = current_app.config["SECRET_KEY"]
    token = kept_token or tokens.issue_token(survey, secret_key, respondent)
    puzzle = None
    if challenged:
        form_key = tokens.submission(survey, token, secret_key, respondent).key
        # A question answered right stays, with its answer, when another field needs fixing.
        solved = submitted and validation.CHALLENGE not in (errors or {})
        kept = submitted.get("challenge_token", "") if solved else ""
        puzzle = challenge.again(secret_key, form_key, kept) or challenge.issue(
            secret_key, form_key
        )
    personal = submitted or errors or notice or invitation or questionnaire.personalised or puzzle
    page: str | bytes
    if personal or request.query_string not in KEPT_QUERIES:
        page = form_page(
            survey, submitted, errors or {}, notice, token, puzzle=puzzle,
            invitation=invitation, invitation_token=request.args.get("t") if invitation else None,
        )  # fmt: skip
    else:
        # Every respondent's empty form is the same page but for its token: render it once.
        page = questionnaire.page(
            ("form", select_locale(), care.variant(), request.full_path),
            lambda: form_page(survey, submitted, {}, "", TOKEN_SLOT),
        ).replace(TOKEN_SLOT_BYTES, token.encode(), 1)
    response = make_response(page, status)
    if respondent != request.cookies.get(RESPONDENT_COOKIE):
        response.set_cookie(
            RESPONDENT_COOKIE, respondent, max_age=30 * 24 * 3600, path="/s/",
            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
        )  # fmt: skip
    return response


def form_page(
    survey: Survey,
    submitted: MultiDict[str, str],
    errors: dict[int, str],
    notice: str,
    token: str,
    **context: object,
) -> str:
    # A form reached by the QR code posts back to the QR code's link, which its response
    # records as its 来源.
    name, value = distribution.QR_MARKER
    return render_template(
        "surveys/answer/form.html",
        survey=survey,
        submitted=submitted,
        errors=errors,
        notice=notice,
        token=token,
        token_field=tokens.TOKEN_FIELD,
        source_query={name: value} if _source() == Source.QR else {},
        **context,
    )


def _source() -> Source:
    """How this form was reached: by the QR code when its link says so, else by the link."""
    name, value = distribution.QR_MARKER
    return Source.QR if request.args.get(name) == value else Source.LINK


def thanks(slug: str) -> ResponseReturnValue:
    questionnaire = questionnaire_or_404(slug)

    def render() -> str:
        return render_template("surveys/answer/thanks.html", survey=questionnaire.survey)

    if request.query_string:
        return render()
    return questionnaire.page(
        ("thanks", select_locale(), care.variant(), request.full_path), render
    )


def results(slug: str, version: int | None = None) -> ResponseReturnValue:
    """The 结果反馈 page as frozen when published: the latest version, or an earlier one."""
    survey = public_survey_or_404(slug)
    session = get_session()
    versions = publication.publications(session, survey) if survey.results_published else []
    if not versions:
        latest = publication.latest_publication(session, survey)
        if latest is not None and latest.withdrawn_at is not None:
            return withdrawn_page(
                publication.feedback_title(survey.title), survey.issuer,
                latest.withdrawn_at, latest.withdrawal_reason,
            )  # fmt: skip
        return render_template("surveys/results_pending.html", survey=survey), 404
    shown = next((v for v in versions if v.version == version), None) if version else versions[0]
    if shown is None:
        abort(404)
    if shown.withdrawn_at is not None:  # an earlier version, withdrawn before the next
        return withdrawn_page(
            publication.feedback_title(survey.title), survey.issuer, shown.withdrawn_at,
            shown.withdrawal_reason, latest_url=url_for("surveys.results", slug=survey.slug),
        )  # fmt: skip
    document = publication.published(shown)
    page = render_template(
        "publishing/results.html",
        survey=survey,
        publication=shown,
        document=document,
        versions=versions,
        drawings=publication.drawings(shown),
    )
    session.commit()  # drawings made now, for a version published while they could not be
    return page
