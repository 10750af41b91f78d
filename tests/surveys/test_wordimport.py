"""Word import (.docx): real files built with python-docx, read as 文本导入 text and parsed into
the questions staff would see; the preview and creation through the staff pages; bounded cost."""

from __future__ import annotations

import copy
import io
import re
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.config import office_zone
from survey.surveys.models import Survey
from survey.surveys.textimport import parse_text
from survey.surveys.wordimport import (
    MAX_PARAGRAPHS,
    MAX_UPLOAD_BYTES,
    WordImportError,
    read_questionnaire,
)
from tests.conftest import csrf_of
from tests.helpers import plain


def symbol(paragraph, char: str = "F0A8", font: str = "Wingdings") -> None:
    """A check box inserted from a symbol font, as Word's 插入符号 does: no text in the run."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:sym {nsdecls("w")} w:font="{font}" w:char="{char}"/>'))


def check_box(paragraph) -> None:
    """A clickable check box (开发工具 > 复选框内容控件)."""
    paragraph._p.append(
        parse_xml(
            f'<w:sdt {nsdecls("w", "w14")}><w:sdtPr><w14:checkbox><w14:checked w14:val="0"/>'
            "</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent>"
            "</w:sdt>"
        )
    )


def numbering(document, *levels: tuple[str, str]) -> str:
    """A list definition of the given (format, text) levels, as Word's 编号 makes; its id."""
    root = document.part.numbering_part.element
    abstract = 90 + len(root.findall(f"{{{root.nsmap['w']}}}abstractNum"))
    defined = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    root.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract}">{defined}</w:abstractNum>'
        ),
    )
    root.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{abstract}"><w:abstractNumId w:val="{abstract}"/>'
            "</w:num>"
        )
    )
    return str(abstract)


def numbered(document, text: str, num_id: str, level: int = 0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
            "</w:numPr>"
        )
    )
    return paragraph


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def questionnaire() -> bytes:
    """A bureau's questionnaire as staff type it in Word: a title, a blank drawn as underlined
    spaces, auto-numbered questions, boxes from Wingdings and content controls, a heading and a
    matrix table whose cells hold boxes."""
    document = docx.Document()
    document.add_paragraph("企业服务调查问卷", style="Title")
    document.add_paragraph("为了解企业需求，请如实填写。")
    name = document.add_paragraph("企业名称：")
    name.add_run(" " * 12).underline = True
    document.add_paragraph("一、基本情况", style="Heading 1")
    document.add_paragraph("企业性质（必填）", style="List Number")
    options = document.add_paragraph()
    for label in ("国企", "民企", "外企"):
        symbol(options)
        options.add_run(f"{label}  ")
    document.add_paragraph("主要贸易方式（可多选）", style="List Number")
    options = document.add_paragraph()
    for label in ("一般贸易", "加工贸易", "其他____"):
        check_box(options)
        options.add_run(f"{label}\t")
    document.add_paragraph("服务评价", style="Heading 1")
    document.add_paragraph("各项服务的满意度", style="List Number")
    table = document.add_table(rows=3, cols=4)
    for column, label in enumerate(["项目", "满意", "一般", "不满意"]):
        table.cell(0, column).text = label
    for row, label in enumerate(["政策宣传", "办事效率"], start=1):
        table.cell(row, 0).text = label
        for column in range(1, 4):
            symbol(table.cell(row, column).paragraphs[0], "F06F")
    document.add_paragraph("联系电话", style="List Number")
    return saved(document)


def parsed(data: bytes):
    return parse_text(read_questionnaire(data).text, office_zone())


