"""The text of a Word draft (.docx), read with python-docx after checking that the file is what
it claims and that unpacking it costs a bounded amount of memory (a .docx is a zip: a small
upload can inflate to gigabytes)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from survey.core.archives import ArchiveTooLarge, bounded_zip
from survey.core.errors import Refusal
from survey.core.i18n import _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_MEMBERS = 2_000


class WordFileError(Refusal):
    """A file that is not a readable .docx, or too large to read."""


@dataclass(frozen=True)
class WordText:
    text: str
    warnings: list[str]


def read_docx(data: bytes) -> WordText:
    """The paragraphs of a .docx as lines of text, in order."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise WordFileError(_("Word 文件超过 %(n)s MB", n=MAX_UPLOAD_BYTES // 1024 // 1024))
    try:
        archive = bounded_zip(data, max_unpacked=MAX_UNPACKED_BYTES, max_members=MAX_MEMBERS)
    except zipfile.BadZipFile:
        raise WordFileError(
            _("不是 Word 文档（.docx）：旧版 .doc 请先在 Word 中另存为 .docx")
        ) from None
    except ArchiveTooLarge:
        raise WordFileError(_("Word 文件解压后过大，无法读取")) from None
    with archive:
        is_word = "word/document.xml" in archive.namelist()
    if not is_word:
        raise WordFileError(_("不是 Word 文档（.docx）：旧版 .doc 请先在 Word 中另存为 .docx"))

    import docx  # imported here: only staff uploads need it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a damaged file
        raise WordFileError(_("Word 文件已损坏，无法读取")) from None
    warnings = []
    if document.tables:
        warnings.append(
            _(
                "文档中有 %(n)s 个表格，表格内容未导入，请把需要征求意见的内容写在正文中",
                n=len(document.tables),
            )
        )
    lines = [paragraph.text for paragraph in document.paragraphs]
    # Word's automatic numbering lives in numbering.xml, not in the text: 第一条 typed by Word
    # itself would be lost without a word.
    numbered = sum(1 for p in document.paragraphs if p._p.xpath("./w:pPr/w:numPr"))
    if numbered:
        warnings.append(
            _(
                "文档有 %(n)s 段使用了 Word 自动编号，编号未导入："
                "请在 Word 中把编号转换为文本后重新上传",
                n=numbered,
            )
        )
    return WordText("\n".join(lines), warnings)
