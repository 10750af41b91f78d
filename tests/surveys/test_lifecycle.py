"""Service-level tests: every lifecycle transition and every rule for editing a live survey.
Each edit rule is proved by the result tables before and after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.config import office_zone
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.core.window import Phase, Status
from survey.publishing.renderers import text as text_export
from survey.surveys import answering, lifecycle, publication
from survey.surveys.answering import tokens
from survey.surveys.demo import answer_form
from survey.surveys.design import (
    DesignError,
    OptionEdit,
    add_question,
    delete_question,
    duplicate_question,
    move_question,
    update_question,
    update_settings,
)
from survey.surveys.models import Response, Survey
from tests.helpers import staff_document

QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "name", "type": "text", "title": "企业名称"},
]


@pytest.fixture
def editor(make_user):
    return make_user("editor")


@pytest.fixture
def answered(app, session, make_survey) -> Survey:
    """An open survey with answers 国企 1, 民企 3."""
    survey = make_survey(QUESTIONS)
    for choice in ["国企", "民企", "民企", "民企"]:
        form = answer_form(survey, {"nature": choice, "name": "某公司"})
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(session, survey, form, utcnow(), app.secret_key).accepted
    return survey


def report(session, survey: Survey) -> str:
    session.expire_all()
    return text_export.render(staff_document(session, survey))


def actions(session) -> list[str]:
    return session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def nature_edits(survey: Survey, labels: list[str]) -> list[OptionEdit]:
    by_label = {o.label: o.id for o in survey.questions[0].options}
    return [OptionEdit(by_label.get(label), label, False) for label in labels]


def edit_nature(session, survey, editor, labels, **changes) -> None:
    question = survey.questions[0]
    fields = {"title": question.title, "help": "", "required": False, "type_name": "single",
              "settings": {}, "options": nature_edits(survey, labels)}  # fmt: skip
    update_question(session, question, editor, **{**fields, **changes})
    session.commit()


# Lifecycle


def test_draft_opens_now_and_closes(session, make_survey, editor):
    survey = make_survey(QUESTIONS, status="draft")
    now = utcnow()
    lifecycle.open_survey(session, survey, editor, now)
    assert survey.phase(now) == Phase.OPEN
    lifecycle.close_survey(session, survey, editor)
    assert survey.phase(now) == Phase.ENDED
    lifecycle.open_survey(session, survey, editor, now)  # a closed survey may reopen
    assert survey.phase(now) == Phase.OPEN
    session.commit()
    assert actions(session)[-3:] == ["survey.open", "survey.close", "survey.open"]


def test_scheduled_opening_waits_for_its_time(session, make_survey, editor):
    survey = make_survey(QUESTIONS, status="draft")
    now = utcnow()
    lifecycle.open_survey(session, survey, editor, now, at=now + timedelta(hours=2))
    assert survey.phase(now) == Phase.NOT_STARTED
    assert survey.phase(now + timedelta(hours=3)) == Phase.OPEN
    session.commit()
    assert actions(session)[-1] == "survey.schedule"


def test_opening_now_overrides_a_later_start(session, make_survey, editor):
    survey = make_survey(QUESTIONS, status="draft", opens="2099-01-01")
    now = utcnow()
    lifecycle.open_survey(session, survey, editor, now)
    assert survey.phase(now) == Phase.OPEN and survey.opens_at == now


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"closes": "2020-01-01"}, "开始时间应早于截止时间"),
    ],
)
def test_opening_refused_after_the_window(session, make_survey, editor, setup, message):
    survey = make_survey(QUESTIONS, status="draft", **setup)
    with pytest.raises(lifecycle.LifecycleError, match=message):
        lifecycle.open_survey(session, survey, editor, utcnow())


def test_opening_refused_without_questions_or_when_archived(session, make_survey, editor):
    empty = make_survey(QUESTIONS, status="draft")
    empty.questions.clear()
    with pytest.raises(lifecycle.LifecycleError, match="还没有题目"):
        lifecycle.open_survey(session, empty, editor, utcnow())
    archived = make_survey(QUESTIONS, status="closed")
    lifecycle.archive_survey(session, archived, editor)
    with pytest.raises(lifecycle.LifecycleError, match="已归档"):
        lifecycle.open_survey(session, archived, editor, utcnow())


def test_only_an_open_survey_can_be_closed(session, make_survey, editor):
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.close_survey(session, make_survey(QUESTIONS, status="draft"), editor)


def test_publish_and_unpublish_are_a_separate_switch(session, answered, editor):
    now = utcnow()
    publication.publish(session, answered, editor, now, office_zone())
    assert answered.results_published and answered.phase(now) == Phase.OPEN
    publication.withdraw(session, answered, editor, utcnow(), "数据有误")
    assert not answered.results_published
    with pytest.raises(publication.PublicationError):
        draft = answered
        draft.status = Status.DRAFT
        publication.publish(session, draft, editor, now, office_zone())


def test_copy_is_a_new_draft_without_responses(session, answered, editor):
    copy = lifecycle.copy_survey(session, answered, editor)
    session.commit()
    assert copy.status == Status.DRAFT and copy.title == "测试问卷（副本）"
    assert copy.slug != answered.slug
    assert [o.label for o in copy.questions[0].options] == ["国企", "民企", "外企"]
    assert lifecycle.response_count(session, copy) == 0
    assert lifecycle.response_count(session, answered) == 4


def test_drafts_may_be_deleted_answered_surveys_archived(session, make_survey, answered, editor):
    draft = make_survey(QUESTIONS, status="draft")
    lifecycle.delete_draft(session, draft, editor)
    session.commit()
    assert session.get(Survey, draft.id) is None
    with pytest.raises(lifecycle.LifecycleError, match="有答卷的问卷请归档"):
        lifecycle.delete_draft(session, answered, editor)
    lifecycle.archive_survey(session, answered, editor)
    session.commit()
    assert answered.status == Status.ARCHIVED and answered.phase(utcnow()) == Phase.ENDED
    assert lifecycle.response_count(session, answered) == 4


def test_deleting_responses_needs_the_title_and_is_audited(session, answered, editor):
    with pytest.raises(lifecycle.LifecycleError, match="请输入完整的问卷标题"):
        lifecycle.delete_responses(session, answered, editor, "测试")
    publication.publish(session, answered, editor, utcnow(), office_zone())
    with pytest.raises(lifecycle.LifecycleError, match="请先撤回结果"):
        lifecycle.delete_responses(session, answered, editor, "测试问卷")
    publication.withdraw(session, answered, editor, utcnow(), "数据有误")
    assert lifecycle.delete_responses(session, answered, editor, "测试问卷") == 4
    session.commit()
    assert session.scalar(select(func.count()).select_from(Response)) == 0
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.delete")).one()
    assert event.detail == {"subject": "测试问卷", "count": 4} and event.username == editor.username


def test_an_id_of_a_deleted_response_is_never_given_again(app, session, answered, editor):
    deleted = set(session.scalars(select(Response.id)))
    lifecycle.delete_responses(session, answered, editor, "测试问卷")
    session.commit()
    form = answer_form(answered, {"nature": "国企", "name": "某公司"})
    form[tokens.TOKEN_FIELD] = tokens.issue_token(answered, app.secret_key)
    assert answering.submit(session, answered, form, utcnow(), app.secret_key).accepted
    (new,) = session.scalars(select(Response.id))
    assert new > max(deleted)  # audit entries naming a deleted response never name this one


# Editing after answers exist


def test_retitling_and_adding_options_keep_the_numbers(session, answered, editor):
    before = report(session, answered)
    edit_nature(session, answered, editor, ["国企", "民企", "外企", "合资企业"], title="企业的性质")
    after = report(session, answered)
    assert "1 企业的性质 [单选题]" in after
    assert before.split("\n", 3)[3].replace("企业性质", "企业的性质") in after.replace(
        "合资企业\t0\t0%\n", ""
    )
    assert "合资企业\t0\t0%" in after


def test_removing_an_answered_option_retires_it(session, answered, editor):
    edit_nature(session, answered, editor, ["民企", "外企"])
    after = report(session, answered)
    # Still counted in the published table ...
    assert "国企\t1\t25%\n民企\t3\t75%\n外企\t0\t0%\n本题有效填写人次\t4" in after
    # ... but no longer offered to new respondents.
    question = answered.questions[0]
    assert [o.label for o in question.active_options] == ["民企", "外企"]
    assert [o.label for o in question.options if not o.is_active] == ["国企"]
    assert "option.retire" in actions(session)


def test_removing_an_unanswered_option_of_a_live_survey_hides_it(session, answered, editor):
    edit_nature(session, answered, editor, ["国企", "民企"])
    after = report(session, answered)
    assert "外企" not in after and "国企\t1\t25%\n民企\t3\t75%\n本题有效填写人次\t4" in after
    assert [o.label for o in answered.questions[0].options if not o.is_active] == ["外企"]


def test_removing_an_option_of_a_draft_deletes_it(session, make_survey, editor):
    draft = make_survey(QUESTIONS, status="draft")
    edit_nature(session, draft, editor, ["国企", "民企"])
    assert [o.label for o in draft.questions[0].options] == ["国企", "民企"]


def test_withdrawn_option_is_explained_to_a_respondent(client, session, answered, editor):
    from tests.helpers import fresh_form

    data = fresh_form(client, answered, {"nature": "外企", "name": "某公司"})
    edit_nature(session, answered, editor, ["国企", "民企"])
    response = client.post(f"/s/{answered.slug}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "“外企”已不再提供，请重新选择" in html and 'value="某公司"' in html


def test_options_can_be_reordered_and_retitled(session, answered, editor):
    edits = nature_edits(answered, ["外企", "民企", "国企"])
    edits[2] = OptionEdit(edits[2].id, "国有企业", False)
    edit_nature(session, answered, editor, [], options=edits)
    assert "外企\t0\t0%\n民企\t3\t75%\n国有企业\t1\t25%" in report(session, answered)


def test_changing_the_type_of_an_answered_question_is_refused(session, answered, editor):
    before = report(session, answered)
    with pytest.raises(DesignError, match="不能更改题型"):
        edit_nature(session, answered, editor, ["国企", "民企", "外企"], type_name="multiple")
    session.rollback()
    assert report(session, answered) == before


def test_deleting_an_answered_question_is_refused(session, answered, editor):
    before = report(session, answered)
    with pytest.raises(DesignError, match="不能删除"):
        delete_question(session, answered.questions[0], editor)
    session.rollback()
    assert report(session, answered) == before


def test_unanswered_questions_change_type_move_duplicate_and_go(session, make_survey, editor):
    survey = make_survey(QUESTIONS, status="draft")
    added = add_question(session, survey, editor, "multiple")
    assert added.title == "新的多选题" and [o.label for o in added.options] == ["选项1", "选项2"]
    move_question(session, added, editor, -1)
    assert [q.key for q in survey.questions] == ["nature", "q3", "name"]
    copy = duplicate_question(session, survey.questions[0], editor)
    assert [q.title for q in survey.questions][:2] == ["企业性质", "企业性质（副本）"]
    assert [q.number for q in survey.questions] == [1, 2, 3, 4]
    name = survey.questions[-1]
    update_question(session, name, editor, title="企业名称", help="", required=True,
                    type_name="single", settings={}, options=[])  # fmt: skip
    assert [o.label for o in name.options] == ["选项1", "选项2"]  # a fresh choice question
    delete_question(session, copy, editor)
    session.commit()
    assert [q.number for q in survey.questions] == [1, 2, 3]
    assert actions(session)[-5:] == [
        "question.add", "question.move", "question.duplicate", "question.edit", "question.delete"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("labels", "settings", "message"),
    [
        (["只有一个"], {}, "至少需要两个选项"),
        (["甲", "甲"], {}, "选项不能重复"),
    ],
)
def test_invalid_question_edits_are_explained(session, answered, editor, labels, settings, message):
    with pytest.raises(DesignError, match=message):
        edit_nature(session, answered, editor, labels, settings=settings)


def test_settings_are_checked(session, answered, editor):
    common = {"title": "问卷", "issuer": "", "description": "", "thank_you": ""}
    now = utcnow()
    with pytest.raises(DesignError, match="截止时间应晚于开始时间"):
        update_settings(session, answered, editor, **common, opens_at=now, closes_at=now)
    with pytest.raises(DesignError, match="请填写问卷标题"):
        update_settings(session, answered, editor, **{**common, "title": " "}, opens_at=None,
                        closes_at=None)  # fmt: skip
    update_settings(
        session, answered, editor, **common, opens_at=None, closes_at=now + timedelta(1)
    )
    session.commit()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.edit")).one()
    # Each changed setting is recorded before and after.
    assert event.detail["changes"]["title"] == ["测试问卷", "问卷"]
    assert event.detail["changes"]["closes_at"][0] is None
