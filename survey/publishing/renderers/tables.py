"""Result documents as files: CSV (with a BOM for Excel), XLSX in the annual-report layout, and
the open-data package (CSV + datapackage.json in a zip)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, Side

from survey.core import spreadsheet
from survey.publishing.documents import ResultFeedback

CSV_HEADER = ["题号", "题目", "题型", "选项", "小计", "比例", "本题有效填写人次"]
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
SCHEMA_FIELDS = [
    {"name": "题号", "type": "integer"},
    {"name": "题目", "type": "string"},
    {"name": "题型", "type": "string"},
    {"name": "选项", "type": "string"},
    {
        "name": "小计",
        "type": "string",
        "description": "人次；少于最小单元数 k 的显示为 <k，为防推算而隐去的显示为 —",
    },
    {"name": "比例", "type": "string", "description": "小计 / 本题有效填写人次"},
    {"name": "本题有效填写人次", "type": "integer"},
]


def _rows(document: ResultFeedback) -> list[list[Any]]:
    """One row per option of every table (fill-in answers are not aggregates); a two-way table
    gives one row per cell, 选项 naming its row and column, 小计 the cell as printed."""
    rows: list[list[Any]] = []
    for item in document.tables:
        head = [item.number, item.title, item.label]
        grid = item.grid
        for grid_row in grid.rows if grid else []:
            for column, cell in zip(grid.columns if grid else [], grid_row.cells, strict=False):
                rows.append([*head, f"{grid_row.label}｜{column}", cell, "", item.respondents])
        for row in item.rows or ():
            count = row.count if row.count is not None else row.shown
            rows.append([*head, row.label, count, row.ratio, item.respondents])
    return rows


def to_csv(document: ResultFeedback) -> str:
    """The tables as one long CSV, starting with a BOM so that Excel reads the Chinese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(spreadsheet.row(row) for row in _rows(document))
    return buffer.getvalue()


PRINTED_PERCENTAGE = re.compile(r"(\d+)(?:\.(\d+))?%")


def _as_percentage(cell: Cell | MergedCell) -> None:
    """A 比例 as printed ("33.33%") made a number that Excel shows the same way (0.3333 in the
    format 0.00%), so the sheet can sum and chart it; a withheld one ("—") stays as it is."""
    printed = PRINTED_PERCENTAGE.fullmatch(str(cell.value))
    if printed is None:
        return
    decimals = len(printed.group(2) or "")
    cell.value = float(Decimal(printed.group(0)[:-1]) / 100)
    cell.number_format = "0." + "0" * decimals + "%" if decimals else "0%"


def write_xlsx(document: ResultFeedback, path: Path) -> None:
    """The tables as the annual report prints them: a heading per question, 选项 | 小计 | 比例,
    and 本题有效填写人次, one under another."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "统计结果"
    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)

    def append(values: list[Any]) -> None:
        sheet.append(spreadsheet.row(values))

    append([document.title])
    sheet["A1"].font = Font(bold=True, size=14)
    append(["有效答卷", document.responses])
    for item in document.tables:
        append([])
        append([f"{item.number} {item.title} {item.label}"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        start = sheet.max_row + 1
        grid = item.grid
        if grid:
            append([grid.corner, *grid.columns])
            for grid_row in grid.rows:
                append([grid_row.label, *grid_row.cells])
            append(["本题有效填写人次", item.respondents])
        else:
            append(["选项", "小计", "比例"])
            for row in item.rows or ():
                count = row.count if row.count is not None else row.shown
                append([row.label, count, row.ratio])
                _as_percentage(sheet.cell(sheet.max_row, 3))
            append(["本题有效填写人次", item.respondents, None])
        width = 1 + len(grid.columns) if grid else 3
        for ruled_row in sheet.iter_rows(min_row=start, max_row=sheet.max_row, max_col=width):
            for cell in ruled_row:
                cell.border = ruled
                if (cell.column or 1) > 1:
                    cell.alignment = Alignment(horizontal="right")
        for cell in sheet[start]:
            cell.font = Font(bold=True)
        for summary_line in item.summary:
            append([str(summary_line)])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 10
    workbook.save(path)


def open_data_zip(
    document: ResultFeedback, slug: str, version: int, published_at: datetime, published: str
) -> bytes:
    """A Frictionless Data Package of the published aggregates: results.csv described by
    datapackage.json (title, 发布单位, dates, number of responses, licence, field schema)."""
    package = {
        "profile": "tabular-data-package",
        "name": f"{slug}-results-v{version}".lower(),
        "title": document.feedback_title,
        "description": document.title,
        "version": str(version),
        "created": published_at.replace(microsecond=0).isoformat() + "Z",
        "contributors": [{"title": document.issuer, "role": "publisher"}],
        "issuer": document.issuer,
        "published": published,
        "collection_period": document.window,
        "responses": document.responses,
        "min_cell_size": document.min_cell_size,
        "licenses": [LICENCE],
        "resources": [
            {
                "name": "results",
                "path": "results.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": SCHEMA_FIELDS},
            }
        ],
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        archive.writestr("results.csv", to_csv(document).encode("utf-8"))
    return buffer.getvalue()