def test_a_word_questionnaire_reads_as_its_questions(offline_app):
    word = read_questionnaire(questionnaire())
    assert word.text.splitlines() == [
        "企业服务调查问卷",
        "为了解企业需求，请如实填写。",
        "企业名称：____",
        "一、基本情况",
        "1. 企业性质（必填）",
        "□国企  □民企  □外企",
        "2. 主要贸易方式（可多选）",
        "□一般贸易\t□加工贸易\t□其他____",
        "## 服务评价",
        "3. 各项服务的满意度",
        "项目\t满意\t一般\t不满意",
        "政策宣传\t□\t□\t□",
        "办事效率\t□\t□\t□",
        "4. 联系电话",
    ]
    result = parse_text(word.text, office_zone())
    definition = result.definition
    assert definition["title"] == "企业服务调查问卷"
    assert definition["description"] == "为了解企业需求，请如实填写。"
    shapes = [
        (q["type"], q["title"], q["required"], [o["label"] for o in q["options"]])
        for q in definition["questions"]
    ]
    assert shapes == [
        ("text", "企业名称", False, []),
        ("description", "一、基本情况", False, []),
        ("single", "企业性质", True, ["国企", "民企", "外企"]),
        ("multiple", "主要贸易方式", False, ["一般贸易", "加工贸易", "其他"]),
        ("description", "服务评价", False, []),
        ("matrix", "各项服务的满意度", False, ["政策宣传", "办事效率"]),
        ("mobile", "联系电话", False, []),
    ]
    assert definition["questions"][3]["options"][2]["fill_in"] is True
    assert definition["questions"][5]["settings"]["columns"] == ["满意", "一般", "不满意"]
    warnings = [str(w) for w in result.warnings]
    assert "第 3 题按多选题导入（标题含“可多选”）（第 7 行）" in warnings
    assert "第 4 题按矩阵单选题导入（表格：3 列、2 行）（第 10 行）" in warnings
    assert any(w.startswith("第 5 题按手机号码导入（标题含“联系电话”）") for w in warnings)


@pytest.mark.parametrize(
    ("font", "char"),
    [("Wingdings", "F0A8"), ("Wingdings", "F06F"), ("Wingdings 2", "F0A3"), ("Wingdings", "F0FE")],
)
def test_check_boxes_from_symbol_fonts_mark_options(offline_app, font, char):
    document = docx.Document()
    document.add_paragraph("问卷")
    document.add_paragraph("1、企业性质")
    options = document.add_paragraph()
    for label in ("国企", "民企", "外企"):
        symbol(options, char, font)
        options.add_run(label + " ")
    questions = parsed(saved(document)).definition["questions"]
    assert [o["label"] for o in questions[0]["options"]] == ["国企", "民企", "外企"]


def test_auto_numbered_questions_and_lettered_options(offline_app):
    document = docx.Document()
    document.add_paragraph("问卷")
    sections = numbering(document, ("chineseCounting", "%1、"))
    questions = numbering(document, ("decimal", "%1、"), ("upperLetter", "%2."))
    numbered(document, "基本情况", sections)
    numbered(document, "企业性质", questions)
    for label in ("国企", "民企"):
        numbered(document, label, questions, level=1)
    numbered(document, "主要市场", questions)
    for label in ("东南亚", "欧盟"):
        numbered(document, label, questions, level=1)
    numbered(document, "服务评价", sections)
    numbered(document, "意见和建议", questions)
    word = read_questionnaire(saved(document))
    assert word.text.splitlines() == [
        "问卷", "一、 基本情况", "1、 企业性质", "A. 国企", "B. 民企", "2、 主要市场",
        "A. 东南亚", "B. 欧盟", "二、 服务评价", "3、 意见和建议",
    ]  # fmt: skip
    definition = parse_text(word.text, office_zone()).definition
    assert [(q["type"], q["title"]) for q in definition["questions"]] == [
        ("description", "一、 基本情况"), ("single", "企业性质"), ("single", "主要市场"),
        ("description", "二、 服务评价"), ("text", "意见和建议"),
    ]  # fmt: skip
    assert [o["label"] for o in definition["questions"][2]["options"]] == ["东南亚", "欧盟"]


def test_a_label_beside_an_empty_cell_is_a_fill_in(offline_app):
    document = docx.Document()
    document.add_paragraph("企业调查")
    table = document.add_table(rows=2, cols=4)
    for row, labels in enumerate([("企业名称", "统一社会信用代码"), ("联系人", "联系电话")]):
        table.cell(row, 0).text, table.cell(row, 2).text = labels
    document.add_paragraph("1、意见和建议")
    definition = parsed(saved(document)).definition
    assert [(q["type"], q["title"]) for q in definition["questions"]] == [
        ("text", "企业名称"), ("credit_code", "统一社会信用代码"), ("person_name", "联系人"),
        ("mobile", "联系电话"), ("text", "意见和建议"),
    ]  # fmt: skip


