"""The 结果反馈 as a Word document (.docx), laid out as the annual report prints it so that
staff can paste it into theirs: 一、调查基本情况; 二、调查结果, per question the heading
``N 题目 [单选题]``, a real Word table 选项 | 小计 | 比例 closed by 本题有效填写人次, and its
chart as a picture; 三、调查结论 (the staff's summary); the issuer's signature and the date."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from html.parser import HTMLParser
from typing import ClassVar

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from survey.publishing.documents import QuestionResult, ResultFeedback

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A4 with Word's Chinese default margins: 14.66 cm of text across.
PAGE = (Cm(21), Cm(29.7))
MARGINS = (Cm(2.54), Cm(3.17))
TEXT_WIDTH = Cm(14.6)
PICTURE_WIDTH = Cm(14)
LABEL_WIDTH = Cm(8.6)  # 选项, the rest shared by 小计 and 比例
CORNER_WIDTH = Cm(4.6)  # a two-way table's row labels, the rest shared by its columns
INDENT = Cm(0.74)  # two characters
# Characters XML (and so a .docx) cannot hold, such as the vertical tab of Word's Shift+Enter.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(
    document: ResultFeedback, published_on: date, pictures: Mapping[str, bytes] | None
) -> bytes:
    """The document as a .docx dated ``published_on``. ``pictures`` are the charts as PNG by
    question number (``survey.publishing.images.pictures``); None when they could not be
    drawn, which the file then says under 二、调查结果 (its tables hold every figure)."""
    word = Document()
    _set_up(word, document)
    _title(word, document, published_on)
    word.add_heading("一、调查基本情况", level=1)
    word.add_paragraph(
        _text(
            f"本次调查征集时间为 {document.window}，问卷共 {document.question_count} 题，"
            f"有效答卷 {document.responses} 份。"
        )
    )
    word.add_heading("二、调查结果", level=1)
    if pictures is None:
        note = word.add_paragraph()
        note.add_run("注：统计图未能生成（服务器暂时无法绘图），本文件只含表格。").italic = True
    if document.questions:
        survey_title = word.add_paragraph()
        survey_title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        survey_title.add_run(_text(document.title)).bold = True
    else:
        word.add_paragraph("本次未公布分题统计结果。")
    for item in document.questions:
        _question(word, item, document.min_cell_size, (pictures or {}).get(str(item.number)))
    if document.summary_html:
        word.add_heading("三、调查结论", level=1)
        summary = _Summary(word)
        summary.feed(document.summary_html)
        summary.close()
    _signature(word, document, published_on)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _text(value: str) -> str:
    return NOT_IN_XML.sub("", value)


def _set_up(word: WordDocument, document: ResultFeedback) -> None:
    """A4 pages, 宋体 text and 黑体 headings in black (Word's default template has blue Calibri
    headings on Letter paper), and the file's own title and author."""
    section = word.sections[0]
    section.page_width, section.page_height = PAGE
    section.top_margin = section.bottom_margin = MARGINS[0]
    section.left_margin = section.right_margin = MARGINS[1]
    styles = word.styles
    _font(styles["Normal"], "宋体", Pt(12))
    _font(styles["Heading 1"], "黑体", Pt(16), bold=False)
    for name in ("Heading 2", "Heading 3", "Heading 4"):
        _font(styles[name], "宋体", Pt(12), bold=True)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        styles[name].paragraph_format.space_before = Pt(12)
        styles[name].paragraph_format.space_after = Pt(6)
    properties = word.core_properties
    properties.title = _text(document.feedback_title)
    properties.author = properties.last_modified_by = _text(document.issuer)
    properties.comments = ""


def _font(style: ParagraphStyle, east_asian: str, size: Length, bold: bool | None = None) -> None:
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    # Word takes a theme font over a named one: the template's headings name theme fonts.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(script), "Times New Roman")
    fonts.set(qn("w:eastAsia"), east_asian)


def _title(word: WordDocument, document: ResultFeedback, published_on: date) -> None:
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_text(document.feedback_title))
    run.bold, run.font.size = True, Pt(18)
    facts = [f"发布单位：{document.issuer}"] if document.issuer else []
    facts.append(f"发布时间：{published_on.isoformat()}")
    meta = word.add_paragraph(_text("　".join(facts)))
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _question(
    word: WordDocument, item: QuestionResult, min_cell_size: int, picture: bytes | None
) -> None:
    word.add_heading(_text(f"{item.number} {item.title} {item.label}"), level=2)
    if not item.has_table:
        for number, answer in enumerate(item.answers or (), start=1):
            word.add_paragraph(_text(f"{number}. {answer}"))
        if not item.answers:
            word.add_paragraph("暂无填写内容。")
        return
    if item.withheld:
        word.add_paragraph("本题填写人数较少，为保护填写人信息，统计结果不予公布。")
        return
    if item.grid is not None:
        grid = item.grid
        body = [[row.label, *row.cells] for row in grid.rows]
        table = _table(word, [grid.corner, *grid.columns], body, CORNER_WIDTH)
        footer = _row(table, ["本题有效填写人次", str(item.respondents)])
        if len(footer.cells) > 2:  # N across every column, as the page prints it
            footer.cells[1].merge(footer.cells[-1])
    else:
        body = [[row.label, row.shown, row.ratio] for row in item.rows or ()]
        table = _table(word, ["选项", "小计", "比例"], body, LABEL_WIDTH)
        _row(table, ["本题有效填写人次", str(item.respondents), ""])
    for line in item.summary:
        word.add_paragraph(_text(str(line)))
    if item.suppressed:
        word.add_paragraph(
            f"注：少于 {min_cell_size} 人次的数据显示为“<{min_cell_size}”，"
            "为防止推算，部分数据以“—”代替。"
        )
    if picture is not None:
        word.add_picture(io.BytesIO(picture), width=PICTURE_WIDTH)
        word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(
    word: WordDocument, header: Sequence[str], body: Sequence[Sequence[str]], first: Length
) -> Table:
    """A ruled table: its header (bold, repeated on each page it runs onto) and its rows; the
    first column ``first`` wide, the others sharing the rest, figures centred."""
    table = word.add_table(rows=0, cols=len(header))
    table.style = word.styles["Table Grid"]
    rest = Cm(max(1.5, (TEXT_WIDTH - first) / Cm(1) / max(1, len(header) - 1)))
    widths = [first] + [rest] * (len(header) - 1)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    head = _row(table, header)
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell in head.cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in body:
        _row(table, values)
    return table


