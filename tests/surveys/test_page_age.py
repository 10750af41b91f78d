"""With the production setting, a worker may serve an answer page from a copy of the
questionnaire up to a second old; a submission is still judged by the current design."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from survey.surveys import lifecycle
from survey.surveys.design import OptionEdit, add_question, update_question
from survey.surveys.models import Response
from tests.helpers import fresh_form, plain, question

QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "required": True,
     "options": ["国企", "民企", "外企"]},
]  # fmt: skip


@pytest.fixture
def app_settings(app_settings: dict) -> dict:
    # Longer than any test: every page comes from the copy made by the first request.
    return {**app_settings, "QUESTIONNAIRE_RECHECK_SECONDS": 3600}


@pytest.fixture
def survey(make_survey):
    return make_survey(QUESTIONS)


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(Response))


def retire_foreign(session, survey, editor) -> None:
    nature = question(survey, "nature")
    kept = [OptionEdit(o.id, o.label, False) for o in nature.options if o.label != "外企"]
    update_question(session, nature, editor, title=nature.title, help="", required=True,
                    type_name="single", settings={}, options=kept)  # fmt: skip
    session.commit()


def test_an_old_page_may_show_a_withdrawn_option_but_cannot_store_it(
    client, session, survey, make_user
):
    data = fresh_form(client, survey, {"nature": "外企"})
    retire_foreign(session, survey, make_user("editor"))
    assert "外企" in plain(client.get(f"/s/{survey.slug}").get_data(as_text=True))  # the copy
    refused = client.post(f"/s/{survey.slug}", data=data)
    assert refused.status_code == 422
    assert "“外企”已不再提供，请重新选择" in refused.get_data(as_text=True)
    assert stored(session) == 0
    # Judged again, the form now shows the current questionnaire.
    assert "外企" not in plain(client.get(f"/s/{survey.slug}").get_data(as_text=True))


def test_a_closed_survey_takes_nothing_from_an_old_page(client, session, survey, make_user):
    data = fresh_form(client, survey, {"nature": "民企"})
    lifecycle.close_survey(session, survey, make_user("editor"))
    session.commit()
    refused = client.post(f"/s/{survey.slug}", data=data)
    assert refused.status_code == 409 and "已结束" in refused.get_data(as_text=True)
    assert stored(session) == 0


def test_a_question_added_since_the_page_must_be_answered(client, session, survey, make_user):
    data = fresh_form(client, survey, {"nature": "民企"})
    added = add_question(session, survey, make_user("editor"), "text")
    added.required = True
    session.commit()
    refused = client.post(f"/s/{survey.slug}", data=data)
    assert refused.status_code == 422 and "请填写此项" in refused.get_data(as_text=True)
    assert stored(session) == 0
    data[f"q{added.id}"] = "招远金都机械"
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 303
    assert stored(session) == 1


def test_an_unchanged_design_stores_from_the_copy(client, session, survey):
    for _ in range(3):
        data = fresh_form(client, survey, {"nature": "民企"})
        assert client.post(f"/s/{survey.slug}", data=data).status_code == 303
    assert stored(session) == 3


def test_a_dropped_database_connection_is_retried_not_lost(client, session, survey, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server that drops connections: PostgreSQL's pg_terminate_backend")
    data = fresh_form(client, survey, {"nature": "民企"})
    # The database drops every connection but the test's own (as a restart would).
    session.execute(
        text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    )  # fmt: skip
    session.commit()
    posted = client.post(f"/s/{survey.slug}", data=data)
    assert posted.status_code == 307 and posted.headers["Location"] == f"/s/{survey.slug}"
    again = client.post(posted.headers["Location"], data=data)
    assert again.status_code == 303 and stored(session) == 1
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 303  # the same form
    assert stored(session) == 1
