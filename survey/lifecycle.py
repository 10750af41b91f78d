"""A survey's life: draft -> open (now or scheduled) -> closed, results published separately,
copies, deletion of drafts, archiving, and the confirmed deletion of responses. Every change is
audited in the same transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey import audit, snapshot, tally
from survey.definition import create_survey
from survey.models import Response, ResultPublication, Survey, SurveyStatus, User


class LifecycleError(ValueError):
    """A transition that is not allowed now; the message says why, in the staff's words."""


def response_count(session: Session, survey: Survey) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )


def open_survey(
    session: Session, survey: Survey, actor: User, now: datetime, at: datetime | None = None
) -> None:
    """Take answers from now, or from ``at`` when given (a scheduled start)."""
    if survey.status == SurveyStatus.ARCHIVED:
        raise LifecycleError(_("已归档的问卷不能再开始收集"))
    if not survey.questions:
        raise LifecycleError(_("问卷还没有题目"))
    start = at if at and at > now else None
    if survey.closes_at and (start or now) >= survey.closes_at:
        raise LifecycleError(_("开始时间应早于截止时间，请先修改征集时间"))
    if start:
        survey.opens_at = start
    elif survey.opens_at and survey.opens_at > now:
        survey.opens_at = now
    survey.open(now)
    audit.record(session, actor, "survey.schedule" if start else "survey.open", survey)


def close_survey(session: Session, survey: Survey, actor: User) -> None:
    if survey.status != SurveyStatus.OPEN:
        raise LifecycleError(_("只有收集中的问卷可以结束"))
    survey.close()
    audit.record(session, actor, "survey.close", survey)


def publish_results(
    session: Session,
    survey: Survey,
    actor: User | None,
    now: datetime,
    *,
    questions: Collection[int] | None = None,
    summary: str | None = None,
) -> ResultPublication:
    """Publish the results as they stand now, as a new frozen version of the 结果反馈 page
    (``questions`` and ``summary`` default to those of the previous version)."""
    if survey.status == SurveyStatus.DRAFT:
        raise LifecycleError(_("草稿没有结果可发布"))
    return snapshot.publish(session, survey, actor, now, questions=questions, summary=summary)


def unpublish_results(session: Session, survey: Survey, actor: User | None) -> None:
    survey.unpublish_results()
    audit.record(session, actor, "survey.unpublish", survey)


def copy_survey(session: Session, survey: Survey, actor: User) -> Survey:
    """A new draft with the same questionnaire (options on offer only) and no responses."""
    copy = create_survey(
        session,
        {
            "title": f"{survey.title}（副本）"[:200],
            "issuer": survey.issuer,
            "description": survey.description,
            "thank_you": survey.thank_you,
            "opens": survey.opens_at,
            "closes": survey.closes_at,
            "requires_invitation": survey.requires_invitation,
            "questions": [
                {
                    "id": q.key,
                    "type": q.type,
                    "title": q.title,
                    "help": q.help,
                    "required": q.required,
                    "settings": dict(q.settings),
                    "options": [{"label": o.label, "fill_in": o.fill_in} for o in q.active_options],
                }
                for q in survey.questions
            ],
        },
    )
    audit.record(session, actor, "survey.copy", copy, source=survey.title)
    return copy


def delete_draft(session: Session, survey: Survey, actor: User) -> None:
    if survey.status != SurveyStatus.DRAFT or response_count(session, survey):
        raise LifecycleError(_("只能删除没有答卷的草稿；有答卷的问卷请归档"))
    audit.record(session, actor, "survey.delete", title=survey.title)
    session.delete(survey)


def archive_survey(session: Session, survey: Survey, actor: User) -> None:
    if survey.status == SurveyStatus.DRAFT:
        raise LifecycleError(_("草稿不需要归档，可以直接删除"))
    survey.status = SurveyStatus.ARCHIVED
    audit.record(session, actor, "survey.archive", survey)


def delete_responses(session: Session, survey: Survey, actor: User, confirmation: str) -> int:
    """Delete every response, once the staff member has typed the survey's title to confirm."""
    if confirmation.strip() != survey.title:
        raise LifecycleError(_("请输入完整的问卷标题以确认删除"))
    if survey.results_published:
        raise LifecycleError(_("结果已发布，请先撤回结果再删除答卷"))
    count = response_count(session, survey)
    session.execute(delete(Response).where(Response.survey_id == survey.id))
    tally.recount(session, survey)
    audit.record(session, actor, "responses.delete", survey, count=count)
    return count
