"""三审三校 in the services: each step signed by someone else, what was signed is what goes
public, a change voids the sign-offs, withdrawals leave a public notice, 发布后复查."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.accounts.roles import Role
from survey.accounts.services import create_user
from survey.config import office_zone
from survey.core.audit import AuditEvent
from survey.core.errors import Refusal
from survey.core.models import utcnow
from survey.review import services
from survey.review.kinds import Moment
from survey.review.models import RequestStatus
from survey.review.services import ReviewError
from survey.surveys import invalidation, publication, reviewables
from survey.surveys.models import Response
from tests.conftest import PASSWORD


def moment() -> Moment:
    return Moment(utcnow(), office_zone())


@pytest.fixture
def survey(session, demo_survey, department):
    """The demo survey (four responses, its results published once), in the staff's
    department."""
    demo_survey.department_id = department
    session.commit()
    return demo_survey


def submit_results(session, survey, author, **choices):
    params = publication.resolve(session, survey, **choices)
    request = services.submit(session, reviewables.PUBLISH, survey, author, params, moment())
    session.commit()
    return request


def test_results_go_public_after_three_steps_by_three_other_people(session, survey, staff):
    before = len(publication.publications(session, survey))
    request = submit_results(session, survey, staff["author"], summary="本次调查共四家企业参加。")
    assert [step["name"] for step in request.chain] == ["初审", "复审", "终审"]
    third = create_user(session, "sun", PASSWORD, Role.REVIEWER)
    third.department_id = staff["author"].department_id

    with pytest.raises(ReviewError, match="不能审核自己送审"):
        services.approve(session, request, staff["author"], moment())
    services.approve(session, request, staff["first"], moment(), "数字已核对")
    with pytest.raises(ReviewError, match="两个审核环节不能由同一人"):
        services.approve(session, request, staff["first"], moment())
    services.approve(session, request, staff["second"], moment())
    assert request.next_step == {"name": "终审", "permission": "review.approve"}
    with pytest.raises(ReviewError, match="没有终审的权限"):
        services.approve(session, request, third, moment())
    assert len(publication.publications(session, survey)) == before
    services.approve(session, request, staff["approver"], moment())
    session.commit()

    assert request.status == RequestStatus.DONE
    published = publication.latest_publication(session, survey)
    assert published.version == before + 1 == request.result["version"]
    assert published.content == request.snapshot
    assert published.content_hash == request.content_hash
    assert "本次调查共四家企业参加" in publication.published(published).summary_html
    details = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action.in_(["review.submit", "review.approve"]))
    ).all()
    assert len(details) == 4 and {d["hash"] for d in details} == {request.content_hash}


def test_a_change_after_submission_voids_the_signoffs(session, survey, staff):
    request = submit_results(session, survey, staff["author"])
    services.approve(session, request, staff["first"], moment())
    session.commit()
    response = session.scalars(select(Response).where(Response.survey_id == survey.id)).first()
    invalidation.mark_invalid(session, survey, response, staff["author"], "重复提交", utcnow())
    session.commit()
    before = len(publication.publications(session, survey))

    with pytest.raises(ReviewError, match="送审后内容已修改"):
        services.approve(session, request, staff["second"], moment())
    session.commit()
    assert request.status == RequestStatus.VOIDED
    assert [signoff.valid for signoff in request.signoffs] == [False]
    assert len(publication.publications(session, survey)) == before
    # Submitted again, the new snapshot counts three responses.
    again = submit_results(session, survey, staff["author"])
    assert again.snapshot["responses"] == 3 and again.content_hash != request.content_hash


def test_an_unchanged_item_keeps_its_signoffs(session, survey, staff):
    request = submit_results(session, survey, staff["author"])
    assert services.unchanged(session, request, moment())
    assert not services.void_if_changed(session, request, moment())


def test_a_return_needs_a_comment_and_reaches_the_author(session, survey, staff):
    request = submit_results(session, survey, staff["author"])
    with pytest.raises(ReviewError, match="写明需要修改"):
        services.send_back(session, request, staff["first"], moment(), "  ")
    services.send_back(session, request, staff["first"], moment(), "调查结论写错了企业数")
    session.commit()
    assert request.status == RequestStatus.RETURNED
    assert services.mine(session, staff["author"])[0].closing_note == "调查结论写错了企业数"
    with pytest.raises(ReviewError, match="已不在审核中"):
        services.approve(session, request, staff["second"], moment())


def test_one_item_waits_in_review_once(session, survey, staff):
    submit_results(session, survey, staff["author"])
    with pytest.raises(ReviewError, match="已在审核中"):
        submit_results(session, survey, staff["author"])


def test_the_shell_must_name_who_submits(session, survey):
    params = publication.resolve(session, survey)
    with pytest.raises(ReviewError, match="--as"):
        services.go_public(
            session, reviewables.PUBLISH, survey, None, params, moment(), review=True
        )


def test_a_viewer_cannot_submit_and_other_departments_cannot_sign(
    session, survey, staff, make_user
):
    with pytest.raises(ReviewError, match="没有权限送审"):
        submit_results(session, survey, make_user("viewer", "chen"))
    outsider = make_user("reviewer", "qian")  # in no department
    request = submit_results(session, survey, staff["author"])
    assert services.why_not_sign(request, outsider, survey) == "这一事项不属于您的科室"
    assert request in services.for_me(session, staff["first"])[0]
    assert request not in services.for_me(session, outsider)[0]
    admin = make_user("admin", "root")  # admins act on every department's items
    assert services.why_not_sign(request, admin, survey) is None


def test_a_smaller_office_chooses_two_steps(session, survey, staff, make_user):
    services.set_office_chain(session, "two", make_user("admin", "root"))
    request = submit_results(session, survey, staff["author"])
    services.approve(session, request, staff["first"], moment())
    services.approve(session, request, staff["approver"], moment())
    assert request.status == RequestStatus.DONE
    # A request keeps the chain it started with when the office changes its own.
    services.set_office_chain(session, "three", None)
    assert [s["name"] for s in request.chain] == ["审核", "签发"]


def test_withdrawal_goes_through_the_chain_and_leaves_a_notice(client, session, survey, staff):
    services.set_office_chain(session, "one", None)
    with pytest.raises(Refusal, match="撤回的原因"):
        services.submit(session, reviewables.WITHDRAW, survey, staff["author"], {}, moment())
    request = services.submit(
        session,
        reviewables.WITHDRAW,
        survey,
        staff["author"],
        {"reason": "第3题数据有误"},
        moment(),
    )
    session.commit()
    assert survey.results_published
    services.approve(session, request, staff["approver"], moment())
    session.commit()
    assert not survey.results_published
    page = client.get(f"/s/{survey.slug}/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已于" in text and "撤回" in text
    assert "撤回原因：第3题数据有误" in text and "外企" not in text


def test_an_admin_withdraws_at_once_when_urgent(session, survey, staff, make_user):
    with pytest.raises(ReviewError, match="只有管理员"):
        services.withdraw_now(
            session, reviewables.WITHDRAW, survey, staff["approver"], {"reason": "泄露"}, moment()
        )
    admin = make_user("admin", "root")
    services.withdraw_now(
        session, reviewables.WITHDRAW, survey, admin, {"reason": "泄露了电话"}, moment()
    )
    session.commit()
    assert not survey.results_published
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.urgent")).one()
    assert event.username == "root" and event.detail["reason"] == "泄露了电话"


def test_post_publication_check(session, survey, staff):
    services.set_office_chain(session, "one", None)
    request = submit_results(session, survey, staff["author"])
    services.approve(session, request, staff["approver"], moment())
    session.commit()
    assert request in services.for_me(session, staff["first"])[1]
    with pytest.raises(ReviewError, match="送审人以外"):
        services.post_check(session, request, staff["author"], moment(), confirmed=[])
    with pytest.raises(ReviewError, match="写明发现的问题"):
        services.post_check(session, request, staff["first"], moment(), confirmed=["numbers"])
    services.post_check(
        session, request, staff["first"], moment(), confirmed=list(services.CHECK_ITEMS)
    )
    session.commit()
    assert request.check_ok and request.checked_by == "li"
    assert request not in services.for_me(session, staff["second"])[1]


def test_a_live_page_that_differs_from_the_signed_one_fails_its_check(session, survey, staff):
    services.set_office_chain(session, "one", None)
    request = submit_results(session, survey, staff["author"])
    services.approve(session, request, staff["approver"], moment())
    session.flush()
    live = publication.latest_publication(session, survey)
    live.content = {**live.content, "responses": 40}  # changed behind the platform's back
    session.flush()
    assert services.live_hash_of(session, request) != request.content_hash
    services.post_check(
        session, request, staff["first"], moment(),
        confirmed=list(services.CHECK_ITEMS), note="页面与签核版本不符",
    )  # fmt: skip
    assert request.check_ok is False


def test_a_withdrawn_publication_needs_no_check(session, survey, staff, make_user):
    services.set_office_chain(session, "one", None)
    request = submit_results(session, survey, staff["author"])
    services.approve(session, request, staff["approver"], moment())
    services.withdraw_now(
        session, reviewables.WITHDRAW, survey, make_user("admin", "root"), {"reason": "有误"},
        moment(),
    )  # fmt: skip
    session.commit()
    assert request not in services.for_me(session, staff["first"])[1]
    with pytest.raises(ReviewError, match="无需复查"):
        services.post_check(
            session, request, staff["first"], moment(), confirmed=list(services.CHECK_ITEMS)
        )
    urgent = services.requests_of(session, "survey_id", survey.id)[0]
    assert urgent.status == RequestStatus.URGENT and urgent.submitted_by == "root"


def test_results_of_an_open_survey_are_not_voided_by_a_new_answer(
    app, session, staff, department, make_survey
):
    from werkzeug.datastructures import MultiDict

    from survey.surveys import answering
    from survey.surveys.answering import tokens
    from tests.helpers import form_for

    survey = make_survey(
        [{"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企"]}]
    )
    survey.department_id = department

    def answer(choice):
        form = MultiDict(form_for(survey, {"nature": choice}))
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(session, survey, form, utcnow(), app.secret_key).accepted
        session.commit()

    answer("国企")
    request = submit_results(session, survey, staff["author"])
    answer("民企")
    assert services.unchanged(session, request, moment())
    services.approve(session, request, staff["first"], moment())
    assert request.status == RequestStatus.PENDING and request.snapshot["responses"] == 1


def test_an_approver_is_kept_for_the_last_step(session, survey, staff):
    request = submit_results(session, survey, staff["author"])
    assert services.later_signer(request, staff["approver"]) == "终审"
    assert request not in services.for_me(session, staff["approver"])[0]
    assert services.later_signer(request, staff["first"]) is None


def test_a_withdrawn_version_stays_withdrawn_after_the_next_one(client, session, survey, staff):
    services.set_office_chain(session, "one", None)
    withdrawn = publication.latest_publication(session, survey).version
    request = services.submit(
        session, reviewables.WITHDRAW, survey, staff["author"], {"reason": "统计口径有误"}, moment()
    )
    services.approve(session, request, staff["approver"], moment())
    republished = submit_results(session, survey, staff["author"])
    services.approve(session, republished, staff["approver"], moment())
    session.commit()
    old = client.get(f"/s/{survey.slug}/results/v{withdrawn}").get_data(as_text=True)
    assert "撤回原因：统计口径有误" in old and "外企" not in old and "查看最新版本" in old
    latest = client.get(f"/s/{survey.slug}/results").get_data(as_text=True)
    assert "外企" in latest and "已撤回" in latest  # the version list marks the withdrawn one