def _row(table: Table, values: Sequence[str]) -> _Row:
    row = table.add_row()
    for index, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
        cell.width = table.columns[index].width
        paragraph = cell.paragraphs[0]
        paragraph.add_run(_text(value))
        if index:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return row


def _signature(word: WordDocument, document: ResultFeedback, published_on: date) -> None:
    word.add_paragraph()
    lines = [document.issuer] if document.issuer else []
    lines.append(f"{published_on.year}年{published_on.month}月{published_on.day}日")
    for line in lines:
        paragraph = word.add_paragraph(_text(line))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


class _Summary(HTMLParser):
    """The summary's sanitised HTML (``survey.publishing.summary``: a few plain tags, no
    attributes) as Word paragraphs, bold and italic runs, lists, quotations and tables."""

    HEADINGS: ClassVar[dict[str, int]] = {"h3": 3, "h4": 4}

    def __init__(self, word: WordDocument) -> None:
        super().__init__(convert_charrefs=True)
        self.word = word
        self.paragraph: Paragraph | None = None
        self.line_start = True  # at a paragraph's start or after a break: no leading space
        self.heading: int | None = None
        self.bold = self.italic = self.quote = 0
        self.lists: list[list[int]] = []  # per open list: [] for bullets, [n] numbered
        self.marker = ""  # the next item's "1. " or "• "
        self.rows: list[list[tuple[str, bool]]] | None = None  # a table's cells and if th
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("strong", "em"):
            self.bold += tag == "strong"
            self.italic += tag == "em"
        elif tag == "br":
            self._break()
        elif tag in ("ul", "ol"):
            self.lists.append([0] if tag == "ol" else [])
            self.paragraph = None
        elif tag == "li":
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                numbering[0] += 1
            self.marker = f"{numbering[0]}. " if numbering else "• "
            self.paragraph = None
        elif tag == "p":
            if not self.marker:  # a loose list's item opens with a paragraph of its own
                self.paragraph = None
        elif tag in self.HEADINGS:
            self.heading, self.paragraph = self.HEADINGS[tag], None
        elif tag == "blockquote":
            self.quote += 1
            self.paragraph = None
        elif tag == "table":
            self.rows, self.paragraph = [], None
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("th", "td") and self.rows:
            self.cell = []
            self.rows[-1].append(("", tag == "th"))
        elif tag == "hr":
            self.paragraph = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "em"):
            self.bold -= tag == "strong" and self.bold > 0
            self.italic -= tag == "em" and self.italic > 0
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.paragraph = None
        elif tag in ("p", "li") or tag in self.HEADINGS:
            self.paragraph, self.heading, self.marker = None, None, ""
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.paragraph = None
        elif tag in ("th", "td") and self.rows and self.cell is not None:
            text, header = "".join(self.cell).strip(), self.rows[-1][-1][1]
            self.rows[-1][-1] = (text, header)
            self.cell = None
        elif tag == "table" and self.rows is not None:
            self._table(self.rows)
            self.rows = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.rows is not None:
            return  # the line breaks between a table's tags
        text = data.replace("\n", " ")
        if self.paragraph is None:
            if not text.strip():
                return
            self._open()
        if self.line_start:
            text = text.lstrip()
        if not text:
            return
        assert self.paragraph is not None
        run = self.paragraph.add_run(_text(text))
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        self.line_start = False

    def _open(self) -> None:
        if self.heading is not None:
            self.paragraph = self.word.add_heading("", level=self.heading)
        else:
            self.paragraph = self.word.add_paragraph()
        depth = len(self.lists) + self.quote
        if depth:
            self.paragraph.paragraph_format.left_indent = INDENT * depth
        if self.marker:
            self.paragraph.add_run(self.marker)
            self.marker = ""
        self.line_start = True

    def _break(self) -> None:
        if self.cell is not None:
            self.cell.append("\n")
        elif self.paragraph is not None:
            self.paragraph.add_run().add_break()
            self.line_start = True

    def _table(self, rows: list[list[tuple[str, bool]]]) -> None:
        width = max((len(row) for row in rows), default=0)
        if not width:
            return
        table = self.word.add_table(rows=0, cols=width)
        table.style = self.word.styles["Table Grid"]
        for cells in rows:
            row = table.add_row()
            for cell, (text, header) in zip(row.cells, cells, strict=False):
                cell.paragraphs[0].add_run(_text(text)).bold = header or None
