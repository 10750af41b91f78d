"""The staff's summary as published: their own words as written, signature and contact lines
included and kept line by line; a respondent's words they quote have personal data masked."""

from __future__ import annotations

from survey.publishing.summary import render_summary


def test_the_staffs_signature_and_contact_lines_are_published_as_written():
    html = render_summary("民企居多。\n\n招远市商务局外贸科\n联系人：王小明\n联系电话：13805351234")
    assert html == (
        "<p>民企居多。</p>\n<p>招远市商务局外贸科<br>\n联系人：王小明<br>\n联系电话：13805351234</p>\n"
    )


def test_a_quoted_respondent_has_names_phones_and_id_numbers_masked():
    html = render_summary(
        "有企业反映：\n\n> 联系人：张三祥，手机 13812341234\n>\n> > 身份证 370102199001011234\n\n"
        "咨询电话 13805351234"
    )
    assert "联系人：张*祥，手机 138****1234" in html and "13812341234" not in html
    assert "37*************234" in html  # in a quotation inside a quotation too
    assert "<p>咨询电话 13805351234</p>" in html  # the staff's own line, after the quotation


def test_a_typed_blockquote_tag_is_text_and_leaves_the_staffs_text_alone():
    html = render_summary("<blockquote>联系人：王小明</blockquote> 13805351234")
    assert html == "<p>&lt;blockquote&gt;联系人：王小明&lt;/blockquote&gt; 13805351234</p>\n"
