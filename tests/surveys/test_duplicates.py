"""防重复 and 防刷: a survey's policy (one response per device, or per network address a day)
holds under simultaneous posts; every response is flagged for staff when it looks like a
duplicate or a bot, never dropped for it, and staff mark the flagged ones invalid in one step;
a self-hosted arithmetic question guards the form, always or once an address is busy."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.config import office_zone
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.surveys import answering, screening
from survey.surveys.answering import tokens
from survey.surveys.definition import export_definition, validate
from survey.surveys.models import Response, Survey
from tests.conftest import csrf_of
from tests.helpers import form_for, hidden_fields, plain, post_all_at_once

QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "name", "type": "text", "title": "企业名称", "required": False},
]
CHINESE_NUMBERS = "零一二三四五六七八九"  # as the 防刷 question writes them
DEVICE = "A" * 22  # the id form.js keeps in the browser's storage


def phone_at(app, address):
    """A browser of its own, on another network."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def stored(session, survey):
    return session.scalars(
        select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
    ).all()


def form_page(client, survey):
    page = client.get(f"/s/{survey.slug}?again=1")  # (again: this browser may have answered)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def filled(client, survey, nature="民企", name="", device=DEVICE):
    fields = hidden_fields(form_page(client, survey))
    return {**fields, **form_for(survey, {"nature": nature, "name": name}), "device": device}


def test_one_response_per_device_whatever_the_cookies_say(app, client, session, make_survey):
    survey = make_survey(QUESTIONS, duplicates="device")
    first, second = filled(client, survey), filled(client, survey)
    assert client.post(f"/s/{survey.slug}", data=first).status_code == 303
    # The thank-you page's cookie: the page says so, with no 再填写一份 (this policy has none).
    again = plain(client.get(f"/s/{survey.slug}?again=1").get_data(as_text=True))
    assert "您已提交过本问卷" in again and "再填写一份" not in again
    refused = client.post(f"/s/{survey.slug}", data=second)
    page = plain(refused.get_data(as_text=True))
    assert refused.status_code == 409 and "每台设备只能填写一次" in page
    # Cookies cleared, the browser's storage kept: the same device id is refused too, with
    # what was typed shown back.
    fresh = app.test_client()
    late = fresh.post(f"/s/{survey.slug}", data=filled(fresh, survey, name="龙口市外贸公司"))
    assert late.status_code == 409 and "龙口市外贸公司" in plain(late.get_data(as_text=True))
    other = app.test_client()
    posted = other.post(f"/s/{survey.slug}", data=filled(other, survey, device="B" * 22))
    assert posted.status_code == 303
    assert len(stored(session, survey)) == 2


def test_one_response_per_address_a_day(app, client, session, make_survey):
    survey = make_survey(QUESTIONS, duplicates="address")
    assert client.post(f"/s/{survey.slug}", data=filled(client, survey)).status_code == 303
    colleague = app.test_client()  # another phone on the same office network
    page = plain(colleague.get(f"/s/{survey.slug}").get_data(as_text=True))
    assert "每个网络地址每天只能填写一次" in page
    elsewhere = phone_at(app, "203.0.113.9")
    posted = elsewhere.post(f"/s/{survey.slug}", data=filled(elsewhere, survey, device="C" * 22))
    assert posted.status_code == 303
    # The next day, the office's address may answer again.
    form = MultiDict(form_for(survey, {"nature": "国企"}))
    form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
    tomorrow = utcnow() + timedelta(days=1)
    outcome = answering.submit(session, survey, form, tomorrow, app.secret_key,
                               zone=office_zone(), address="127.0.0.1")  # fmt: skip
    assert outcome.accepted and len(stored(session, survey)) == 3
    with pytest.raises(answering.AlreadyAnswered):
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        answering.submit(session, survey, form, tomorrow, app.secret_key, zone=office_zone(),
                         address="127.0.0.1")  # fmt: skip


@pytest.fixture
def _generous_rate_limit(app):
    app.config["RESPONSE_RATE_LIMIT"] = "1000 per minute"


@pytest.mark.usefixtures("_generous_rate_limit")
def test_twenty_posts_at_once_from_one_device_store_exactly_one(live_server, session, make_survey):
    survey = make_survey(QUESTIONS, duplicates="device")
    url = f"{live_server}/s/{survey.slug}"
    forms = []
    for _ in range(20):  # twenty tabs of one phone, opened before any is submitted
        phone = httpx.Client(follow_redirects=False, timeout=60)
        fields = hidden_fields(phone.get(url).text)
        forms.append((phone, {**fields, **form_for(survey, {"nature": "外企"}), "device": DEVICE}))
    assert post_all_at_once(url, forms) == [303] + [409] * 19
    assert len(stored(session, survey)) == 1
    session.expire_all()
    assert session.get(Survey, survey.id).response_count == 1


