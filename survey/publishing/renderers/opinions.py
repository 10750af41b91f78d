"""The 意见采纳情况 as text (tab-separated tables under the notice's headings) and as XLSX. The
opinions are the public's own words: a cell never becomes a formula, and characters a
spreadsheet cannot hold are left out."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from survey.core import spreadsheet
from survey.publishing.documents import OpinionFeedback, dump

COLUMNS = ["序号", "条款", "意见内容", "处理结果", "理由"]


def basic_facts(document: OpinionFeedback) -> list[str]:
    """一、基本情况 as sentences."""
    lines = [f"征集时间：{document.window}", f"征集渠道：{'、'.join(document.channels)}"]
    lines.append(f"共收到意见 {document.opinions} 条，来自 {document.submitters} 人/单位。")
    return lines


def _cell(text: str) -> str:
    return " ".join(text.split())


def render(document: OpinionFeedback) -> str:
    lines = [document.feedback_title]
    if document.issuer:
        lines.append(f"发布单位：{document.issuer}")
    lines += ["", "一、基本情况", *basic_facts(document), "", "二、采纳情况"]
    lines.append(f"{document.outcome_sentence}。" if document.outcomes else "")
    for section in document.sections:
        lines.append("")
        if section.heading:
            lines.append(section.heading)
        lines.append("\t".join(COLUMNS))
        for row in section.rows:
            cells = [str(row.number), row.clause, row.opinion, row.outcome, row.reason]
            lines.append("\t".join(_cell(cell) for cell in cells))
    return "\n".join(lines) + "\n"


def export(document: OpinionFeedback, fmt: str) -> bytes:
    """The document as the file of ``fmt``: "text", "json" or "xlsx"."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(document, buffer)
        return buffer.getvalue()
    if fmt == "json":
        return (json.dumps(dump(document), ensure_ascii=False, indent=2) + "\n").encode()
    return render(document).encode()


def write_xlsx(document: OpinionFeedback, target: str | IO[bytes]) -> None:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "意见采纳情况"
    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)

    def append(values: Sequence[str | int]) -> None:
        sheet.append(spreadsheet.row(list(values)))

    append([document.feedback_title])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in [f"发布单位：{document.issuer}", *basic_facts(document)]:
        append([line])
    append([f"{document.outcome_sentence}。"])
    for section in document.sections:
        append([])
        if section.heading:
            append([section.heading])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        append(COLUMNS)
        start = sheet.max_row
        for row in section.rows:
            append([row.number, row.clause, row.opinion, row.outcome, row.reason])
        for ruled_row in sheet.iter_rows(min_row=start, max_row=sheet.max_row, max_col=5):
            for cell in ruled_row:
                cell.border = ruled
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[start]:
            cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (6, 12, 60, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(target)
