"""A survey's life: draft -> open (now or scheduled) -> closed -> archived, copies, deletion of
drafts, and the confirmed deletion of responses (publishing its results is
``survey.surveys.publication``'s). Every change is audited in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.core.window import Status
from survey.surveys import counting
from survey.surveys.definition import create_survey
from survey.surveys.models import Quota, Response, Survey


class LifecycleError(Refusal):
    """A transition that is not allowed now; the message says why, in the staff's words."""


def response_count(session: Session, survey: Survey) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )


def opening_start(survey: Survey, now: datetime, at: datetime | None = None) -> datetime | None:
    """Whether the survey may open now (refused, with the reason, if not), and when: None for
    at once, or the scheduled start ``at``."""
    if survey.status == Status.ARCHIVED:
        raise LifecycleError(_("已归档的问卷不能再开始收集"))
    if survey.status == Status.OPEN and not (survey.opens_at and survey.opens_at > now):
        raise LifecycleError(_("问卷已在收集中"))
    if not survey.questions:
        raise LifecycleError(_("问卷还没有题目"))
    start = at if at and at > now else None
    if survey.closes_at and (start or now) >= survey.closes_at:
        raise LifecycleError(_("开始时间应早于截止时间，请先修改征集时间"))
    return start


def open_survey(
    session: Session,
    survey: Survey,
    actor: audit.Actor | None,
    now: datetime,
    at: datetime | None = None,
) -> None:
    """Take answers from now, or from ``at`` when given (a scheduled start)."""
    start = opening_start(survey, now, at)
    if start:
        survey.opens_at = start
    elif survey.opens_at and survey.opens_at > now:
        survey.opens_at = now
    survey.open(now)
    if start:
        audit.record(session, actor, "survey.schedule", survey, opens_at=start)
    else:
        audit.record(session, actor, "survey.open", survey)


def close_survey(session: Session, survey: Survey, actor: audit.Actor | None) -> None:
    if survey.status != Status.OPEN:
        raise LifecycleError(_("只有收集中的问卷可以结束"))
    survey.close(utcnow())
    audit.record(session, actor, "survey.close", survey)


def close_full(session: Session, survey_id: int) -> None:
    """Close a survey that reached its 回收上限 with the response just stored (audited as the
    platform's doing); the guarded counter had refused any more already."""
    survey = session.get(Survey, survey_id)
    if survey is not None and survey.status == Status.OPEN:
        survey.close(utcnow())
        audit.record(
            session, None, "survey.close", survey, by=audit.SYSTEM, cap=survey.response_cap
        )
        session.commit()


def copy_survey(session: Session, survey: Survey, actor: audit.Actor | None) -> Survey:
    """A new draft with the same questionnaire (options on offer only), the same collection
    rules, and no responses."""
    keys = {q.id: q.key for q in survey.questions}
    copy = create_survey(
        session,
        {
            "title": _("%(title)s（副本）", title=survey.title)[:200],
            "issuer": survey.issuer,
            "description": survey.description,
            "thank_you": survey.thank_you,
            "opens": survey.opens_at,
            "closes": survey.closes_at,
            "requires_invitation": survey.requires_invitation,
            "max_responses": survey.response_cap,
            "time_limit": survey.time_limit_minutes,
            "daily_hours": (survey.daily_from, survey.daily_until)
            if survey.daily_from is not None and survey.daily_until is not None
            else None,
            "consent": {"text": survey.consent_text, "required": survey.consent_required},
            "duplicates": survey.once_per,
            "too_fast_seconds": survey.suspect_seconds,
            "challenge": survey.challenge,
            "challenge_after": survey.challenge_after,
            "retention_days": survey.retention_days,
            "quotas": [
                {"label": quota.label, "limit": quota.limit, "when": when}
                for quota in survey.quotas
                if (when := _quota_when(quota, keys))
            ],
            "questions": [
                {
                    "id": q.key,
                    "type": q.type,
                    "title": q.title,
                    "help": q.help,
                    "required": q.required,
                    "settings": dict(q.settings),
                    "personal": q.marked_personal,
                    "options": [{"label": o.label, "fill_in": o.fill_in} for o in q.active_options],
                }
                for q in survey.questions
            ],
        },
    )
    copy.department_id = survey.department_id
    audit.record(session, actor, "survey.copy", copy, source=survey.title)
    return copy


def _quota_when(quota: Quota, keys: dict[int, str]) -> dict[str, list[str]]:
    """A quota's options by question key, as the definition writes them (those on offer)."""
    when: dict[str, list[str]] = {}
    for option in quota.options:
        if option.is_active:
            when.setdefault(keys[option.question_id], []).append(option.label)
    return when


def delete_draft(session: Session, survey: Survey, actor: audit.Actor | None) -> None:
    if survey.status != Status.DRAFT or response_count(session, survey):
        raise LifecycleError(_("只能删除没有答卷的草稿；有答卷的问卷请归档"))
    audit.record(session, actor, "survey.delete", title=survey.title)
    session.delete(survey)


def archive_survey(session: Session, survey: Survey, actor: audit.Actor | None) -> None:
    if survey.status == Status.DRAFT:
        raise LifecycleError(_("草稿不需要归档，可以直接删除"))
    survey.status = Status.ARCHIVED
    audit.record(session, actor, "survey.archive", survey)


def delete_responses(
    session: Session, survey: Survey, actor: audit.Actor | None, confirmation: str
) -> int:
    """Delete every response, once the staff member has typed the survey's title to confirm."""
    if confirmation.strip() != survey.title:
        raise LifecycleError(_("请输入完整的问卷标题以确认删除"))
    if survey.results_published:
        raise LifecycleError(_("结果已发布，请先撤回结果再删除答卷"))
    count = response_count(session, survey)
    session.execute(delete(Response).where(Response.survey_id == survey.id))
    counting.recount(session, survey)
    audit.record(session, actor, "responses.delete", survey, count=count)
    return count
