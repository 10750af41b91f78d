"""The staff's survey pages through the test client: dashboard, designer, import, lifecycle."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.core.window import Status
from survey.surveys import distribution, invitations
from survey.surveys.models import Invitation, Response, Survey
from tests.conftest import csrf_of
from tests.helpers import flashes, form_for, fresh_form, hidden_fields, plain, reference_block


@pytest.fixture
def editor(login):
    return login("editor")


def post(client, url: str, data: dict | None = None, page: str = "/admin/"):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **(data or {})})


def test_dashboard_lists_counts_and_filters(client, editor, demo_survey, make_survey):
    make_survey([{"type": "text", "title": "意见"}], title="营商环境满意度调查", status="draft")
    html = client.get("/admin/").get_data(as_text=True)
    row = re.search(
        r"<tr>\s*<td><a[^>]*>招远市商务局外贸企业调查问卷</a>.*?</tr>", html, re.S
    ).group(0)
    assert '<td class="num response-count">4</td>' in row and "进行中" in row
    assert "营商环境满意度调查" in html
    drafts = client.get("/admin/?status=draft").get_data(as_text=True)
    assert "营商环境满意度调查" in drafts and "外贸企业调查问卷" not in drafts
    found = client.get("/admin/?q=外贸").get_data(as_text=True)
    assert "外贸企业调查问卷" in found and "营商环境" not in found
    assert "没有符合条件的问卷" in client.get("/admin/?q=%25").get_data(as_text=True)


def test_create_design_open_and_answer(client, session, editor):
    response = post(client, "/admin/surveys/new", {"title": "企业用工需求调查", "issuer": "人社局"})
    survey_id = int(re.search(r"/admin/surveys/(\d+)/edit", response.headers["Location"]).group(1))
    designer = f"/admin/surveys/{survey_id}/edit"
    post(client, f"/admin/surveys/{survey_id}/questions", {"type": "multiple"}, designer)
    session.expire_all()
    survey = session.get(Survey, survey_id)
    question = survey.questions[0]
    keys = [str(o.id) for o in question.options] + ["new-0", "new-1", "new-2"]
    saved = client.post(
        f"/admin/questions/{question.id}",
        data={
            "csrf_token": csrf_of(client, designer),
            "type": "multiple",
            "title": "需要哪些岗位",
            "required": "on",
            "setting-multiple-max_choices": "2",
            "option_key": keys,
            "option_label": ["技工", "销售", "研发", "其他", ""],
            "option_fill_in": ["new-1"],
        },
    )
    assert saved.status_code == 302
    assert "已保存" in flashes(client, designer)
    session.expire_all()
    question = session.get(Survey, survey_id).questions[0]
    assert question.title == "需要哪些岗位" and question.required
    assert question.settings == {"max_choices": 2}
    assert [(o.label, o.fill_in) for o in question.options] == [
        ("技工", False), ("销售", False), ("研发", False), ("其他", True)
    ]  # fmt: skip
    preview = client.get(f"/admin/surveys/{survey_id}/preview")
    assert "需要哪些岗位" in preview.get_data(as_text=True)
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    post(client, f"/admin/surveys/{survey_id}/lifecycle/open")
    session.expire_all()
    survey = session.get(Survey, survey_id)
    assert survey.status == Status.OPEN
    answer = fresh_form(client, survey, {"q1": ["技工", "研发"]})
    assert client.post(f"/s/{survey.slug}", data=answer).status_code == 303
    overview = client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert '<dd class="response-total">1</dd>' in overview


def test_invalid_question_edit_is_explained_and_changes_nothing(
    client, session, editor, demo_survey
):
    nature = demo_survey.questions[0]
    designer = f"/admin/surveys/{demo_survey.id}/edit"
    refused = client.post(
        f"/admin/questions/{nature.id}",
        data={"csrf_token": csrf_of(client, designer), "type": "multiple",
              "title": "企业性质（已改）",
              "option_key": [str(o.id) for o in nature.options],
              "option_label": [o.label for o in nature.options]},
    )  # fmt: skip
    # The designer comes back with the reason and every edit kept, opened at the question.
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "已有答卷，不能更改题型" in plain(page)
    editor = page.split(f'id="q-{nature.id}"')[1].split("</section>")[0]
    assert "data-correcting" in editor and "企业性质（已改）</textarea>" in editor
    session.expire_all()
    assert session.get(Survey, demo_survey.id).questions[0].type == "single"


def test_paste_the_bureau_announcement(client, session, editor):
    block = reference_block()
    response = post(client, "/admin/surveys/import", {"format": "txt", "text": block})
    assert response.status_code == 302
    page = flashes(client, response.headers["Location"])
    assert "已导入 7 道题" in page and "注意：选项字母 G 重复" in page
    survey = session.scalars(select(Survey)).one()
    assert survey.title == "招远市商务局外贸企业服务在线调查问卷" and survey.status == "draft"
    assert len(survey.questions[4].options) == 13


def test_import_problems_are_listed_and_the_text_kept(client, session, editor):
    text = "问卷\n1、性质 [单选题]\nA 国企\n"
    response = post(client, "/admin/surveys/import", {"format": "txt", "text": text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "第 1 题的选项：至少需要两个选项（第 2 行）" in html
    assert re.search(r"<textarea[^>]*>\s*问卷\n1、性质 \[单选题\]\nA 国企\s*</textarea>", html)
    assert session.scalars(select(Survey)).all() == []


def test_lifecycle_buttons_and_refusals(client, session, editor, demo_survey):
    overview = f"/admin/surveys/{demo_survey.id}"
    post(client, f"{overview}/lifecycle/close")
    assert "已结束收集" in flashes(client, overview)
    post(client, f"{overview}/delete")
    assert "只能删除没有答卷的草稿" in flashes(client, overview)
    post(client, f"{overview}/lifecycle/delete-responses", {"confirm_title": "错的"})
    assert "请输入完整的问卷标题" in flashes(client, overview)
    post(client, f"{overview}/lifecycle/unpublish")
    assert "请写明撤回的原因" in flashes(client, overview)
    post(client, f"{overview}/lifecycle/unpublish", {"reason": "样本答卷"})
    assert "结果已撤回" in flashes(client, overview)
    post(client, f"{overview}/lifecycle/delete-responses", {"confirm_title": demo_survey.title})
    assert "已删除 4 份答卷" in flashes(client, overview)
    assert post(client, f"{overview}/lifecycle/explode").status_code == 404
    copy = post(client, f"{overview}/copy")
    assert copy.headers["Location"].endswith("/edit")


def test_staff_pages_speak_english_too(client, login, demo_survey):
    login("admin")
    client.get("/lang/en")
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "<h1>Surveys</h1>" in dashboard and "Last response" in dashboard
    first = demo_survey.questions[0].id
    designer = client.get(f"/admin/surveys/{demo_survey.id}/edit?edit={first}").get_data(
        as_text=True
    )
    assert (
        "Changes are saved as you make them" in designer
        and "This question has responses, so its question type cannot be changed" in designer
    )
    assert "Single choice" in designer
    refused = post(client, f"/admin/surveys/{demo_survey.id}/delete")
    assert refused.status_code == 302
    assert "Only drafts without responses can be deleted" in flashes(
        client, f"/admin/surveys/{demo_survey.id}"
    )


def test_responses_record_how_they_arrived_and_staff_list_and_filter_by_it(
    app, client, session, login, make_survey
):
    """来源: the QR code's link is marked, so a scan is told from a click on the link and from
    an invitation; the list shows it with 企业名称 and 答题用时, and filters by each."""
    survey = make_survey([{"id": "nature", "type": "single", "title": "企业性质",
                           "options": ["国企", "民企"]}])  # fmt: skip
    invitations.import_list(
        session, survey, None, [invitations.Row(2, "招远市金海贸易有限公司", "王", "13800138002")]
    )
    session.commit()
    token = session.scalar(select(Invitation.token).where(Invitation.survey_id == survey.id))
    scanned = distribution.scanned(f"/s/{survey.slug}")
    for url, choice in [(f"/s/{survey.slug}", "国企"), (scanned, "民企"),
                        (f"/s/{survey.slug}?t={token}", "民企")]:  # fmt: skip
        respondent = app.test_client()  # each in a browser of their own
        page = respondent.get(url).get_data(as_text=True)
        action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
        form = {**hidden_fields(page), **form_for(survey, {"nature": choice})}
        assert respondent.post(action.replace("&amp;", "&"), data=form).status_code == 303
    assert session.scalars(select(Response.source).order_by(Response.id)).all() == [
        "link",
        "qr",
        "invitation",
    ]
    link_response = session.scalars(select(Response).order_by(Response.id)).first()
    link_response.duration_seconds = 300
    session.commit()

    login("viewer")
    listing = f"/admin/surveys/{survey.id}/responses"
    html = client.get(listing).get_data(as_text=True)
    assert '<th scope="col">企业名称</th><th scope="col">来源</th>' in html
    assert re.findall(r'<td class="source">(.*?)</td>', html) == ["邀请", "二维码", "链接"]
    assert re.findall(r'<td class="enterprise">(.*?)</td>', html) == [
        "招远市金海贸易有限公司", "—", "—"
    ]  # fmt: skip
    assert "5分0秒" in html
    only_qr = client.get(f"{listing}?source=qr").get_data(as_text=True)
    assert re.findall(r'<td class="source">(.*?)</td>', only_qr) == ["二维码"]
    named = client.get(f"{listing}?enterprise=金海").get_data(as_text=True)
    assert re.findall(r'<td class="source">(.*?)</td>', named) == ["邀请"]
    slow = client.get(f"{listing}?slower_than=60").get_data(as_text=True)
    assert re.findall(r'<td class="source">(.*?)</td>', slow) == ["链接"]
    # The report counts the responses of one 来源 alone, too.
    report = client.get(f"/admin/surveys/{survey.id}?source=qr").get_data(as_text=True)
    assert '<strong class="filtered-total">1</strong>' in report


def test_the_response_list_numbers_each_surveys_valid_responses_from_one(
    app, client, session, login, demo_survey, make_survey
):
    """序号 as the exports give it: the demo's four responses come first in the database, yet
    another survey's responses are its 1, 2, 3, and a voided one takes no number."""
    survey = make_survey([{"id": "nature", "type": "single", "title": "企业性质",
                           "options": ["国企", "民企"]}])  # fmt: skip
    for choice in ("国企", "民企", "国企"):
        respondent = app.test_client()
        form = fresh_form(respondent, survey, {"nature": choice})
        assert respondent.post(f"/s/{survey.slug}", data=form).status_code == 303
    first, second, third = session.scalars(
        select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
    ).all()
    assert first.id > 4
    login("editor")
    listing = f"/admin/surveys/{survey.id}/responses"

    def numbers(url: str) -> list[str]:
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'/admin/responses/\d+">(.*?)<span', html)

    assert numbers(listing) == ["3", "2", "1"]
    post(client, f"/admin/responses/{second.id}/invalidate", {"reason": "重复"}, page=listing)
    assert numbers(listing) == ["2", "—", "1"]
    assert numbers(f"{listing}?status=valid") == ["2", "1"]
    assert "<h1>第 2 份答卷</h1>" in client.get(f"/admin/responses/{third.id}").get_data(
        as_text=True
    )
    assert "<h1>已作废的答卷</h1>" in client.get(f"/admin/responses/{second.id}").get_data(
        as_text=True
    )
