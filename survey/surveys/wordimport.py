"""A questionnaire in a Word file (.docx), written out as text in the conventions of 文本导入
(survey.surveys.textimport): staff see that text beside the preview and correct it there, and
the same parser reads it.

What Word keeps outside the paragraph's text is written in: its automatic numbering (1. 2. as
question numbers, A. B. as option letters, 一、 as section headings), check boxes typed from a
symbol font (``w:sym`` in Wingdings) or clickable (a ``w14:checkbox`` content control, an old
check-box form field) as □, underlined spaces as a blank ____, and tables: a table whose first
row names columns and whose other rows hold boxes or nothing is a matrix (its rows as tab-separated
lines, as Word pastes them); any other table gives its cells a line each, a label beside an empty
cell becoming 标签：____.

A .docx is a zip: the file is opened only once its declared contents are within bounds, so a
small upload cannot inflate to gigabytes; and a document longer than any questionnaire is refused
before it is walked.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from survey.core.archives import ArchiveTooLarge, bounded_zip
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.surveys.definition import MAX_IMPORT_CHARS, MAX_QUESTIONS, MAX_VALUES
from survey.surveys.textimport import BOXES, QUESTION_LINE, SECTION

# As for Word drafts (survey.consultations.wordfile): far above a questionnaire with a logo.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # word/document.xml, parsed whole
MAX_PARAGRAPHS = 20 * MAX_QUESTIONS  # a title and options for each question, and room to spare
MAX_CELLS = MAX_VALUES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Inside a paragraph, what is not its text: properties, deleted text, field codes, drawings
# (pictures, text boxes), and the fallback copy of alternate content.
SKIPPED = {
    f"{W}pPr", f"{W}rPr", f"{W}del", f"{W}moveFrom", f"{W}instrText", f"{W}delText",
    f"{W}drawing", f"{W}pict", f"{W}object", f"{MC}Fallback", f"{W}footnoteReference",
    f"{W}endnoteReference", f"{W}commentReference",
}  # fmt: skip
# Symbol-font characters that draw a box or circle (the code Word stores, without the F0xx
# private-use offset): what respondents tick.
SYMBOLS = {
    "wingdings": {0x6F: "□", 0x70: "□", 0x71: "□", 0x72: "□", 0xA8: "□", 0x6E: "■", 0x6C: "●",
                  0xA1: "○", 0xA4: "◎", 0xFE: "☑", 0xFD: "☒"},
    "wingdings 2": {0xA3: "□", 0x2A: "□", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0x99: "○"},
}  # fmt: skip
BULLET_BOXES = "□☐▢❏❑❒○◯"  # a list bulleted with these lists options; ● and • are bullets
DECIMAL = {"decimal", "decimalZero", "decimalHalfWidth", "decimalFullWidth"}
CHINESE = "零一二三四五六七八九"
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
         (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


class WordImportError(Refusal):
    """A file that is not a readable .docx, or larger than any questionnaire."""


@dataclass(frozen=True)
class WordText:
    text: str
    warnings: list[str]


def read_questionnaire(data: bytes) -> WordText:
    """The questionnaire in a .docx as 文本导入 text, and warnings about what was left out."""
    document = _open(data)
    try:
        body = document.element.body
        paragraphs = sum(1 for _p in body.iter(f"{W}p"))
        if paragraphs > MAX_PARAGRAPHS:
            raise WordImportError(
                _("Word 文件过长：最多 %(n)s 段，请分成几份导入", n=f"{MAX_PARAGRAPHS:,}")
            )
        reader = _Reader(document)
        lines = list(reader.lines(body))
    except (AttributeError, TypeError):  # parts that are XML but not Word's (no body, no styles)
        raise WordImportError(_("Word 文件已损坏，无法读取")) from None
    text = "\n".join(lines)
    if len(text) > MAX_IMPORT_CHARS:
        raise WordImportError(
            _("内容过长：最多 %(n)s 个字符，请分成几份导入", n=f"{MAX_IMPORT_CHARS:,}")
        )
    warnings = []
    if reader.unknown_symbols:
        warnings.append(
            _("文档中有 %(n)s 个符号字体的字符无法识别，未导入", n=reader.unknown_symbols)
        )
    if reader.text_boxes:
        warnings.append(_("文档中有 %(n)s 个文本框，其中的内容未导入", n=reader.text_boxes))
    return WordText(text, warnings)


def _open(data: bytes) -> Any:
    if len(data) > MAX_UPLOAD_BYTES:
        raise WordImportError(_("Word 文件超过 %(n)s MB", n=MAX_UPLOAD_BYTES // 1024 // 1024))
    not_word = _("不是 Word 文档（.docx）：旧版 .doc 请先在 Word 中另存为 .docx")
    try:
        archive = bounded_zip(data, max_unpacked=MAX_UNPACKED_BYTES, max_members=MAX_MEMBERS)
    except zipfile.BadZipFile:
        raise WordImportError(not_word) from None
    except ArchiveTooLarge:
        raise WordImportError(_("Word 文件解压后过大，无法读取")) from None
    with archive:
        try:
            body = archive.getinfo("word/document.xml")
        except KeyError:
            raise WordImportError(not_word) from None
    if body.file_size > MAX_DOCUMENT_BYTES:
        raise WordImportError(_("Word 文件的正文过大，请分成几份导入"))

    import docx  # imported here: only staff uploads need it

    try:
        return docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a damaged file
        raise WordImportError(_("Word 文件已损坏，无法读取")) from None


@dataclass
class _Level:
    format: str
    text: str
    start: int
    font: str


@dataclass
class _Numbering:
    """Word's automatic numbering (numbering.xml), counted as Word counts it."""

    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    levels: dict[tuple[str, int], _Level] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return numbering
        for abstract in root.iterchildren(f"{W}abstractNum"):
            key = abstract.get(f"{W}abstractNumId")
            for level in abstract.iterchildren(f"{W}lvl"):
                numbering.levels[(key, _integer(level.get(f"{W}ilvl")))] = _Level(
                    format=_value(level, "numFmt") or "decimal",
                    text=_value(level, "lvlText") or "",
                    start=_integer(_value(level, "start"), 1),
                    font=_font(level),
                )
        for num in root.iterchildren(f"{W}num"):
            starts = {
                _integer(override.get(f"{W}ilvl")): _integer(start, 1)
                for override in num.iterchildren(f"{W}lvlOverride")
                if (start := _value(override, "startOverride"))
            }
            numbering.nums[num.get(f"{W}numId")] = (_value(num, "abstractNumId") or "", starts)
        return numbering

    def label(self, num_id: str, level: int) -> str:
        """The number Word shows before the paragraph ("1、", "A.", "一、"), or a box for a list
        bulleted with boxes; "" for other bullets and for an option numbered like a question
        one level down (1. with (1) under it)."""
        if num_id not in self.nums:
            return ""
        abstract, starts = self.nums[num_id]
        key = num_id if starts else abstract
        counters = self.counters.setdefault(key, {})
        own = self.levels.get((abstract, level))
        if own is None:
            return ""
        counters[level] = counters.get(level, starts.get(level, own.start) - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        if own.format == "bullet":
            drawn = [_symbol(own.font, ord(c)) or c for c in own.text]
            return next((c for c in drawn if c in BULLET_BOXES), "")
        if own.format == "none":
            return ""
        if own.format in DECIMAL and any(
            (lvl := self.levels.get((abstract, shallower))) is not None and lvl.format in DECIMAL
            for shallower in range(level)
        ):
            return ""
        label = own.text
        for index in range(9, -1, -1):
            if f"%{index + 1}" in label:
                shown = self.levels.get((abstract, index))
                count = counters.get(index, shown.start if shown else 1)
                label = label.replace(
                    f"%{index + 1}", _formatted(count, shown.format if shown else "decimal")
                )
        return label


def _integer(text: str | None, default: int = 0, base: int = 10) -> int:
    """A number Word wrote, or ``default`` for one that is missing or not a number; at most
    a few digits (a start of 10**4300 would cost time to read)."""
    try:
        return int(text, base) if text and len(text) <= 6 else default
    except ValueError:
        return default


def _value(element: Any, name: str) -> str | None:
    child = element.find(f"{W}{name}")
    return child.get(f"{W}val") if child is not None else None


def _font(element: Any) -> str:
    fonts = element.find(f"{W}rPr/{W}rFonts")
    if fonts is None:
        return ""
    return (fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or fonts.get(f"{W}cs") or "").lower()


def _formatted(count: int, fmt: str) -> str:
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (count - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(count)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt.startswith(("chinese", "ideograph", "japanese", "taiwanese")):
        return _chinese(count)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= count <= 20:
        return chr(0x2460 + count - 1)
    return str(count)


def _roman(count: int) -> str:
    written = ""
    for value, numeral in ROMAN:
        while count >= value:
            written, count = written + numeral, count - value
    return written


def _chinese(count: int) -> str:
    if count < 10:
        return CHINESE[count]
    if count < 100:
        tens, ones = divmod(count, 10)
        return ("" if tens == 1 else CHINESE[tens]) + "十" + (CHINESE[ones] if ones else "")
    return str(count)


def _symbol(font: str, code: int) -> str:
    """The box a symbol-font character draws, or ""."""
    table = SYMBOLS.get(font)
    if table is None:
        return ""
    return table.get(code - 0xF000 if code >= 0xF000 else code, "")


class _Reader:
    def __init__(self, document: Any) -> None:
        self.numbering = _Numbering.of(document)
        self.styles: dict[str, Any] = {}
        for style in document.styles:
            if getattr(style, "style_id", None):
                self.styles[style.style_id] = style
        self.numbered_styles: dict[str, Any] = {}
        self.titled = False  # the first line, the title, is written as it is
        self.unknown_symbols = 0
        self.text_boxes = 0
        self.cells = 0

    def lines(self, parent: Any) -> Iterator[str]:
        for child in parent.iterchildren():
            if child.tag == f"{W}p":
                yield from self.paragraph(child)
            elif child.tag == f"{W}tbl":
                yield from self.table(child)
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from self.lines(content)
            elif child.tag in (f"{W}customXml", f"{W}ins", f"{W}moveTo"):
                yield from self.lines(child)

    def paragraph(self, paragraph: Any) -> Iterator[str]:
        self.text_boxes += sum(1 for _t in paragraph.iter(f"{W}txbxContent"))
        text = self.text(paragraph).rstrip()
        prefix = self.number(paragraph)
        if prefix and text.strip():
            text = prefix + text.lstrip() if prefix in BOXES else f"{prefix} {text.lstrip()}"
        if text.strip() and self.heading(paragraph) and self.titled:
            first = text.strip()
            if not (QUESTION_LINE.match(first) or SECTION.match(first)):
                text = f"## {first}"
        self.titled = self.titled or bool(text.strip())
        for line in text.split("\n"):
            if line.strip():
                yield line

    def style(self, paragraph: Any) -> str:
        properties = paragraph.find(f"{W}pPr")
        return (_value(properties, "pStyle") or "") if properties is not None else ""

    def style_numbering(self, style_id: str) -> Any:
        """A style's numbering, through the styles it is based on (once per style)."""
        if style_id not in self.numbered_styles:
            style, numbering = self.styles.get(style_id), None
            for _depth in range(10):
                if style is None:
                    break
                numbering = style.element.find(f"{W}pPr/{W}numPr")
                if numbering is not None:
                    break
                style = style.base_style
            self.numbered_styles[style_id] = numbering
        return self.numbered_styles[style_id]

    def number(self, paragraph: Any) -> str:
        numbering = paragraph.find(f"{W}pPr/{W}numPr")
        if numbering is None:
            numbering = self.style_numbering(self.style(paragraph))
        if numbering is None:
            return ""
        num_id = _value(numbering, "numId")
        if not num_id or num_id == "0":
            return ""
        return self.numbering.label(num_id, min(_integer(_value(numbering, "ilvl")), 8))

    def heading(self, paragraph: Any) -> bool:
        name = (getattr(self.styles.get(self.style(paragraph)), "name", "") or "").lower()
        return name.startswith(("heading", "标题", "title"))

    def text(self, element: Any) -> str:
        parts: list[str] = []
        self.walk(element, parts, "")
        return "".join(parts)

    def walk(self, element: Any, parts: list[str], font: str) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIPPED:
                continue
            if tag == f"{W}r":
                self.run(child, parts)
            elif tag == f"{W}t":
                self.characters(child.text or "", font, parts)
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}sym":
                code = _integer(child.get(f"{W}char"), base=16)
                box = _symbol((child.get(f"{W}font") or "").lower(), code)
                self.unknown_symbols += not box
                parts.append(box)
            elif tag == f"{W}fldChar":
                if child.find(f"{W}ffData/{W}checkBox") is not None:
                    parts.append("□")  # an old check-box form field
            elif tag == f"{W}sdt":
                checkbox = child.find(f"{W}sdtPr/{W14}checkbox")
                if checkbox is not None:
                    parts.append("☑" if _checked(checkbox) else "□")
                else:
                    content = child.find(f"{W}sdtContent")
                    self.walk(child if content is None else content, parts, font)
            else:
                self.walk(child, parts, font)

    def run(self, run: Any, parts: list[str]) -> None:
        properties = run.find(f"{W}rPr")
        font = _font(run) if properties is not None else ""
        text = "".join(t.text or "" for t in run.iterchildren(f"{W}t"))
        underline = properties.find(f"{W}u") if properties is not None else None
        if (
            underline is not None
            and underline.get(f"{W}val", "single") != "none"
            and len(text) >= 2
            and not text.strip()
        ):
            parts.append("____")  # a blank drawn as underlined spaces
            return
        self.walk(run, parts, font)

    def characters(self, text: str, font: str, parts: list[str]) -> None:
        if font not in SYMBOLS and not any(0xF000 <= ord(c) <= 0xF0FF for c in text):
            parts.append(text)
            return
        for char in text:
            code = ord(char)
            if font in SYMBOLS or 0xF000 <= code <= 0xF0FF:
                box = _symbol(font if font in SYMBOLS else "wingdings", code)
                self.unknown_symbols += not box and not char.isspace()
                parts.append(box or (char if char.isspace() else ""))
            else:
                parts.append(char)

    def table(self, table: Any) -> Iterator[str]:
        rows = []
        for row in table.iter(f"{W}tr"):
            if next(row.iterancestors(f"{W}tbl")) is not table:
                continue  # a nested table's rows are read as their cell's text
            cells = []
            for cell in row.iterchildren(f"{W}tc"):
                self.cells += 1
                if self.cells > MAX_CELLS:
                    raise WordImportError(
                        _("Word 文件的表格过大：最多 %(n)s 个单元格", n=f"{MAX_CELLS:,}")
                    )
                texts = (self.text(p) for p in cell.iter(f"{W}p"))
                cells.append(" ".join(" ".join(t.split()) for t in texts if t.strip()))
            rows.append(cells)
        matrix = _matrix(rows)
        if matrix is not None:
            yield from matrix
            return
        for cells in rows:
            for index, cell in enumerate(cells):
                if _is_blank(cell):
                    continue
                following = cells[index + 1] if index + 1 < len(cells) else None
                if following is not None and _is_blank(following) and not _has_box(cell):
                    yield f"{cell.rstrip('：:')}：____"
                else:
                    yield cell


def _checked(checkbox: Any) -> bool:
    checked = checkbox.find(f"{W14}checked")
    return checked is not None and checked.get(f"{W14}val") in ("1", "true")


def _is_blank(cell: str) -> bool:
    return not cell.strip(" _＿")


def _has_box(cell: str) -> bool:
    return any(box in cell for box in BOXES)


def _box_only(cell: str) -> bool:
    return bool(cell) and not cell.strip(BOXES + " ")


def _matrix(rows: list[list[str]]) -> list[str] | None:
    """A matrix table as tab-separated lines (header, then a row of boxes per 小题), or None.
    Its first row names the columns, its first column the rows; the other cells hold boxes or
    nothing, and where some hold boxes, only the columns with boxes are choices."""
    if len(rows) < 2:
        return None
    header, body = rows[0], rows[1:]
    width = len(header)
    if width < 3 or not all(header[1:]) or _has_box("".join(header)):
        return None
    for row in body:
        if len(row) != width or not row[0] or _has_box(row[0]):
            return None
        if any(cell and not _box_only(cell) for cell in row[1:]):
            return None
    boxed = [j for j in range(1, width) if any(_box_only(row[j]) for row in body)]
    choices = boxed or list(range(1, width))
    if len(choices) < 2:
        return None
    lines = ["\t".join([header[0], *(header[j] for j in choices)])]
    lines += ["\t".join([row[0], *("□" for _j in choices)]) for row in body]
    return lines
