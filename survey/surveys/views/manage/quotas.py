"""A survey's collection rules, set by staff who run it: the 回收上限 and the quotas (each with
how full it is), the 答题时长限制 and the 每日答题时段, 防重复 and 防刷, the 个人信息使用说明
and how long personal answers are kept."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.permissions import Permission
from survey.db import get_session
from survey.surveys import personal, quotas
from survey.surveys.results import filterable_questions
from survey.surveys.views.forms import (
    CapForm,
    ConsentForm,
    DuplicatesForm,
    QuotaForm,
    TimeRulesForm,
)
from survey.surveys.views.manage.common import survey_or_404
from survey.web.access import requires
from survey.web.actions import attempt, committed, flash_errors


@requires(Permission.RUN)
def quota_page(survey_id: int) -> ResponseReturnValue:
    """The cap and the quotas, and forms to change them (POST: a new quota)."""
    survey = survey_or_404(survey_id)
    questions = filterable_questions(survey)
    form = QuotaForm().offer(questions)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                committed(
                    lambda: quotas.add_quota(
                        get_session(), survey, current_user, form.label.data or "",
                        form.limit.data or 0, [int(v) for v in form.options.data or []],
                    )
                )  # fmt: skip
            except Refusal as refusal:
                form.options.errors = [*form.options.errors, str(refusal)]
            else:
                return redirect(url_for(".quota_page", survey_id=survey.id))
        status = 422
    cap = CapForm(formdata=None, cap=survey.response_cap)
    times = TimeRulesForm(
        formdata=None, time_limit=survey.time_limit_minutes,
        daily_from=_clock(survey.daily_from), daily_until=_clock(survey.daily_until),
    )  # fmt: skip
    consent = ConsentForm(
        formdata=None, text=survey.consent_text, required=survey.consent_required,
        retention_days=survey.retention_days,
    )  # fmt: skip
    duplicates = DuplicatesForm(
        formdata=None, policy=survey.duplicate_policy, suspect_seconds=survey.suspect_seconds,
        challenge=survey.challenge, challenge_after=survey.challenge_after,
    )  # fmt: skip
    page = render_template(
        "surveys/manage/quotas.html", survey=survey, form=form, cap_form=cap,
        times_form=times, consent_form=consent, duplicates_form=duplicates, questions=questions,
    )  # fmt: skip
    return page, status


def _clock(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


@requires(Permission.RUN)
def save_time_rules(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = TimeRulesForm()
    if not form.validate():
        flash_errors(form)
        return redirect(url_for(".quota_page", survey_id=survey.id))
    try:
        daily = form.daily()
    except ValueError:
        flash(_("请按“时:分”填写答题时段，如 08:30"), "error")
        return redirect(url_for(".quota_page", survey_id=survey.id))
    attempt(
        lambda: quotas.set_time_rules(
            get_session(), survey, current_user, form.time_limit.data, daily
        ),
        _("答题时长与时段已保存"),
    )
    return redirect(url_for(".quota_page", survey_id=survey.id))


@requires(Permission.RUN)
def save_consent(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = ConsentForm()
    if form.validate():

        def save() -> None:
            session = get_session()
            quotas.set_consent(
                session, survey, current_user, form.text.data or "", form.required.data
            )
            personal.set_retention(session, survey, current_user, form.retention_days.data)

        attempt(save, _("个人信息使用说明已保存"))
    else:
        flash_errors(form)
    return redirect(url_for(".quota_page", survey_id=survey.id))


@requires(Permission.RUN)
def save_duplicates(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = DuplicatesForm()
    if form.validate():
        attempt(
            lambda: quotas.set_duplicates(
                get_session(), survey, current_user, form.policy.data or "open",
                form.suspect_seconds.data, form.challenge.data or "", form.challenge_after.data,
            ),
            _("防重复与防刷设置已保存"),
        )  # fmt: skip
    else:
        flash_errors(form)
    return redirect(url_for(".quota_page", survey_id=survey.id))


@requires(Permission.RUN)
def save_cap(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    form = CapForm()
    if form.validate():
        attempt(
            lambda: quotas.set_cap(get_session(), survey, current_user, form.cap.data),
            _("回收上限已保存"),
        )
    return redirect(url_for(".quota_page", survey_id=survey.id))


@requires(Permission.RUN)
def remove_quota(survey_id: int, quota_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    quota = next((q for q in survey.quotas if q.id == quota_id), None)
    if quota is None:
        abort(404)
    attempt(
        lambda: quotas.remove_quota(get_session(), survey, current_user, quota), _("名额已删除")
    )
    return redirect(url_for(".quota_page", survey_id=survey.id))
