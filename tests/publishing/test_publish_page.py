"""Publishing from the staff's side: the page a version would make, previewed before it is sent
(and sent as previewed), the minimum cell size in words, and the way to the live page."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.review.models import ReviewRequest
from survey.surveys import publication
from survey.surveys.demo import answer_form
from tests.conftest import csrf_of
from tests.helpers import fresh_form, hidden_fields, question

SUMMARY = "民营企业占四分之三。\n\n联系人：王小明\n联系电话：13805351234"


def choose(client, survey, **fields):
    """The publish form as staff fill it in: 企业性质 and 主要贸易方式, at least 2 人次 shown."""
    return {
        "csrf_token": csrf_of(client, f"/admin/surveys/{survey.id}/publish"),
        "question": [str(question(survey, key).id) for key in ("nature", "trade")],
        "min_cell_size": "2",
        "summary": SUMMARY,
        **fields,
    }


def notice(html: str) -> str:
    """A 结果反馈 page's notice from 一、调查基本情况 to the signature (its dates aside)."""
    return html[html.index("<h2>一、调查基本情况") : html.index('<p class="signature">')]


def test_staff_see_the_page_before_it_goes_out_and_it_goes_out_as_seen(
    client, session, login, demo_survey
):
    login("editor")
    url = f"/admin/surveys/{demo_survey.id}/publish"
    before = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    preview = client.post(url, data=choose(client, demo_survey, intent="preview"))
    assert preview.status_code == 200 and preview.headers["X-Robots-Tag"] == "noindex"
    page = preview.get_data(as_text=True)
    assert "<title>预览 · 招远市商务局外贸企业调查结果反馈" in page
    assert "这是按所选内容将要发布的第 2 版结果反馈页面，尚未发布，公众看不到。" in page
    # The public page's own parts: hidden small counts, the chosen questions only, the summary.
    assert page.count('<td class="num">&lt;2</td>') == 2 and "注：少于 2 人次的数据" in page
    assert "2 主要贸易方式" in page and "3 产品主要出口" not in page
    assert "联系人：王小明<br>\n联系电话：13805351234" in page
    assert 'class="chart chart-drawn"' in page
    # Nothing went out.
    session.expire_all()
    assert len(publication.publications(session, demo_survey)) == 1
    assert client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True) == before

    sent = client.post(url, data=hidden_fields(page) | {"question": re.findall(
        r'name="question" value="(\d+)"', page)})  # fmt: skip
    assert sent.status_code == 302
    session.expire_all()
    latest = publication.latest_publication(session, demo_survey)
    assert latest.version == 2 and latest.content_hash == hidden_fields(page)["previewed"]
    public = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    assert notice(public) == notice(page)


def test_a_preview_sent_after_a_new_answer_is_shown_again_updated(
    app, client, session, login, demo_survey
):
    login("editor")
    url = f"/admin/surveys/{demo_survey.id}/publish"
    page = client.post(url, data=choose(client, demo_survey, intent="preview")).get_data(
        as_text=True
    )
    previewed = hidden_fields(page)["previewed"]
    respondent = app.test_client()
    answer = fresh_form(respondent, demo_survey, {})
    answer.update(answer_form(demo_survey, {"nature": "外企", "trade": "一般贸易",
                                            "markets": ["美国"], "products": ["机电产品"],
                                            "outlook": "增加", "name": "某外资企业"}))  # fmt: skip
    assert respondent.post(f"/s/{demo_survey.slug}", data=answer).status_code == 303

    again = client.post(url, data=choose(client, demo_survey, previewed=previewed))
    assert again.status_code == 200
    updated = again.get_data(as_text=True)
    assert "预览之后结果有了变化" in updated and "有效答卷</strong>" not in updated
    assert re.search(r'class="total">5<', updated)  # the new answer is in what is shown
    session.expire_all()
    assert len(publication.publications(session, demo_survey)) == 1  # nothing sent unseen
    fields = choose(client, demo_survey, previewed=hidden_fields(updated)["previewed"])
    assert client.post(url, data=fields).status_code == 302
    session.expire_all()
    assert publication.latest_publication(session, demo_survey).version == 2


def test_back_from_the_preview_the_form_keeps_what_was_chosen(client, login, demo_survey):
    login("editor")
    url = f"/admin/surveys/{demo_survey.id}/publish"
    back = client.post(url, data=choose(client, demo_survey, intent="edit", min_cell_size="3"))
    form = back.get_data(as_text=True)
    assert back.status_code == 200 and "<h1>发布结果反馈</h1>" in form
    assert re.search(r'<input [^>]*name="min_cell_size"[^>]*value="3">', form)
    assert "民营企业占四分之三。\n\n联系人：王小明" in form
    ticked = re.findall(r'name="question" value="(\d+)" checked', form)
    assert ticked == [str(question(demo_survey, key).id) for key in ("nature", "trade")]


def test_with_review_on_what_is_sent_is_the_version_previewed(
    client, session, staff, department, demo_survey
):
    demo_survey.department_id = department
    session.commit()
    from tests.review.test_routes import log_in

    log_in(client, "zhang")
    url = f"/admin/surveys/{demo_survey.id}/publish"
    page = client.post(url, data=choose(client, demo_survey, intent="preview")).get_data(
        as_text=True
    )
    assert "确认送审" in page and "送审后，审核人看到的也正是这一版。" in page
    fields = choose(client, demo_survey, previewed=hidden_fields(page)["previewed"])
    assert client.post(url, data=fields).status_code == 302
    (sent,) = session.scalars(select(ReviewRequest)).all()
    assert sent.content_hash == hidden_fields(page)["previewed"]


def test_the_minimum_cell_size_is_explained_in_words(client, login, demo_survey):
    login("editor")
    form = client.get(f"/admin/surveys/{demo_survey.id}/publish").get_data(as_text=True)
    assert "最小单元数" not in form and '<label for="min-cell-size">最少公开人次</label>' in form
    hint = re.search(r'<p class="hint" id="min-cell-size-hint">([^<]*(?:&lt;[^<]*)*)</p>', form)
    assert hint and "少于这个数（0 人次也算）" in hint.group(1)
    assert "整体不公布" in hint.group(1) and "填 1 则全部照实公布" in hint.group(1)
    assert 'aria-describedby="min-cell-size-hint"' in form


def test_the_survey_page_links_to_its_live_results_while_they_are_published(
    client, session, login, demo_survey
):
    login("editor")
    page = client.get(f"/admin/surveys/{demo_survey.id}").get_data(as_text=True)
    link = re.search(r'<a class="live-results" href="([^"]+)">([^<]+)</a>', page)
    assert link and link.group(1) == f"/s/{demo_survey.slug}/results"
    assert link.group(2).endswith(f"/s/{demo_survey.slug}/results")
    assert client.get(link.group(1)).status_code == 200
    publication.withdraw(session, demo_survey, None, demo_survey.created_at, "有误")
    session.commit()
    page = client.get(f"/admin/surveys/{demo_survey.id}").get_data(as_text=True)
    assert 'class="live-results"' not in page