def test_a_file_that_is_not_a_docx_is_refused_with_advice():
    with pytest.raises(WordImportError, match=r"另存为 \.docx"):
        read_questionnaire(b"\xd0\xcf\x11\xe0 an old .doc file")


def test_a_docx_over_the_upload_limit_is_refused_unread():
    with pytest.raises(WordImportError, match="Word 文件超过 10 MB"):
        read_questionnaire(b"PK" + bytes(MAX_UPLOAD_BYTES))


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(61 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(WordImportError, match="解压后过大"):
        read_questionnaire(buffer.getvalue())


def test_a_document_longer_than_any_questionnaire_is_refused():
    document = docx.Document()
    paragraph = document.add_paragraph("1、企业名称")._p
    body = paragraph.getparent()
    for _n in range(MAX_PARAGRAPHS):
        body.append(copy.deepcopy(paragraph))
    with pytest.raises(WordImportError, match="Word 文件过长：最多 20,000 段"):
        read_questionnaire(saved(document))


def import_post(client, data: dict):
    return client.post(
        "/admin/surveys/import", data={"csrf_token": csrf_of(client, "/admin/"), **data}
    )


def test_staff_preview_a_word_file_then_create_it(client, session, login):
    login("editor")
    upload = {"format": "txt", "preview": "1", "file": (io.BytesIO(questionnaire()), "问卷.docx")}
    preview = import_post(client, upload)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    # The document's text is in the text box, to be corrected there.
    text = re.search(r"<textarea[^>]*>\s*(.*?)</textarea>", html, re.S).group(1)
    assert "政策宣传\t□\t□\t□" in text and text.startswith("企业服务调查问卷\n")
    page = plain(html)
    assert "3. 主要贸易方式 [多选题]" in page and "5. 联系电话 [填空题] 手机号码" in page
    assert "4. 各项服务的满意度 [矩阵单选题]" in page and "列：满意 / 一般 / 不满意" in page
    assert "第 3 题按多选题导入（标题含“可多选”）" in page
    assert session.scalars(select(Survey)).all() == []  # a preview saves nothing
    previewed = re.search(r'name="previewed"[^>]*value="([^"]+)"', html).group(1)
    created = import_post(
        client, {"format": "txt", "text": text, "previewed": previewed, "create": "1"}
    )
    assert created.status_code == 302
    survey = session.scalars(select(Survey)).one()
    assert created.headers["Location"].endswith(f"/admin/surveys/{survey.id}/edit")
    assert [q.type for q in survey.questions] == [
        "text", "description", "single", "multiple", "description", "matrix", "mobile",
    ]  # fmt: skip


def test_content_changed_since_its_preview_is_shown_again_first(client, session, login):
    login("editor")
    text = "问卷\n1、企业性质\n□国企 □民企\n"
    preview = import_post(client, {"format": "txt", "text": text, "preview": "1"})
    previewed = re.search(r'name="previewed"[^>]*value="([^"]+)"', preview.get_data(True))
    changed = text + "2、主要市场（可多选）\n□东南亚 □欧盟\n"
    again = import_post(
        client,
        {"format": "txt", "text": changed, "previewed": previewed.group(1), "create": "1"},
    )
    assert again.status_code == 200
    assert "内容在预览后有修改" in plain(again.get_data(as_text=True))
    assert session.scalars(select(Survey)).all() == []


def test_a_word_file_over_the_limit_gets_the_import_page_with_the_limit(client, login):
    login("editor")
    too_large = FileStorage(io.BytesIO(bytes(MAX_UPLOAD_BYTES + 100 * 1024)), "问卷.docx")
    fields = {"csrf_token": csrf_of(client, "/admin/"), "format": "txt", "file": too_large}
    # Encoded in memory: the test client would spool so large a body to a temporary file,
    # which the refused request leaves unclosed.
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/admin/surveys/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "文件超过 10 MB" in plain(response.get_data(as_text=True))