def _answer(app, session, survey, nature, *, device="", address="", seconds=None, at=None):
    """A response as the answer path stores it, from ``device`` and ``address``, answered in
    ``seconds``."""
    import time

    form = MultiDict(form_for(survey, {"nature": nature}))
    issued = time.time() - (seconds if seconds is not None else 60)
    real_time = tokens.time.time
    tokens.time.time = lambda: issued
    try:
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
    finally:
        tokens.time.time = real_time
    outcome = answering.submit(session, survey, form, at or utcnow(), app.secret_key,
                               device=device, address=address)  # fmt: skip
    assert outcome.accepted
    return outcome.response_id


def test_suspected_duplicates_are_flagged_filtered_and_invalidated_in_one_step(
    app, client, session, login, make_survey
):
    survey = make_survey(QUESTIONS, too_fast_seconds=10)
    now = utcnow()
    a = _answer(app, session, survey, "国企", device="d1", address="10.0.0.1", at=now)
    b = _answer(app, session, survey, "民企", device="d1", address="10.0.0.2",
                at=now + timedelta(minutes=3))  # fmt: skip
    c = _answer(app, session, survey, "民企", device="d2", address="10.0.0.2",
                at=now + timedelta(minutes=30))  # fmt: skip
    d = _answer(app, session, survey, "外企", device="d3", address="10.0.0.3", seconds=2)
    honest = _answer(app, session, survey, "民企", device="d4", address="10.0.0.4")
    flags = screening.flags_of(session, survey, [a, b, c, d, honest])
    assert flags == {a: ["device"], b: ["device"], c: [], d: ["fast"], honest: []}
    login("editor")
    listing = client.get(f"/admin/surveys/{survey.id}/responses?flag=any").get_data(as_text=True)
    shown = {int(n) for n in re.findall(r"/admin/responses/(\d+)\"", listing)}
    assert shown == {a, b, d} and "同设备" in listing and "用时过短" in listing
    # Nothing was dropped: every response counts until staff decide.
    session.expire_all()
    assert session.get(Survey, survey.id).response_count == 5
    page = f"/admin/surveys/{survey.id}/responses?flag=device"
    assert "作废筛选出的 2 份有效答卷" in plain(client.get(page).get_data(as_text=True))
    marked = client.post(f"/admin/surveys/{survey.id}/responses/invalidate-flagged", data={
        "csrf_token": csrf_of(client, page), "flag": "device", "reason": "同一设备重复提交",
    })  # fmt: skip
    assert marked.status_code == 302
    assert "已作废 2 份答卷" in plain(client.get(marked.headers["Location"]).get_data(as_text=True))
    session.expire_all()
    invalid = {r.id for r in stored(session, survey) if not r.is_valid}
    assert invalid == {a, b} and session.get(Survey, survey.id).response_count == 3
    step = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "responses.invalidate_flagged")
    ).one()
    assert step.detail["responses"] == 2 and step.detail["reason"] == "同一设备重复提交"


def test_identical_answers_are_flagged_when_there_are_enough_of_them(app, session, make_survey):
    questions = [
        {"id": f"q{n}", "type": "single", "title": f"第{n}题", "options": ["是", "否"]}
        for n in range(6)
    ]
    survey = make_survey(questions)

    def answer(labels):
        form = MultiDict(form_for(survey, {f"q{n}": label for n, label in enumerate(labels)}))
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        return answering.submit(session, survey, form, utcnow(), app.secret_key).response_id

    same = [answer(["是"] * 6), answer(["是"] * 6)]
    different = answer(["否"] * 6)
    few = [answer(["是"]), answer(["是"])]  # one answer each: too few to tell a copy
    flags = screening.flags_of(session, survey, [*same, different, *few])
    assert all("identical" in flags[i] for i in same)
    assert not any("identical" in flags[i] for i in [different, *few])


def solve(page: str) -> str:
    found = re.search(r"防刷验证：(\S) 加 (\S) 等于几", plain(page))
    assert found, "the page asks no 防刷 question"
    return str(CHINESE_NUMBERS.index(found[1]) + CHINESE_NUMBERS.index(found[2]))


