"""The consultation's pages over HTTP: a citizen reads the draft and comments, staff create,
handle and publish, a visitor reads the 意见采纳情况."""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta

import docx
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from survey.consultations.models import Consultation, Opinion
from survey.core.models import utcnow
from tests.conftest import csrf_of
from tests.consultations.test_drafts import word_file
from tests.helpers import plain


def opinion_form(client, consultation, part=None):
    url = f"/c/{consultation.slug}/opinion" + (f"?part={part.id}" if part else "")
    page = client.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return url, page, fields


def article(consultation, label):
    return next(p for p in consultation.current.parts if p.label == label)


def test_the_draft_page_shows_articles_counts_and_actions_without_javascript(
    client, make_consultation
):
    consultation = make_consultation()
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    text = plain(page)
    assert "第一章　总则" in text and "第二节　服务保障" in text
    assert "第四条 对年进出口额首次突破1000万美元的企业" in text
    # An action beside the preamble and each of the six articles.
    assert (text.count("对序言提意见"), text.count("对本条提意见")) == (1, 6)
    assert "对整体提意见" in text and "征集中" in text
    assert "<script" not in page  # nothing on this page needs a script


def test_a_citizen_comments_on_an_article_and_gets_a_receipt(client, session, make_consultation):
    consultation = make_consultation()
    third = article(consultation, "第三条")
    url, page, fields = opinion_form(client, consultation, third)
    assert "设立外贸发展专项资金" in page  # the article is quoted above the form
    response = client.post(url, data={**fields, "body": "建议增加跨境电商培训。", "name": "朱明"})
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    stored = session.scalars(select(Opinion)).one()
    assert stored.receipt in receipt and "第三条" in plain(receipt)
    # The same form posted again (a second tap, Back and resend) is the same opinion.
    again = client.post(url, data={**fields, "body": "建议增加跨境电商培训。", "name": "朱明"})
    assert again.headers["Location"] == response.headers["Location"]
    assert len(session.scalars(select(Opinion)).all()) == 1
    draft = plain(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    assert "1 条意见" in draft
    # Others' text is not shown unless staff choose to.
    assert "跨境电商培训" not in draft


def test_a_refused_opinion_comes_back_with_everything_typed(client, make_consultation):
    consultation = make_consultation(contact_rule="required")
    url, _page, fields = opinion_form(client, consultation)
    response = client.post(url, data={**fields, "body": "我的意见" * 10, "name": "朱明",
                                      "contact": "abc"})  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写手机号码、固定电话（含区号）或电子邮箱" in page
    assert "我的意见" * 10 in page and 'value="朱明"' in page and 'value="abc"' in page


def test_an_expired_form_keeps_the_text(client, make_consultation):
    consultation = make_consultation()
    url, _page, fields = opinion_form(client, consultation)
    client.delete_cookie("session")
    response = client.post(url, data={**fields, "body": "写了很久的意见"})
    page = response.get_data(as_text=True)
    assert "页面已过期，您填写的内容已保留" in page and "写了很久的意见" in page


def test_after_the_deadline_the_page_says_so_and_takes_nothing(client, session, make_consultation):
    consultation = make_consultation()
    url, _page, fields = opinion_form(client, consultation)
    consultation.opens_at = utcnow() - timedelta(days=40)
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.post(url, data={**fields, "body": "截止后才写完的意见"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "本次意见征集已结束" in page and "截止后才写完的意见" in page
    assert session.scalars(select(Opinion)).all() == []
    draft = plain(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    assert "已结束" in draft and "对本条提意见" not in draft


def test_the_challenge_must_be_solved_once_staff_turn_it_on(client, session, make_consultation):
    consultation = make_consultation(challenge=True)
    url, page, fields = opinion_form(client, consultation)
    question = re.search(r"防刷验证：(\S+) 加 (\S+) 等于几", plain(page))
    numerals = "零一二三四五六七八九十"
    total = numerals.index(question[1]) + numerals.index(question[2])
    wrong = client.post(url, data={**fields, "body": "意见", "challenge": str(total + 1)})
    assert "答案不正确" in wrong.get_data(as_text=True)
    assert session.scalars(select(Opinion)).all() == []
    right = client.post(url, data={**fields, "body": "意见", "challenge": str(total)})
    assert right.status_code == 303


def test_thirty_people_behind_one_address_all_get_through(client, session, make_consultation):
    consultation = make_consultation()
    codes = []
    for n in range(30):
        url, _page, fields = opinion_form(client, consultation)
        codes.append(client.post(url, data={**fields, "body": f"会议室意见{n}"}).status_code)
    assert codes == [303] * 30
    assert len(session.scalars(select(Opinion)).all()) == 30


def staff_post(client, url, data, page="/admin/consultations/"):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **data})


def test_staff_create_a_consultation_from_a_word_file(client, session, login):
    login("editor")
    lines = (
        "关于促进夜间经济发展的若干措施（征求意见稿）\n第一条　延长营业时间。\n第三条　设立夜市。"
    ).splitlines()
    response = staff_post(
        client,
        "/admin/consultations/new",
        {"file": (io.BytesIO(word_file(lines)), "draft.docx"), "issuer": "招远市商务局",
         "minimum_period": "working7", "name_rule": "optional", "contact_rule": "optional"},
    )  # fmt: skip
    assert response.status_code == 302, plain(response.get_data(as_text=True))
    consultation = session.scalars(select(Consultation)).one()
    assert consultation.title == "关于促进夜间经济发展的若干措施（征求意见稿）"
    overview = plain(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "第 3 行：此处应为第二条，实为第三条" in overview


def test_a_word_draft_with_a_picture_larger_than_other_posts_is_taken(client, session, login):
    """Drafts may be Word files up to 10 MB, pictures and all: more than a form may post."""
    from PIL import Image

    login("editor")
    picture = io.BytesIO()
    noise = Image.frombytes("RGB", (700, 700), bytes(random.Random(7).randbytes(700 * 700 * 3)))
    noise.save(picture, format="PNG")
    document = docx.Document()
    for line in ("关于促进夜间经济发展的若干措施（征求意见稿）", "第一条　延长营业时间。"):
        document.add_paragraph(line)
    document.add_picture(picture)
    data = io.BytesIO()
    document.save(data)
    assert len(data.getvalue()) > 1024 * 1024
    fields = {"csrf_token": csrf_of(client, "/admin/consultations/"),
              "file": FileStorage(io.BytesIO(data.getvalue()), "draft.docx"),
              "issuer": "招远市商务局", "minimum_period": "working7", "name_rule": "optional",
              "contact_rule": "optional"}  # fmt: skip
    # Encoded in memory: the test client would spool a body this large to a file it never closes.
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    response = client.post(
        "/admin/consultations/new", input_stream=body, content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )  # fmt: skip
    assert response.status_code == 302, plain(response.get_data(as_text=True))
    assert session.scalars(select(Consultation)).one().title.startswith("关于促进夜间经济")


def test_staff_handle_opinions_and_publish_the_feedback(client, session, login, make_consultation):
    consultation = make_consultation()
    url, _page, fields = opinion_form(client, consultation, article(consultation, "第四条"))
    client.post(url, data={**fields, "body": "奖励门槛太高，建议降至500万美元。", "name": "朱明",
                           "contact": "13912345678"})  # fmt: skip
    login("editor")
    base = f"/admin/consultations/{consultation.id}"
    staff_post(client, f"{base}/opinions/new", {
        "part": "", "body": "整体支持。", "name": "李四", "channel": "letter",
        "received_on": "2026-11-20"}, page=f"{base}/opinions/new")  # fmt: skip
    queue = client.get(f"{base}/opinions").get_data(as_text=True)
    assert "奖励门槛太高" in queue and "信函" in queue
    assert "13912345678" not in queue  # contacts only on an opinion's own page
    ids = [o.id for o in session.scalars(select(Opinion).order_by(Opinion.id))]
    refused = staff_post(client, f"{base}/opinions/batch",
                         {"ids": ids[0], "action": "answer", "outcome": "不予采纳"})  # fmt: skip
    assert "“不予采纳”须填写理由" in plain(
        client.get(refused.headers["Location"]).get_data(as_text=True)
    )
    staff_post(client, f"{base}/opinions/batch", {"ids": ids[0], "action": "answer",
               "outcome": "部分采纳", "reason": "门槛调整为800万美元。"})  # fmt: skip
    staff_post(client, f"{base}/opinions/batch", {"ids": ids[1], "action": "answer",
               "outcome": "采纳"})  # fmt: skip
    early = client.get(f"{base}/publish").get_data(as_text=True)
    assert "意见征集结束后才能发布采纳情况" in early
    assert re.search(r'value="publish" class="button small" disabled', early)
    staff_post(client, f"{base}/close", {})
    preview = plain(client.get(f"{base}/publish").get_data(as_text=True))
    assert "门槛调整为800万美元" in preview and "朱*" in preview
    response = staff_post(client, f"{base}/publish", {"confirm": "publish"}, page=f"{base}/publish")
    assert "已发布第 1 版意见采纳情况" in plain(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    public = plain(client.get(f"/c/{consultation.slug}/feedback").get_data(as_text=True))
    assert "公开征求意见采纳情况的说明" in public
    assert "共收到意见 2 条，来自 2 人/单位。" in public
    assert "采纳 1 条，部分采纳 1 条，不予采纳 0 条" in public
    assert "朱明" not in public and "13912345678" not in public
    listing = plain(client.get("/?tab=results").get_data(as_text=True))
    assert "关于《招远市促进外贸高质量发展办法（征求意见稿）》公开征求意见采纳情况的说明" in listing
    consultations = plain(client.get("/?tab=consultations").get_data(as_text=True))
    assert "已反馈" in consultations
    text = client.get(f"{base}/feedback.txt").get_data(as_text=True)
    assert "序号\t条款\t意见内容\t处理结果\t理由" in text


def test_one_form_posted_many_times_at_once_is_one_opinion(live_server, session, make_consultation):
    import threading

    import httpx

    consultation = make_consultation()
    url = f"{live_server}/c/{consultation.slug}/opinion"
    client = httpx.Client(follow_redirects=False, timeout=30)
    page = client.get(url).text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    form = {**fields, "body": "网络慢，连点了几次提交。"}
    start = threading.Barrier(6)
    locations: list[str] = []

    def post() -> None:
        start.wait()
        response = client.post(url, data=form)
        locations.append(f"{response.status_code} {response.headers.get('location')}")

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    session.expire_all()
    stored = session.scalars(select(Opinion)).all()
    assert len(stored) == 1
    assert locations == [f"303 /c/{consultation.slug}/receipt/{stored[0].receipt}"] * 6


def test_a_form_opened_before_the_draft_was_revised_comments_on_what_was_read(
    client, session, make_consultation
):
    from survey.consultations import design

    consultation = make_consultation()
    fourth = article(consultation, "第四条")
    url, _page, fields = opinion_form(client, consultation, fourth)
    text = consultation.current.text.replace("1000万美元", "500万美元")
    design.revise_draft(session, consultation, None, text, "降低门槛")
    session.commit()
    response = client.post(url, data={**fields, "body": "1000万美元门槛太高。"})
    assert response.status_code == 303
    opinion = session.scalars(select(Opinion)).one()
    assert (opinion.part_id, opinion.version.number) == (fourth.id, 1)
    # Counted under 第四条 of the current version all the same.
    assert "1 条意见" in plain(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    # A part that is no part of this draft is refused, the text kept.
    _url, _page, fresh = opinion_form(client, consultation)
    refused = client.post(
        f"/c/{consultation.slug}/opinion?part=99999", data={**fresh, "body": "意见"}
    )
    assert refused.status_code == 422 and "所选条款不在征求意见稿中" in refused.get_data(
        as_text=True
    )
    assert client.get(f"/c/{consultation.slug}/opinion?part=99999").status_code == 404
