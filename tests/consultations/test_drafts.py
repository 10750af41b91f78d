"""Splitting drafts as Chinese legal texts number them, from plain text and from Word."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from survey.consultations.drafts import DraftTooLarge, chinese_number, chinese_numeral, split
from survey.consultations.wordfile import WordFileError, read_docx
from tests.consultations.conftest import DRAFT


@pytest.mark.parametrize(
    ("numeral", "number"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("一百", 100),
     ("一百零五", 105), ("一百一十", 110), ("二百三十四", 234), ("12", 12)],
)  # fmt: skip
def test_chinese_numerals_read_and_write(numeral, number):
    assert chinese_number(numeral) == number
    if not numeral.isdigit():
        assert chinese_numeral(number) == numeral


def test_every_article_number_up_to_three_hundred_round_trips():
    assert all(chinese_number(chinese_numeral(n)) == n for n in range(1, 300))


def test_a_draft_splits_into_preamble_chapters_sections_and_articles():
    draft = split(DRAFT.read_text("utf-8"))
    assert draft.title == "招远市促进外贸高质量发展办法（征求意见稿）"
    assert [(p.kind, p.label) for p in draft.parts] == [
        ("preamble", ""),
        ("chapter", "第一章"), ("article", "第一条"), ("article", "第二条"),
        ("chapter", "第二章"), ("section", "第一节"), ("article", "第三条"),
        ("article", "第四条"), ("section", "第二节"), ("article", "第五条"),
        ("chapter", "第三章"), ("article", "第六条"),
    ]  # fmt: skip
    assert draft.parts[0].paragraphs == [
        "为了促进本市外贸高质量发展，根据有关法律法规，结合本市实际，制定本办法。"
    ]
    chapters = [p for p in draft.parts if p.kind == "chapter"]
    assert [c.heading for c in chapters] == ["总则", "支持措施", "附则"]
    second = draft.articles[1]
    # The article number is the label; its two 款 are its paragraphs.
    assert second.paragraphs == [
        "本办法适用于本市行政区域内依法登记的外贸企业。",
        "本办法所称外贸企业，是指具有进出口经营资格的企业。",
    ]
    third = draft.articles[2]
    assert third.paragraphs[1:] == [
        "（一）设立外贸发展专项资金；", "（二）组织企业参加境内外展会；", "（三）开展外贸业务培训。"
    ]  # fmt: skip
    assert draft.warnings == []


def test_gaps_and_repeats_in_the_numbering_are_warned_with_their_lines():
    text = "\n".join([
        "第一条　甲。", "第二条　乙：", "（一）一项；", "（三）三项。",
        "第二条　又是第二条。", "第五条　跳到第五条。", "第九十九条　最后一条。",
    ])  # fmt: skip
    draft = split(text)
    assert draft.warnings == [
        "第 4 行：第二条的第（三）项前应为第（二）项",
        "第 5 行：第二条重复",
        "第 6 行：此处应为第三条，实为第五条",
        "第 7 行：此处应为第六条，实为第九十九条",
    ]
    # Nothing is lost: each article is still its own part, the repeat under its own key.
    assert [p.key for p in draft.articles] == [
        "第一条",
        "第二条",
        "第二条#2",
        "第五条",
        "第九十九条",
    ]


def test_ninety_nine_articles_in_chinese_numerals_split_without_warnings():
    text = "\n".join(f"第{chinese_numeral(n)}条　内容{n}。" for n in range(1, 100))
    draft = split(text)
    assert len(draft.articles) == 99 and draft.warnings == []
    assert draft.articles[-1].label == "第九十九条"


def test_a_policy_in_numbered_points_is_split_at_its_points():
    text = "\n".join(
        ["关于支持外贸企业的若干措施（征求意见稿）", "一、加大资金支持。", "（一）设立专项资金。",
         "二、优化服务。"]
    )  # fmt: skip
    draft = split(text)
    assert [p.label for p in draft.articles] == ["一、", "二、"]
    assert draft.articles[0].paragraphs == ["加大资金支持。", "（一）设立专项资金。"]
    assert draft.warnings == ["未找到“第X条”，已按“一、二、三、”分条"]


def test_text_without_numbering_is_one_part_with_a_warning():
    draft = split("请对本市夜间经济发展提出意见和建议。")
    assert [p.kind for p in draft.parts] == ["preamble"]
    assert "全文将作为一个整体征求意见" in draft.warnings[0]


def test_a_draft_beyond_the_limit_is_refused_with_a_message():
    with pytest.raises(DraftTooLarge, match="征求意见稿过长"):
        split("第一条　" + "字" * 400_000)


def word_file(paragraphs: list[str], *, table: bool = False) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        document.add_table(rows=1, cols=2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_draft_reads_as_its_paragraphs_and_splits_the_same():
    lines = DRAFT.read_text("utf-8").splitlines()
    read = read_docx(word_file(lines, table=True))
    assert split(read.text).parts == split(DRAFT.read_text("utf-8")).parts
    assert read.warnings == ["文档中有 1 个表格，表格内容未导入，请把需要征求意见的内容写在正文中"]


def test_a_file_that_is_not_a_docx_is_refused_with_advice():
    with pytest.raises(WordFileError, match=r"另存为 \.docx"):
        read_docx(b"\xd0\xcf\x11\xe0 an old .doc file")


def test_a_docx_that_inflates_past_the_limit_is_refused_before_it_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:p/>" * (12 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(WordFileError, match="解压后过大"):
        read_docx(buffer.getvalue())
