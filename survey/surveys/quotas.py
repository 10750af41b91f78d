"""A survey's collection rules as staff set them: its 回收上限 of valid responses, quotas on the
options of its choice questions, the 答题时长限制 and the 每日答题时段, the 防重复 policy and the
防刷 challenge. The answer path holds them (``answering``); this module checks and records what
staff ask for."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.window import Status
from survey.surveys import counting
from survey.surveys.definition import MAX_QUOTA_QUESTIONS, MAX_QUOTAS, MAX_RESPONSES
from survey.surveys.lifecycle import response_count
from survey.surveys.models import Quota, Survey
from survey.surveys.results import filterable_questions


class QuotaError(Refusal):
    """A cap or quota that cannot be set; the message says why."""


MAX_TIME_LIMIT = 24 * 60  # minutes


def set_time_rules(
    session: Session,
    survey: Survey,
    actor: audit.Actor | None,
    time_limit: int | None,
    daily: tuple[int, int] | None,
) -> None:
    """Set the 答题时长限制 (minutes) and the 每日答题时段 (minutes of the office's day, from
    and until; None: none)."""
    if time_limit is not None and not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise QuotaError(_("答题时长限制应为 1 到 %(n)s 分钟", n=MAX_TIME_LIMIT))
    if daily is not None and not 0 <= daily[0] < daily[1] <= 24 * 60:
        raise QuotaError(_("答题时段的结束时间应晚于开始时间"))
    before = {"time_limit": survey.time_limit_minutes, "daily": _daily(survey)}
    survey.time_limit_minutes = time_limit
    survey.daily_from, survey.daily_until = daily if daily is not None else (None, None)
    changes = audit.changed(before, {"time_limit": time_limit, "daily": _daily(survey)})
    if changes:
        audit.record(session, actor, "survey.time_rules", survey, changes=changes)


def _daily(survey: Survey) -> list[int] | None:
    if survey.daily_from is None or survey.daily_until is None:
        return None
    return [survey.daily_from, survey.daily_until]


CONSENT_MAX_LENGTH = 5000


def set_consent(
    session: Session, survey: Survey, actor: audit.Actor | None, text: str, required: bool
) -> None:
    """Set the 个人信息使用说明 and whether respondents must agree to it."""
    text = text.strip()
    if len(text) > CONSENT_MAX_LENGTH:
        raise QuotaError(_("个人信息使用说明最多 %(n)s 字", n=CONSENT_MAX_LENGTH))
    if required and not text:
        raise QuotaError(_("要求勾选同意时，请填写个人信息使用说明"))
    changes = audit.changed(
        {"consent_text": survey.consent_text, "consent_required": survey.consent_required},
        {"consent_text": text, "consent_required": required},
    )
    if changes:
        survey.consent_text, survey.consent_required = text, required
        audit.record(session, actor, "survey.consent", survey, changes=changes)


POLICIES = ("open", "device", "address", "invitation")
CHALLENGES = ("", "busy", "always")


def set_duplicates(
    session: Session,
    survey: Survey,
    actor: audit.Actor | None,
    policy: str,
    suspect_seconds: int | None,
    challenge: str,
    challenge_after: int | None,
) -> None:
    """Set the 防重复 policy, the threshold of 用时过短, and the 防刷 challenge."""
    if policy not in POLICIES or challenge not in CHALLENGES:
        raise QuotaError(_("请选择一项"))
    if suspect_seconds is not None and not 1 <= suspect_seconds <= 86_400:
        raise QuotaError(_("秒数应为 1 到 %(n)s 之间的整数", n=86_400))
    after = challenge_after if challenge_after is not None else survey.challenge_after
    if not 1 <= after <= 100_000:
        raise QuotaError(_("份数应为 1 到 %(n)s 之间的整数", n=100_000))
    before = {"policy": survey.duplicate_policy, "suspect_seconds": survey.suspect_seconds,
              "challenge": survey.challenge, "challenge_after": survey.challenge_after}  # fmt: skip
    survey.requires_invitation = policy == "invitation"
    survey.once_per = policy if policy in ("device", "address") else ""
    survey.suspect_seconds = suspect_seconds
    survey.challenge, survey.challenge_after = challenge, after
    changes = audit.changed(
        before,
        {"policy": policy, "suspect_seconds": suspect_seconds, "challenge": challenge,
         "challenge_after": after},
    )  # fmt: skip
    if changes:
        audit.record(session, actor, "survey.duplicates", survey, changes=changes)


def set_cap(session: Session, survey: Survey, actor: audit.Actor | None, cap: int | None) -> None:
    """Set the 回收上限 (None: none); it may not be below the valid responses already in."""
    if cap == survey.response_cap:
        return
    if cap is not None:
        if not 1 <= cap <= MAX_RESPONSES:
            raise QuotaError(_("回收上限应为 1 到 %(n)s 之间的整数", n=MAX_RESPONSES))
        have = response_count(session, survey)
        if cap < have:
            raise QuotaError(_("已有 %(n)s 份有效答卷，回收上限不能低于此数", n=have))
    audit.record(session, actor, "survey.cap", survey, changes={"cap": [survey.response_cap, cap]})
    survey.response_cap = cap


def add_quota(
    session: Session,
    survey: Survey,
    actor: audit.Actor | None,
    label: str,
    limit: int,
    option_ids: Collection[int],
) -> Quota:
    """A new quota counting, from now and of the valid responses already in, those that chose
    (for each question the options belong to) one of ``option_ids``."""
    if survey.status == Status.ARCHIVED:
        raise QuotaError(_("已归档的问卷不能修改"))
    label = label.strip()
    if not label or len(label) > 100:
        raise QuotaError(_("请填写名额名称（最多 100 字）"))
    if not 1 <= limit <= MAX_RESPONSES:
        raise QuotaError(_("名额数应为 1 到 %(n)s 之间的整数", n=MAX_RESPONSES))
    if len(survey.quotas) >= MAX_QUOTAS:
        raise QuotaError(_("一份问卷最多设置 %(n)s 个名额", n=MAX_QUOTAS))
    offered = {o.id: o for q in filterable_questions(survey) for o in q.options}
    options = [offered[i] for i in sorted(set(option_ids)) if i in offered]
    if not options or len(options) != len(set(option_ids)):
        raise QuotaError(_("请选择单选、多选或下拉题的选项"))
    if len({o.question_id for o in options}) > MAX_QUOTA_QUESTIONS:
        raise QuotaError(_("一个名额最多组合 %(n)s 道题的选项", n=MAX_QUOTA_QUESTIONS))
    quota = Quota(label=label, limit=limit, options=options, position=len(survey.quotas))
    survey.quotas.append(quota)
    session.flush()
    quota.taken = session.scalar(counting.quota_count(survey, quota)) or 0
    audit.record(
        session, actor, "quota.add", survey, label=label, limit=limit,
        options=[o.label for o in options], taken=quota.taken,
    )  # fmt: skip
    return quota


def remove_quota(session: Session, survey: Survey, actor: audit.Actor | None, quota: Quota) -> None:
    audit.record(session, actor, "quota.remove", survey, label=quota.label, limit=quota.limit)
    survey.quotas.remove(quota)
