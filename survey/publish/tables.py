"""Result documents (survey.snapshot) as files: CSV (with a BOM for Excel), XLSX in the
annual-report layout, the open-data package (CSV + datapackage.json in a zip), and a PDF of the
printed page rendered by headless Chromium through Playwright."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from survey import charts
from survey.snapshot import Document

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
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]


def _rows(document: Document) -> list[list[Any]]:
    """One row per option of every table (fill-in answers are not aggregates); a two-way table
    gives one row per cell, 选项 naming its row and column, 小计 the cell as printed."""
    rows = []
    for item in document["questions"]:
        grid = item.get("grid")
        for grid_row in grid["rows"] if grid else []:
            for column, cell in zip(grid["columns"], grid_row["cells"], strict=False):
                option = f"{grid_row['label']}｜{column}"
                rows.append([item["number"], item["title"], item["label"], option, cell, "",
                             item["respondents"]])  # fmt: skip
        for row in item.get("rows", []):
            count = row["count"] if row["count"] is not None else row["shown"]
            rows.append([item["number"], item["title"], item["label"], row["label"], count,
                         row["ratio"], item["respondents"]])  # fmt: skip
    return rows


def to_csv(document: Document) -> str:
    """The tables as one long CSV, starting with a BOM so that Excel reads the Chinese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(_rows(document))
    return buffer.getvalue()


def write_xlsx(document: Document, path: Path) -> None:
    """The tables as the annual report prints them: a heading per question, 选项 | 小计 | 比例,
    and 本题有效填写人次, one under another."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "统计结果"
    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([document["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["有效答卷", document["responses"]])
    for item in document["questions"]:
        if "rows" not in item:
            continue
        sheet.append([])
        sheet.append([f"{item['number']} {item['title']} {item['label']}"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        start = sheet.max_row + 1
        grid = item.get("grid")
        if grid:
            sheet.append([grid["corner"], *grid["columns"]])
            for row in grid["rows"]:
                sheet.append([row["label"], *row["cells"]])
            sheet.append(["本题有效填写人次", item["respondents"]])
        else:
            sheet.append(["选项", "小计", "比例"])
            for row in item["rows"]:
                sheet.append([row["label"],
                              row["count"] if row["count"] is not None else row["shown"],
                              row["ratio"]])  # fmt: skip
            sheet.append(["本题有效填写人次", item["respondents"], None])
        width = 1 + len(grid["columns"]) if grid else 3
        for line in sheet.iter_rows(min_row=start, max_row=sheet.max_row, max_col=width):
            for cell in line:
                cell.border = ruled
                if cell.column > 1:
                    cell.alignment = Alignment(horizontal="right")
        for cell in sheet[start]:
            cell.font = Font(bold=True)
        for line in item.get("summary", []):
            sheet.append([f"{line['label']}：{line['value']}"])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 10
    workbook.save(path)


def open_data_zip(
    document: Document, slug: str, version: int, published_at: datetime, published: str
) -> bytes:
    """A Frictionless Data Package of the published aggregates: results.csv described by
    datapackage.json (title, 发布单位, dates, number of responses, licence, field schema)."""
    package = {
        "profile": "tabular-data-package",
        "name": f"{slug}-results-v{version}".lower(),
        "title": document["feedback_title"],
        "description": document["title"],
        "version": str(version),
        "created": published_at.replace(microsecond=0).isoformat() + "Z",
        "contributors": [{"title": document["issuer"], "role": "publisher"}],
        "issuer": document["issuer"],
        "published": published,
        "collection_period": document["window"],
        "responses": document["responses"],
        "min_cell_size": document["min_cell_size"],
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


def printable_html(document: Document, published_at: datetime) -> str:
    """The 结果反馈 page as one self-contained HTML file: styles, Plotly and the chart script
    inline, so Chromium needs no server to print it."""
    static = Path(current_app.static_folder or "")
    figures = {
        item["number"]: charts.document_figure(item)
        for item in document["questions"]
        if "rows" in item and not item["withheld"]
    }
    return render_template(
        "print/results.html",
        document=document,
        published_at=published_at,
        figures=figures,
        styles=[(static / "css" / name).read_text("utf-8") for name in ("site.css", "print.css")],
        scripts=[
            charts.PLOTLY_JS.read_text("utf-8"),
            (static / "js" / "charts.js").read_text("utf-8"),
        ],
    )


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained page (scripts and styles inline) to A4 in headless Chromium.

    Run in a thread of its own: Playwright's sync API refuses a thread with an event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html).result()


def _print(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            # charts.js marks the page once Plotly has drawn every chart.
            page.wait_for_function("document.body.dataset.charts === 'drawn'", timeout=20_000)
            page.emulate_media(media="print")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
