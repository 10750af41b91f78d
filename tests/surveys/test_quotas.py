"""回收上限 and quotas (名额): held exactly by the guarded counter updates, also when many
respondents post at once over real HTTP; a respondent beyond them sees 名额已满 with what they
typed; an invalidated response frees its place; the definition carries both."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from survey.config import office_zone
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.surveys import counting, invalidation
from survey.surveys.definition import export_definition, validate
from survey.surveys.models import Quota, Response, Survey
from tests.helpers import fresh_form, hidden_fields, plain, post_all_at_once

QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "size", "type": "single", "title": "企业规模", "options": ["大型", "中小型"]},
    {"id": "name", "type": "text", "title": "企业名称", "required": False},
]


def answer(client, survey, nature, size="中小型", name=""):
    form = fresh_form(client, survey, {"nature": nature, "size": size, "name": name})
    return client.post(f"/s/{survey.slug}", data=form)


def stored(session, survey):
    return session.scalars(select(Response).where(Response.survey_id == survey.id)).all()


def test_a_survey_closes_itself_at_its_cap(client, session, make_survey):
    survey = make_survey(QUESTIONS, max_responses=2)
    assert answer(client, survey, "国企").status_code == 303
    last = fresh_form(client, survey, {"nature": "民企", "size": "大型", "name": ""})
    assert client.post(f"/s/{survey.slug}", data=last).status_code == 303
    # A second tap on 提交 of the form that took the last place: it is in, not refused.
    assert client.post(f"/s/{survey.slug}", data=last).status_code == 303
    late = answer(client, survey, "外企", name="招远市金海贸易有限公司")
    page = plain(late.get_data(as_text=True))
    assert late.status_code == 409 and "名额已满" in page and "未被收录" in page
    assert "招远市金海贸易有限公司" in page  # what they typed is shown back, not lost silently
    assert len(stored(session, survey)) == 2
    session.expire_all()
    assert survey.status == "closed"
    closed = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.close")).one()
    assert closed.username == "系统" and closed.detail["cap"] == 2
    again = client.get(f"/s/{survey.slug}?again=1")
    assert "已收满 2 份答卷" in plain(again.get_data(as_text=True))


def test_quotas_take_their_number_and_an_invalidated_response_frees_a_place(
    client, session, make_survey
):
    survey = make_survey(QUESTIONS, quotas=[
        {"label": "国企", "limit": 1, "when": {"nature": ["国企"]}},
        {"label": "大型民企", "limit": 1, "when": {"nature": ["民企"], "size": ["大型"]}},
    ])  # fmt: skip
    assert answer(client, survey, "国企").status_code == 303
    refused = answer(client, survey, "国企")
    assert refused.status_code == 409
    assert "“国企”的名额已满" in plain(refused.get_data(as_text=True))
    assert answer(client, survey, "民企", "大型").status_code == 303
    assert answer(client, survey, "民企", "大型").status_code == 409
    assert answer(client, survey, "民企", "中小型").status_code == 303  # in no quota
    session.expire_all()
    quotas = {q.label: q for q in session.scalars(select(Quota))}
    assert (quotas["国企"].taken, quotas["大型民企"].taken) == (1, 1)
    first = stored(session, survey)[0]
    invalidation.mark_invalid(session, survey, first, None, "重复填写", utcnow())
    session.commit()
    session.refresh(quotas["国企"])
    assert quotas["国企"].taken == 0
    assert answer(client, survey, "国企").status_code == 303
    assert counting.recount(session, session.get(Survey, survey.id)) == []


def test_caps_and_quotas_round_trip_through_the_definition(session, make_survey):
    quotas = [{"label": "大型民企", "limit": 10, "when": {"nature": ["民企"], "size": ["大型"]}}]
    survey = make_survey(QUESTIONS, max_responses=200, quotas=quotas)
    exported = export_definition(survey, office_zone())
    assert exported["max_responses"] == 200 and exported["quotas"] == quotas
    with pytest.raises(Exception, match="quotas"):
        validate({**exported, "quotas": [{"label": "x", "limit": 1, "when": {"name": ["a"]}}]},
                 office_zone())  # fmt: skip


@pytest.fixture
def _generous_rate_limit(app):
    app.config["RESPONSE_RATE_LIMIT"] = "1000 per minute"


def _phones(url, survey, answers, count):
    """``count`` respondents who opened the page before anyone submits."""
    from tests.helpers import form_for

    forms = []
    for _ in range(count):
        client = httpx.Client(follow_redirects=False, timeout=60)
        forms.append((client, {**hidden_fields(client.get(url).text), **form_for(survey, answers)}))
    return forms


@pytest.mark.usefixtures("_generous_rate_limit")
def test_fifty_posts_at_once_one_short_of_the_cap_store_exactly_one(
    live_server, client, session, make_survey
):
    survey = make_survey(QUESTIONS, max_responses=3)
    answer(client, survey, "国企")
    answer(client, survey, "民企")
    url = f"{live_server}/s/{survey.slug}"
    codes = post_all_at_once(url, _phones(url, survey, {"nature": "外企", "size": "大型"}, 50))
    assert codes == [303] + [409] * 49
    assert len(stored(session, survey)) == 3
    session.expire_all()
    assert survey.response_count == 3 and survey.status == "closed"


@pytest.mark.usefixtures("_generous_rate_limit")
def test_fifty_posts_at_once_one_short_of_a_quota_store_exactly_one(
    live_server, client, session, make_survey
):
    survey = make_survey(QUESTIONS, quotas=[{"label": "外企", "limit": 2,
                                             "when": {"nature": ["外企"]}}])  # fmt: skip
    answer(client, survey, "外企")
    url = f"{live_server}/s/{survey.slug}"
    codes = post_all_at_once(url, _phones(url, survey, {"nature": "外企", "size": "大型"}, 50))
    assert codes == [303] + [409] * 49
    assert len(stored(session, survey)) == 2
    quota = session.scalars(select(Quota)).one()
    session.refresh(quota)
    assert quota.taken == 2 and counting.recount(session, session.get(Survey, survey.id)) == []


def test_staff_set_a_cap_and_quotas_on_their_page(client, session, login, make_survey):
    from tests.conftest import csrf_of

    login("editor")
    survey = make_survey(QUESTIONS)
    assert answer(client, survey, "国企").status_code == 303
    page = f"/admin/surveys/{survey.id}/quotas"
    assert page in client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    nature = next(q for q in survey.questions if q.key == "nature")
    state_owned = next(o for o in nature.options if o.label == "国企")
    added = client.post(page, data={"csrf_token": csrf_of(client, page), "label": "国企",
                                    "limit": "2", "options": [str(state_owned.id)]})  # fmt: skip
    assert added.status_code == 302
    shown = plain(client.get(page).get_data(as_text=True))
    assert "国企" in shown and "1 / 2" in shown  # the response already in counts
    too_low = client.post(f"{page}/cap", data={"csrf_token": csrf_of(client, page), "cap": "0"})
    assert too_low.status_code == 302
    client.post(f"{page}/cap", data={"csrf_token": csrf_of(client, page), "cap": "5"})
    overview = plain(client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True))
    assert re.search(r"回收上限\s*1 / 5", overview) and re.search(r"名额：国企\s*1 / 2", overview)
    actions = {e.action for e in session.scalars(select(AuditEvent))}
    assert {"quota.add", "survey.cap"} <= actions


def _local_minute() -> int:
    from survey.core.timeutil import to_local

    local = to_local(utcnow(), office_zone())
    return local.hour * 60 + local.minute


def test_each_response_records_its_answering_time_and_a_time_limit_is_held(
    client, session, make_survey, monkeypatch
):
    import time

    from survey.surveys.answering import tokens

    survey = make_survey(QUESTIONS, time_limit=2)
    shown_at = time.time() - 95  # the form was opened 95 s ago
    monkeypatch.setattr(tokens.time, "time", lambda: shown_at)
    form = fresh_form(client, survey, {"nature": "国企", "size": "大型", "name": ""})
    monkeypatch.undo()
    assert client.post(f"/s/{survey.slug}", data=form).status_code == 303
    (response,) = stored(session, survey)
    assert 95 <= response.duration_seconds <= 100
    shown_at = time.time() - 3 * 60  # opened three minutes ago: past the two-minute limit
    monkeypatch.setattr(tokens.time, "time", lambda: shown_at)
    form = fresh_form(client, survey, {"nature": "民企", "size": "大型", "name": "迟到企业"})
    monkeypatch.undo()
    late = client.post(f"/s/{survey.slug}", data=form)
    page = plain(late.get_data(as_text=True))
    assert late.status_code == 409 and "须在打开后 2 分钟内提交" in page and "迟到企业" in page
    assert len(stored(session, survey)) == 1


def test_answers_are_taken_only_within_the_daily_hours(client, session, make_survey):
    minute = _local_minute()
    closed = [minute + 30, minute + 60] if minute < 720 else [minute - 60, minute - 30]
    hours = [f"{m // 60:02d}:{m % 60:02d}" for m in closed]
    survey = make_survey(QUESTIONS, daily_hours=f"{hours[0]}-{hours[1]}")
    shown = plain(client.get(f"/s/{survey.slug}").get_data(as_text=True))
    assert "现在不在答题时段" in shown and f"每天 {hours[0]} 至 {hours[1]}" in shown
    form = fresh_form(client, survey, {"nature": "国企", "size": "大型", "name": ""})
    assert client.post(f"/s/{survey.slug}", data=form).status_code == 409
    assert stored(session, survey) == []
    survey.daily_from, survey.daily_until = 0, 24 * 60
    session.commit()
    assert answer(client, survey, "国企").status_code == 303


def test_staff_set_the_time_rules(client, session, login, make_survey):
    from tests.conftest import csrf_of

    login("editor")
    survey = make_survey(QUESTIONS)
    page = f"/admin/surveys/{survey.id}/quotas"
    typo = {"csrf_token": csrf_of(client, page), "daily_from": "8点半", "daily_until": "17:30"}
    wrong = client.post(f"{page}/times", data=typo)
    assert "请按“时:分”填写答题时段" in plain(client.get(page).get_data(as_text=True))
    assert wrong.status_code == 302
    client.post(f"{page}/times", data={"csrf_token": csrf_of(client, page), "time_limit": "30",
                                       "daily_from": "08:30", "daily_until": "17:30"})  # fmt: skip
    session.expire_all()
    assert (survey.time_limit_minutes, survey.daily_from, survey.daily_until) == (30, 510, 1050)
    exported = export_definition(survey, office_zone())
    assert exported["time_limit"] == 30 and exported["daily_hours"] == "08:30-17:30"


def test_a_consent_notice_comes_first_and_its_tick_is_required(client, session, make_survey):
    notice = "企业名称仅用于本次统计，不对外公开。"
    survey = make_survey(QUESTIONS, consent={"text": notice, "required": True})
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert page.index(notice) < page.index("企业性质")  # above the first question
    form = fresh_form(client, survey, {"nature": "国企", "size": "大型", "name": "金海贸易"})
    refused = client.post(f"/s/{survey.slug}", data=form)
    shown = plain(refused.get_data(as_text=True))
    assert (
        refused.status_code == 422
        and "勾选同意后再提交" in shown
        and "金海贸易" in refused.get_data(as_text=True)
    )
    assert stored(session, survey) == []
    form = fresh_form(client, survey, {"nature": "国企", "size": "大型", "name": "金海贸易"})
    assert client.post(f"/s/{survey.slug}", data={**form, "consent": "yes"}).status_code == 303
    exported = export_definition(survey, office_zone())
    assert exported["consent"] == {"text": notice, "required": True}


def test_staff_write_the_consent_notice(client, session, login, make_survey):
    from tests.conftest import csrf_of

    login("editor")
    survey = make_survey(QUESTIONS)
    page = f"/admin/surveys/{survey.id}/quotas"
    empty = {"csrf_token": csrf_of(client, page), "text": "", "required": "y"}
    client.post(f"{page}/consent", data=empty)
    assert "请填写个人信息使用说明" in plain(client.get(page).get_data(as_text=True))
    notice = {"csrf_token": csrf_of(client, page), "text": "仅用于统计。", "required": "y"}
    client.post(f"{page}/consent", data=notice)
    session.expire_all()
    assert (survey.consent_text, survey.consent_required) == ("仅用于统计。", True)
    assert "我已阅读并同意以上说明" in client.get(f"/s/{survey.slug}").get_data(as_text=True)


def test_a_copy_keeps_the_collection_rules(session, make_survey):
    from survey.surveys.lifecycle import copy_survey

    rules = {
        "max_responses": 80, "time_limit": 20, "daily_hours": "08:30-17:30",
        "consent": {"text": "仅用于统计。", "required": True},
        "quotas": [
            {"label": "大型民企", "limit": 10, "when": {"nature": ["民企"], "size": ["大型"]}}
        ],
    }  # fmt: skip
    survey = make_survey(QUESTIONS, **rules)
    copy = copy_survey(session, survey, None)
    session.commit()
    exported = export_definition(copy, office_zone())
    assert {key: exported[key] for key in rules} == rules


def test_staff_find_responses_answered_too_fast(client, session, login, make_survey, monkeypatch):
    import time

    from survey.surveys.answering import tokens

    survey = make_survey(QUESTIONS)
    for seconds in (4, 300):
        shown_at = time.time() - seconds
        monkeypatch.setattr(tokens.time, "time", lambda at=shown_at: at)
        form = fresh_form(client, survey, {"nature": "国企", "size": "大型", "name": ""})
        monkeypatch.undo()
        assert client.post(f"/s/{survey.slug}", data=form).status_code == 303
    login("viewer")
    listed = plain(client.get(f"/admin/surveys/{survey.id}/responses").get_data(as_text=True))
    assert "5分" in listed and re.search(r"\b[45]秒", listed)
    fast = client.get(f"/admin/surveys/{survey.id}/responses?faster_than=10")
    rows = re.findall(r"/admin/responses/(\d+)", fast.get_data(as_text=True))
    quick = min(r.id for r in stored(session, survey))
    assert rows == [str(quick)]
