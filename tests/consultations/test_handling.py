"""Opinions taken, screened, merged and answered, and the 意见采纳情况 they make."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.config import office_zone
from survey.consultations import feedback, handling, lifecycle, opinions, queries
from survey.consultations.handling import HandlingError, parse_outcomes
from survey.consultations.models import Channel, Opinion, Screening
from survey.consultations.opinions import Draft, NotOpen, OpinionRefused, Sender
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.publishing.renderers import opinions as opinion_tables

OUTCOMES = parse_outcomes("采纳,部分采纳*,不予采纳*,已有规定,其他")
SECRET = "test-secret"


def article(consultation, label):
    return next(p for p in consultation.current.parts if p.label == label)


def send(session, consultation, body, *, part=None, name="", contact="", device="d1",
         origin="o1", key=None):  # fmt: skip
    opinion = opinions.submit(
        session,
        consultation,
        Draft(body=body, name=name, contact=contact, part_id=part.id if part else None),
        Sender(origin=origin, device=device),
        key or opinions.new_receipt(session),
        utcnow(),
        SECRET,
    )
    session.commit()
    return opinion


def test_outcomes_setting_marks_those_that_need_a_reason():
    assert [(o.label, o.needs_reason) for o in OUTCOMES] == [
        ("采纳", False), ("部分采纳", True), ("不予采纳", True), ("已有规定", False),
        ("其他", False),
    ]  # fmt: skip


def test_an_opinion_is_checked_field_by_field(session, make_consultation):
    consultation = make_consultation(name_rule="required")
    with pytest.raises(OpinionRefused) as refused:
        send(session, consultation, "  ", contact="不是电话")
    assert refused.value.fields == {
        "body": "请填写您的意见",
        "name": "请填写姓名或单位",
        "contact": "请填写手机号码、固定电话（含区号）或电子邮箱",
    }
    with pytest.raises(OpinionRefused) as refused:
        send(session, consultation, "字" * 2001, name="朱明")
    assert "意见不超过 2000 字（现为 2001 字）" in refused.value.fields["body"]
    taken = send(session, consultation, "建议\x0b提高奖励\x00标准。", name="朱明",
                 contact="0535-8212345")  # fmt: skip
    assert taken.body == "建议提高奖励标准。" and taken.receipt.startswith("YJ")


def test_the_same_form_posted_twice_is_one_opinion(session, make_consultation):
    consultation = make_consultation()
    first = send(session, consultation, "建议延长申报期限。", key="form-1")
    again = send(session, consultation, "建议延长申报期限。", key="form-1")
    assert again.id == first.id
    assert len(session.scalars(select(Opinion)).all()) == 1


def test_no_opinion_is_taken_before_the_start_or_after_the_deadline(session, make_consultation):
    consultation = make_consultation()
    consultation.opens_at = utcnow() - timedelta(days=2)
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    session.commit()
    with pytest.raises(NotOpen, match="已结束"):
        send(session, consultation, "迟到的意见")
    later = make_consultation(open_now=False, opens_at=utcnow() + timedelta(days=1))
    lifecycle.open_consultation(session, later, None, utcnow())
    with pytest.raises(NotOpen, match="尚未开始"):
        send(session, later, "过早的意见")


def test_repeats_and_watched_words_are_flagged_never_dropped(session, make_consultation):
    consultation = make_consultation(flag_words="广告\n加微信")
    first = send(session, consultation, "建议扩大支持范围。")
    repeat = send(session, consultation, "建议扩大支持范围。", origin="o2")  # same device
    from_elsewhere = send(session, consultation, "建议扩大支持范围。", device="d9", origin="o9")
    advert = send(session, consultation, "优惠广告，加微信了解", device="d3", origin="o3")
    assert first.flags == [] and from_elsewhere.flags == []
    assert repeat.flags == ["duplicate"]
    assert advert.flags == ["word:广告", "word:加微信"]
    assert queries.tally(session, consultation).flagged == 2
    assert queries.counts_by_part(session, consultation) == {"": 4}


def test_counts_per_article_leave_out_what_staff_set_aside(session, make_consultation):
    consultation = make_consultation()
    third, fifth = article(consultation, "第三条"), article(consultation, "第五条")
    ids = [send(session, consultation, f"意见{n}", part=third).id for n in range(3)]
    send(session, consultation, "对第五条的意见", part=fifth)
    send(session, consultation, "整体意见")
    handling.screen(session, consultation, None, ids[:1], Screening.SPAM)
    session.commit()
    assert queries.counts_by_part(session, consultation) == {"第三条": 2, "第五条": 1, "": 1}


def test_a_comment_keeps_its_article_and_version_when_the_draft_is_revised(
    session, make_consultation
):
    from survey.consultations import design

    consultation = make_consultation()
    opinion = send(session, consultation, "第四条奖励太少。", part=article(consultation, "第四条"))
    text = consultation.current.text.replace("1000万美元", "500万美元")
    design.revise_draft(session, consultation, None, text, "降低门槛")
    session.commit()
    assert [v.number for v in consultation.versions] == [1, 2]
    assert opinion.version.number == 1 and opinion.part.paragraphs[0].count("1000万美元") == 1
    assert "500万美元" in article(consultation, "第四条").paragraphs[0]
    # The count follows the article into the new version.
    assert queries.counts_by_part(session, consultation) == {"第四条": 1}


def test_answers_need_a_reason_where_the_outcome_does(session, make_consultation):
    consultation = make_consultation()
    opinion = send(session, consultation, "建议取消奖励门槛。")
    with pytest.raises(HandlingError, match="“不予采纳”须填写理由"):
        handling.answer(session, consultation, None, [opinion.id], "不予采纳", " ", OUTCOMES,
                        utcnow())  # fmt: skip
    with pytest.raises(HandlingError, match="请选择处理结果"):
        handling.answer(session, consultation, None, [opinion.id], "随便", "", OUTCOMES, utcnow())
    handling.answer(session, consultation, None, [opinion.id], "采纳", "", OUTCOMES, utcnow())
    assert opinion.outcome == "采纳" and opinion.screening == Screening.APPROVED


def test_merged_opinions_take_the_answer_of_their_entry(session, make_consultation):
    consultation = make_consultation()
    ids = [send(session, consultation, f"建议提高奖励{n}", device=f"d{n}").id for n in range(3)]
    entry = handling.merge(session, consultation, None, ids)
    assert entry.id == ids[0]
    handling.answer(session, consultation, None, [entry.id], "部分采纳", "奖励标准适当提高",
                    OUTCOMES, utcnow())  # fmt: skip
    session.commit()
    session.expire_all()
    outcomes = session.scalars(select(Opinion.outcome).order_by(Opinion.id)).all()
    assert outcomes == ["部分采纳"] * 3
    with pytest.raises(HandlingError, match="随所并入的意见一起处理"):
        handling.answer(session, consultation, None, ids[1:2], "采纳", "", OUTCOMES, utcnow())


def handled_consultation(session, make_consultation):
    """The shapes a county's feedback table shows: opinions on articles and on the whole,
    entered offline and online, adopted, partly, refused; a spam set aside."""
    consultation = make_consultation()
    third, fifth = article(consultation, "第三条"), article(consultation, "第五条")
    adopted = send(session, consultation, "建议第三条增加跨境电商培训。", part=third, name="朱明",
                   contact="13912345678")  # fmt: skip
    refused = send(session, consultation, "建议取消联系人制度，联系人：张三祥，不必公开。",
                   part=fifth, name="山东某某进出口有限公司", device="d2", origin="o2")  # fmt: skip
    whole = opinions.enter(
        session, consultation, None, Draft(body="整体上支持，建议尽快出台。", name="李四"),
        Channel.LETTER, utcnow(), SECRET,
    )  # fmt: skip
    spam = send(session, consultation, "广告广告", device="d3", origin="o3")
    handling.screen(session, consultation, None, [spam.id], Screening.SPAM)
    handling.answer(session, consultation, None, [adopted.id], "采纳", "", OUTCOMES, utcnow())
    handling.answer(session, consultation, None, [refused.id], "不予采纳",
                    "联系制度是服务企业的必要安排。", OUTCOMES, utcnow())  # fmt: skip
    session.commit()
    return consultation, whole


def test_publishing_waits_for_the_deadline_and_for_every_answer(session, make_consultation):
    consultation, whole = handled_consultation(session, make_consultation)
    with pytest.raises(feedback.FeedbackError, match="意见征集结束后"):
        feedback.publish(session, consultation, None, utcnow(), office_zone(), OUTCOMES)
    lifecycle.close_consultation(session, consultation, None, utcnow())
    with pytest.raises(feedback.FeedbackError, match="还有 1 条意见没有处理结果"):
        feedback.publish(session, consultation, None, utcnow(), office_zone(), OUTCOMES)
    handling.answer(session, consultation, None, [whole.id], "采纳", "", OUTCOMES, utcnow())
    publication = feedback.publish(session, consultation, None, utcnow(), office_zone(), OUTCOMES)
    session.commit()
    assert publication.version == 1 and consultation.feedback_published
    events = session.scalars(select(AuditEvent.action).where(
        AuditEvent.consultation_id == consultation.id)).all()  # fmt: skip
    assert {"consultation.create", "opinion.answer", "feedback.publish"} <= set(events)


def test_the_published_table_masks_names_and_never_shows_contacts(session, make_consultation):
    consultation, whole = handled_consultation(session, make_consultation)
    handling.answer(session, consultation, None, [whole.id], "采纳", "", OUTCOMES, utcnow())
    lifecycle.close_consultation(session, consultation, None, utcnow())
    publication = feedback.publish(session, consultation, None, utcnow(), office_zone(), OUTCOMES)
    document = feedback.published(publication)
    assert document.feedback_title == (
        "关于《招远市促进外贸高质量发展办法（征求意见稿）》公开征求意见采纳情况的说明"
    )
    assert (document.opinions, document.submitters) == (3, 3)
    assert document.outcome_sentence == "采纳 2 条，部分采纳 0 条，不予采纳 1 条"
    assert document.channels == ["网上提交", "信函"]
    text = opinion_tables.render(document)
    assert "13912345678" not in text and "朱明" not in text and "张三祥" not in text
    assert "联系人：张*祥，不必公开" in text
    assert "共收到意见 3 条，来自 3 人/单位。" in text
    lines = text.splitlines()
    assert lines[lines.index("整体意见") + 1] == "序号\t条款\t意见内容\t处理结果\t理由"
    assert lines[lines.index("第二章 支持措施") + 2] == (
        "1\t第三条\t建议第三条增加跨境电商培训。\t采纳\t"
    )
    assert (
        "2\t第五条\t建议取消联系人制度，联系人：张*祥，不必公开。\t不予采纳\t联系制度是服务企业的必要安排。"
        in lines
    )
    assert "广告" not in text
    assert [row.submitter for s in document.sections for row in s.rows] == [
        "李*",
        "朱*",
        "山*********司",
    ]


def test_a_summary_per_article_instead_of_each_opinion(session, make_consultation):
    consultation, whole = handled_consultation(session, make_consultation)
    handling.answer(session, consultation, None, [whole.id], "已有规定", "", OUTCOMES, utcnow())
    document = feedback.document(session, consultation, office_zone(), OUTCOMES, by_article=True)
    rows = [row for section in document.sections for row in section.rows]
    assert [(r.clause, r.opinion, r.outcome) for r in rows] == [
        ("整体意见", "收到意见 1 条", "已有规定 1 条"),
        ("第三条", "收到意见 1 条", "采纳 1 条"),
        ("第五条", "收到意见 1 条", "不予采纳 1 条"),
    ]
    assert "已有规定 1 条" in document.outcome_sentence


def test_the_xlsx_keeps_a_formula_typed_as_an_opinion_as_text(session, make_consultation, tmp_path):
    from openpyxl import load_workbook

    consultation = make_consultation()
    opinion = send(session, consultation, '=HYPERLINK("http://evil.example","点我")')
    handling.answer(session, consultation, None, [opinion.id], "其他", "", OUTCOMES, utcnow())
    document = feedback.document(session, consultation, office_zone(), OUTCOMES)
    opinion_tables.write_xlsx(document, str(tmp_path / "feedback.xlsx"))
    sheet = load_workbook(tmp_path / "feedback.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    typed = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    assert typed.data_type == "s"