def test_a_challenge_guards_every_post_and_keeps_what_was_typed(client, session, make_survey):
    survey = make_survey(QUESTIONS, challenge="always")
    page = form_page(client, survey)
    assert 'id="challenge"' in page and '<label for="challenge">' in page  # read out by label
    form = {**hidden_fields(page), **form_for(survey, {"nature": "民企", "name": "蓬莱贸易"})}
    unanswered = client.post(f"/s/{survey.slug}", data=form)
    again = unanswered.get_data(as_text=True)
    assert unanswered.status_code == 422 and "请先回答防刷验证题" in plain(again)
    assert 'value="蓬莱贸易"' in again and 'aria-describedby="challenge-error"' in again
    wrong = client.post(f"/s/{survey.slug}", data={**hidden_fields(again), **form,
                                                    "challenge": "99"})  # fmt: skip
    assert wrong.status_code == 422 and "答案不正确" in plain(wrong.get_data(as_text=True))
    retry = wrong.get_data(as_text=True)
    right = {**form, **hidden_fields(retry), "challenge": solve(retry)}
    assert client.post(f"/s/{survey.slug}", data=right).status_code == 303
    # A solution serves its own form only.
    other = hidden_fields(form_page(client, survey))
    copied = {**form, **other, "challenge_token": right["challenge_token"],
              "challenge": right["challenge"]}  # fmt: skip
    assert client.post(f"/s/{survey.slug}", data=copied).status_code == 422
    assert len(stored(session, survey)) == 1


def test_the_challenge_is_asked_with_every_other_message_and_once_solved_stays(
    client, session, make_survey
):
    questions = [{**QUESTIONS[0], "required": True}, QUESTIONS[1]]
    survey = make_survey(questions, challenge="always")
    page = form_page(client, survey)
    empty = client.post(f"/s/{survey.slug}", data=hidden_fields(page))
    shown = plain(empty.get_data(as_text=True))
    assert "有 2 处需要修改" in shown and "请选择一项" in shown and "请先回答防刷验证题" in shown
    again = empty.get_data(as_text=True)
    solved = {**hidden_fields(again), "challenge": solve(again)}
    missing = client.post(f"/s/{survey.slug}", data=solved)  # the question right, a field not
    back = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "请选择一项" in plain(back)
    assert solve(back) == solved["challenge"] and f'value="{solved["challenge"]}"' in back
    answered = {**hidden_fields(back), **form_for(survey, {"nature": "国企"}),
                "challenge": solved["challenge"]}  # fmt: skip
    assert client.post(f"/s/{survey.slug}", data=answered).status_code == 303
    assert len(stored(session, survey)) == 1


def test_a_busy_address_is_challenged_and_others_are_not(app, client, session, make_survey):
    survey = make_survey(QUESTIONS, challenge="busy", challenge_after=2)
    for nature in ("国企", "民企"):
        assert 'id="challenge"' not in form_page(client, survey)
        posted = client.post(f"/s/{survey.slug}", data=filled(client, survey, nature))
        assert posted.status_code == 303
    assert 'id="challenge"' in form_page(client, survey)  # two in the hour from this address
    elsewhere = phone_at(app, "203.0.113.7")
    assert 'id="challenge"' not in form_page(elsewhere, survey)


def test_staff_set_the_policy_and_the_challenge_and_the_definition_keeps_them(
    client, session, login, make_survey
):
    login("editor")
    survey = make_survey(QUESTIONS)
    page = f"/admin/surveys/{survey.id}/quotas"
    text = plain(client.get(page).get_data(as_text=True))
    assert "每台设备只能填写一次" in text and "防刷验证" in text
    saved = client.post(f"{page}/duplicates", data={
        "csrf_token": csrf_of(client, page), "policy": "address", "suspect_seconds": "8",
        "challenge": "busy", "challenge_after": "30",
    })  # fmt: skip
    assert saved.status_code == 302
    session.expire_all()
    survey = session.get(Survey, survey.id)
    assert (survey.duplicate_policy, survey.too_fast_seconds) == ("address", 8)
    assert (survey.challenge, survey.challenge_after) == ("busy", 30)
    exported = export_definition(survey, office_zone())
    assert exported["duplicates"] == "address" and exported["challenge_after"] == 30
    again = validate(exported, office_zone())
    assert again["duplicates"] == "address" and again["too_fast_seconds"] == 8
    with pytest.raises(Exception, match="duplicates"):
        validate({**exported, "requires_invitation": True}, office_zone())
    assert "survey.duplicates" in {e.action for e in session.scalars(select(AuditEvent))}
    # 仅限邀请链接 is one of the policies.
    client.post(f"{page}/duplicates", data={"csrf_token": csrf_of(client, page),
                                            "policy": "invitation", "challenge": ""})  # fmt: skip
    session.expire_all()
    survey = session.get(Survey, survey.id)
    assert survey.requires_invitation and survey.duplicate_policy == "invitation"
