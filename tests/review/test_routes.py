"""With review on, no route or command opens or publishes anything by itself: each submits
for review, and only the last sign-off carries it out."""

from __future__ import annotations

from sqlalchemy import select

from survey.config import office_zone
from survey.consultations import feedback
from survey.consultations import lifecycle as consultation_lifecycle
from survey.core.models import utcnow
from survey.core.window import Status
from survey.review.models import RequestStatus, ReviewRequest
from survey.surveys import publication
from tests.conftest import PASSWORD, csrf_of


def log_in(client, username):
    with client.session_transaction() as cookie:
        cookie.clear()
    response = client.post(
        "/admin/login",
        data={"csrf_token": csrf_of(client), "username": username, "password": PASSWORD},
    )
    assert response.status_code == 302


def post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_of(client, "/admin/"), **(data or {})})


def requests(session):
    session.expire_all()
    return session.scalars(select(ReviewRequest).order_by(ReviewRequest.id)).all()


def test_no_route_opens_or_publishes_without_the_signoffs(
    client, session, staff, department, demo_survey, make_survey, make_consultation
):
    draft = make_survey([{"type": "text", "title": "建议"}], status="draft")
    consultation = make_consultation(open_now=False)
    ended = make_consultation(title="已结束的征求意见稿")
    consultation_lifecycle.close_consultation(session, ended, None, utcnow())
    for item in (draft, consultation, ended, demo_survey):
        item.department_id = department
    session.commit()
    versions = len(publication.publications(session, demo_survey))
    log_in(client, "zhang")

    post(client, f"/admin/surveys/{draft.id}/lifecycle/open")
    post(client, f"/admin/surveys/{demo_survey.id}/publish", {"question": [], "min_cell_size": 1})
    post(client, f"/admin/surveys/{demo_survey.id}/lifecycle/unpublish", {"reason": "有误"})
    post(client, f"/admin/consultations/{consultation.id}/open")
    post(client, f"/admin/consultations/{ended.id}/publish", {"confirm": "publish"})
    session.expire_all()
    assert draft.status == Status.DRAFT and consultation.status == Status.DRAFT
    assert len(publication.publications(session, demo_survey)) == versions
    assert demo_survey.results_published and feedback.latest_publication(session, ended) is None
    actions = [(r.action, r.status) for r in requests(session)]
    assert actions == [
        ("survey.open", "pending"), ("results.publish", "pending"),
        ("results.withdraw", "pending"), ("consultation.open", "pending"),
        ("feedback.publish", "pending"),
    ]  # fmt: skip
    overview = client.get(f"/admin/surveys/{demo_survey.id}").get_data(as_text=True)
    assert "送审记录" in overview and "待初审" in overview

    # Three other people sign the opening; only then does the survey take answers.
    opening = requests(session)[0]
    for username in ("li", "zhao"):
        log_in(client, username)
        assert client.get("/admin/review/").get_data(as_text=True).count("测试问卷") == 1
        post(client, f"/admin/review/{opening.id}/approve")
        session.expire_all()
        assert draft.status == Status.DRAFT
    log_in(client, "wang")
    post(client, f"/admin/review/{opening.id}/approve", {"comment": "同意"})
    session.expire_all()
    assert draft.status == Status.OPEN and opening.status == RequestStatus.DONE
    assert client.get(f"/s/{draft.slug}").status_code == 200


def test_the_author_cannot_sign_and_sees_why(client, session, staff, department, demo_survey):
    demo_survey.department_id = department
    session.commit()
    log_in(client, "zhang")
    post(client, f"/admin/surveys/{demo_survey.id}/publish", {"question": [], "min_cell_size": 1})
    request = requests(session)[0]
    page = client.get(f"/admin/review/{request.id}").get_data(as_text=True)
    assert "送审人不能审核自己送审的事项" in page and "初审通过" not in page
    post(client, f"/admin/review/{request.id}/approve")
    session.expire_all()
    assert request.signed_steps == 0


