"""The counters: kept by SQL increments, checked and rebuilt by recount, safe under concurrency."""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select, update

from survey.surveys import counting
from survey.surveys.models import Option, Response
from tests.helpers import form_for, hidden_fields


def test_counters_follow_each_response(session, demo_survey):
    session.expire_all()
    assert demo_survey.response_count == 4
    nature = demo_survey.questions[0]
    assert [o.answer_count for o in nature.options] == [1, 3, 0]
    assert nature.respondent_count == 4
    assert demo_survey.questions[6].respondent_count == 2  # 进出口情况, answered twice
    assert counting.recount(session, demo_survey) == []


def test_recount_finds_and_mends_a_wrong_counter(session, demo_survey, runner):
    state_owned = demo_survey.questions[0].options[0]
    session.execute(update(Option).where(Option.id == state_owned.id).values(answer_count=9))
    session.commit()
    check = runner.invoke(args=["recount", demo_survey.slug, "--check"])
    assert check.exit_code == 1 and "第 1 题 国企: 计数器 9，实际 1" in check.output
    fixed = runner.invoke(args=["recount", demo_survey.slug])
    assert fixed.exit_code == 0 and "已更正 1 处" in fixed.output
    again = runner.invoke(args=["recount", demo_survey.slug, "--check"])
    assert again.exit_code == 0 and "计数一致" in again.output


def test_deleting_responses_resets_the_counters(session, demo_survey, make_user):
    from survey.core.models import utcnow
    from survey.surveys.lifecycle import delete_responses
    from survey.surveys.publication import withdraw

    editor = make_user("editor")
    withdraw(session, demo_survey, editor, utcnow(), "数据有误")
    delete_responses(session, demo_survey, editor, demo_survey.title)
    session.commit()
    session.expire_all()
    assert demo_survey.response_count == 0 and demo_survey.last_response_at is None
    assert all(o.answer_count == 0 for q in demo_survey.questions for o in q.options)


def test_concurrent_submissions_lose_nothing(live_server, session, demo_survey):
    """Eight respondents at once, each submitting several times, some forms twice."""
    url = f"{live_server}/s/{demo_survey.slug}"
    answers = form_for(
        demo_survey, {"nature": "外企", "trade": "保税物流", "markets": ["欧盟", "美国"],
                      "products": ["农产品"], "outlook": "增加", "name": "并发测试企业"}
    )  # fmt: skip
    accepted = []
    errors = []

    def respondent() -> None:
        with httpx.Client(follow_redirects=False, timeout=30) as client:
            for _ in range(5):
                form = {**hidden_fields(client.get(f"{url}?again=1").text), **answers}
                # Each form is posted twice, as a double tap would: stored once.
                codes = [client.post(url, data=form).status_code for _ in range(2)]
                if codes != [303, 303]:
                    errors.append(codes)
                accepted.append(1)

    threads = [threading.Thread(target=respondent) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == demo_survey.id)
    )
    assert stored == 4 + len(accepted) == 44
    assert counting.recount(session, demo_survey) == []
    session.expire_all()
    assert [o.answer_count for o in demo_survey.questions[0].options] == [1, 3, 40]


@pytest.fixture(autouse=True)
def _generous_rate_limit(app):
    app.config["RESPONSE_RATE_LIMIT"] = "1000 per minute"
