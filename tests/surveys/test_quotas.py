"""回收上限 and quotas (名额): held exactly by the guarded counter updates, also when many
respondents post at once over real HTTP; a respondent beyond them sees 名额已满 with what they
typed; an invalidated response frees its place; the definition carries both."""

from __future__ import annotations

import re
import threading

import httpx
import pytest
from sqlalchemy import select

from survey.config import office_zone
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.surveys import counting, invalidation
from survey.surveys.definition import export_definition, validate
from survey.surveys.models import Quota, Response, Survey
from tests.helpers import fresh_form, hidden_fields, plain

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
    assert answer(client, survey, "民企").status_code == 303
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


def _all_at_once(url, forms):
    codes: list[int] = []
    start = threading.Barrier(len(forms))

    def post(client: httpx.Client, form: dict) -> None:
        start.wait()
        codes.append(client.post(url, data=form).status_code)
        client.close()

    threads = [threading.Thread(target=post, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


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
    codes = _all_at_once(url, _phones(url, survey, {"nature": "外企", "size": "大型"}, 50))
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
    codes = _all_at_once(url, _phones(url, survey, {"nature": "外企", "size": "大型"}, 50))
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