def test_the_preview_shows_the_frozen_version(client, session, staff, department, demo_survey):
    demo_survey.department_id = department
    session.commit()
    log_in(client, "zhang")
    post(
        client, f"/admin/surveys/{demo_survey.id}/publish",
        {"question": [q.id for q in demo_survey.questions], "min_cell_size": 1,
         "summary": "民营企业占四分之三。"},
    )  # fmt: skip
    request = requests(session)[0]
    log_in(client, "li")
    preview = client.get(f"/admin/review/{request.id}/preview").get_data(as_text=True)
    assert "送审预览" in preview and "民营企业占四分之三" in preview
    assert "民企" in preview and "75%" in preview


def test_the_shell_submits_for_review_and_names_who_acts(
    runner, session, staff, department, demo_survey
):
    demo_survey.department_id = department
    session.commit()
    versions = len(publication.publications(session, demo_survey))
    refused = runner.invoke(args=["publish-results", demo_survey.slug])
    assert refused.exit_code != 0 and "--as" in refused.output
    submitted = runner.invoke(args=["publish-results", demo_survey.slug, "--as", "zhang"])
    assert submitted.exit_code == 0, submitted.output
    assert "已送审" in submitted.output and "等待初审" in submitted.output
    assert len(publication.publications(session, demo_survey)) == versions
    assert requests(session)[-1].submitted_by == "zhang"


def test_a_withdrawn_feedback_says_so_publicly(
    client, session, staff, department, make_consultation
):
    ended = make_consultation(title="已结束的征求意见稿")
    consultation_lifecycle.close_consultation(session, ended, None, utcnow())
    feedback.publish(session, ended, None, utcnow(), office_zone(), [])
    feedback.withdraw(session, ended, None, utcnow(), "采纳情况统计有误，更正后重新发布")
    session.commit()
    page = client.get(f"/c/{ended.slug}/feedback").get_data(as_text=True)
    assert "撤回原因：采纳情况统计有误" in page and "公开征求意见采纳情况的说明" in page


def test_the_item_page_says_a_changed_submission_was_voided(
    client, session, staff, department, make_survey
):
    draft = make_survey([{"type": "text", "title": "建议"}], status="draft")
    draft.department_id = department
    session.commit()
    log_in(client, "zhang")
    post(client, f"/admin/surveys/{draft.id}/lifecycle/open")
    question = draft.questions[0]
    post(client, f"/admin/questions/{question.id}", {"title": "您的建议", "type": "text"})
    page = client.get(f"/admin/surveys/{draft.id}").get_data(as_text=True)
    assert "已作废" in page and "送审后内容已修改" in page
    assert requests(session)[0].status == RequestStatus.VOIDED


def test_every_opening_command_submits_for_review(runner, session, staff, tmp_path):
    from survey.consultations.models import Consultation
    from survey.surveys.models import Survey
    from tests.conftest import SAMPLE_DRAFT

    questionnaire = tmp_path / "q.yaml"
    questionnaire.write_text(
        "format: survey/v1\ntitle: 用工需求调查\nquestions:\n"
        "  - {type: single, title: 企业性质, options: [国企, 民企]}\n",
        encoding="utf-8",
    )
    refused = runner.invoke(args=["import", str(questionnaire), "--open"])
    assert refused.exit_code != 0 and "--as" in refused.output
    assert session.scalars(select(Survey)).all() == []  # nothing half-done
    imported = runner.invoke(args=["import", str(questionnaire), "--open", "--as", "zhang"])
    assert imported.exit_code == 0, imported.output
    assert "已送审" in imported.stderr
    drafted = runner.invoke(
        args=["import-draft", str(SAMPLE_DRAFT), "--open", "--days", "30", "--as", "zhang"]
    )
    assert drafted.exit_code == 0, drafted.output
    survey = session.scalars(select(Survey)).one()
    consultation = session.scalars(select(Consultation)).one()
    assert survey.status == Status.DRAFT and consultation.status == Status.DRAFT
    assert survey.department_id == consultation.department_id == staff["author"].department_id
    reopened = runner.invoke(args=["open", survey.slug, "--as", "zhang"])
    assert reopened.exit_code != 0 and "已在审核中" in reopened.output
    assert [(r.action, r.status) for r in requests(session)] == [
        ("survey.open", "pending"), ("consultation.open", "pending"),
    ]  # fmt: skip
