"""Invitations of enterprises: the uploaded list (CSV or XLSX) read and checked row by row, one
answer link per enterprise, who has answered and the 回收率, and the link exports.

An invitation is answered when a response carries its id; ``response.invitation_id`` is unique,
so the database itself keeps one response per invitation however many posts race for it.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.core import audit, identifiers, spreadsheet
from survey.core.archives import ArchiveTooLarge, bounded_zip
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.numbers import format_ratio
from survey.core.timeutil import format_local
from survey.surveys.models import Invitation, Response, Survey

TOKEN_BYTES = 16  # 128 random bits
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
MAX_ROWS = 5000
# What reading a list's spreadsheet may cost: rows read (empty ones count: Excel keeps rows
# that were only formatted), cells of each row, and bytes once unzipped.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 50
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
# The list's columns under the names offices give them; the first of each is the official one.
COLUMNS = {
    "enterprise": ("企业名称", "单位名称", "公司名称", "企业"),
    "contact": ("联系人", "联系人姓名", "姓名"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "电话"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
}
REQUIRED_COLUMNS = ("enterprise", "contact", "phone")
LIMITS = {"enterprise": 200, "contact": 100}
# The template's sample row starts so; the import skips such a row, kept or not.
SAMPLE_MARK = "示例："
SAMPLE = (SAMPLE_MARK + "招远市某某贸易有限公司", "王经理", "13800138000", "91350100M000100Y43")


@dataclass
class Row:
    """One enterprise of an uploaded list; ``number`` is its row as the spreadsheet shows it."""

    number: int
    enterprise: str
    contact: str
    phone: str
    credit_code: str = ""


@dataclass
class RowProblem:
    row: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("第 %(n)s 行：%(problem)s", n=self.row, problem=self.message)
        return self.message


class ListError(Refusal):
    """The list cannot be imported; ``problems`` names every bad row and why."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(problems=problems)


def read_list(filename: str, data: bytes) -> list[Row]:
    """The enterprises of an uploaded list: XLSX, or CSV in UTF-8 (with or without BOM) or GBK
    (as Excel saves it on a Chinese Windows). Raises ``ListError`` with every problem at once."""
    if filename.lower().endswith(".xls") and not data.startswith(b"PK"):
        raise _whole_file(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV"))
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    else:
        table = _csv_rows(data)
    return _check(table)


def _whole_file(message: str) -> ListError:
    return ListError([RowProblem(None, message)])


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # a superset of GBK
        except UnicodeDecodeError:
            raise _whole_file(_("无法识别文件编码，请保存为 UTF-8 或 GBK 的 CSV")) from None
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    """The first sheet's rows, read as a stream that stops at the bounds: an upload of a few
    hundred kilobytes can declare millions of (empty) rows."""
    unreadable = _whole_file(_("无法读取 Excel 文件，请确认它是 .xlsx 格式"))
    too_many = _whole_file(_("一次最多导入 %(n)s 家企业", n=MAX_ROWS))
    try:
        with bounded_zip(data, max_unpacked=MAX_XLSX_UNPACKED) as archive:
            # Counted first: without a <dimension>, openpyxl reads a whole sheet to size it.
            sheets = [m for m in archive.namelist() if SHEET_MEMBER.fullmatch(m)]
            if max((_row_count(archive, sheet) for sheet in sheets), default=0) > MAX_SHEET_ROWS:
                raise too_many
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise unreadable from None
    except ArchiveTooLarge:
        raise _whole_file(_("Excel 文件解压后过大：名单最多 %(n)s 家企业", n=MAX_ROWS)) from None
    rows: list[list[Any]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(list(row))
        finally:
            workbook.close()
    except ListError:
        raise
    except Exception:  # openpyxl and its XML parser raise many kinds for a damaged file
        raise unreadable from None
    return rows


def _row_count(archive: zipfile.ZipFile, member: str, chunk: int = 1 << 20) -> int:
    """The <row> elements of a sheet's XML, counted in chunks as it is unzipped."""
    count, tail = 0, b""
    with archive.open(member) as source:
        while block := source.read(chunk):
            text = tail + block
            count += len(ROW_TAG.findall(text))
            # The last bytes may hold the start of a tag, counted with the next block.
            tail = text[-16:]
            count -= len(ROW_TAG.findall(tail))
    return count + len(ROW_TAG.findall(tail))


def _cell(value: Any) -> str:
    """A cell as text; Excel keeps a phone number as a number (13800138000.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _column_name(value: Any) -> str:
    return re.sub(r"[\s*＊()（）]|必填", "", _cell(value))


def _check(table: list[list[Any]]) -> list[Row]:
    numbered = [(n, [_cell(v) for v in row]) for n, row in enumerate(table, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        raise _whole_file(_("文件是空的"))
    header_row, header = numbered[0]
    positions: dict[str, int] = {}
    for index, name in enumerate(_column_name(v) for v in header):
        for key, names in COLUMNS.items():
            if name in names and key not in positions:
                positions[key] = index
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        message = _(
            "缺少列：%(columns)s（第一行应为列名：企业名称、联系人、手机，可选统一社会信用代码）",
            columns="、".join(missing),
        )
        raise ListError([RowProblem(header_row, message)])
    enterprise = positions["enterprise"]
    body = [
        (number, cells)
        for number, cells in numbered[1:]
        if not (len(cells) > enterprise and cells[enterprise].startswith(SAMPLE_MARK))
    ]
    if not body:
        raise _whole_file(_("名单中没有企业"))
    if len(body) > MAX_ROWS:
        raise _whole_file(_("一次最多导入 %(n)s 家企业", n=MAX_ROWS))

    rows: list[Row] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}  # credit code or name -> first row
    for number, cells in body:
        values = {key: cells[i] if i < len(cells) else "" for key, i in positions.items()}
        row = Row(
            number,
            values["enterprise"],
            values["contact"],
            identifiers.normal_mobile(values["phone"]),
            identifiers.normal_credit_code(values.get("credit_code", "")),
        )
        reasons = _row_problems(row)
        for key in _identities(row):
            if key in seen:
                reasons.append(_("与第 %(n)s 行重复", n=seen[key]))
                break
        for key in _identities(row):
            seen.setdefault(key, number)
        problems.extend(RowProblem(number, reason) for reason in reasons)
        rows.append(row)
    if problems:
        raise ListError(problems)
    return rows


def _row_problems(row: Row) -> list[str]:
    reasons = []
    if not row.enterprise:
        reasons.append(_("企业名称为空"))
    elif len(row.enterprise) > LIMITS["enterprise"]:
        reasons.append(_("企业名称最多 %(n)s 个字", n=LIMITS["enterprise"]))
    if not row.contact:
        reasons.append(_("联系人为空"))
    elif len(row.contact) > LIMITS["contact"]:
        reasons.append(_("联系人最多 %(n)s 个字", n=LIMITS["contact"]))
    if not row.phone:
        reasons.append(_("手机为空"))
    elif not identifiers.is_mobile(row.phone):
        reasons.append(_("手机号码“%(phone)s”应为 11 位手机号", phone=row.phone))
    if row.credit_code and not identifiers.is_credit_code(row.credit_code):
        reasons.append(_("统一社会信用代码“%(code)s”不正确", code=row.credit_code))
    return reasons


def _identities(row: Row) -> list[str]:
    """What makes two rows the same enterprise: the credit code, or else the name."""
    keys = [f"name:{row.enterprise}"] if row.enterprise else []
    return [f"code:{row.credit_code}", *keys] if row.credit_code else keys


def template_xlsx() -> bytes:
    """An enterprise list to fill in, as the import reads it: the columns (each explained in a
    comment), a sample row the import skips, phone and credit code as text (Excel would turn
    13800138000 into 1.38E+10), and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = _("企业名单")
    notes = [
        (
            COLUMNS["enterprise"][0] + "（必填）",
            _("必填。企业全称，最多 %(n)s 字。", n=LIMITS["enterprise"]),
        ),
        (COLUMNS["contact"][0] + "（必填）", _("必填。接收邀请的联系人姓名。")),
        (COLUMNS["phone"][0] + "（必填）", _("必填。11 位手机号码，用于发送专属链接。")),
        (COLUMNS["credit_code"][0], _("选填。18 位统一社会信用代码；填写后按它识别同一企业。")),
    ]
    for column, (name, note) in enumerate(notes, start=1):
        header = sheet.cell(row=1, column=column, value=name)
        header.font = Font(bold=True)
        header.comment = Comment(note, "survey")
        sheet.column_dimensions[get_column_letter(column)].width = 24 if column < 4 else 30
    for column, value in enumerate(SAMPLE, start=1):
        sheet.cell(row=2, column=column, value=value).font = Font(italic=True, color="808080")
    for letter in ("C", "D"):
        sheet.column_dimensions[letter].number_format = "@"  # what is typed in stays text
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("填写说明"))
    guide.append([_("列名"), _("说明")])
    for name, note in notes:
        guide.append([name, note])
    for line in (
        _("只导入第一个工作表；第一行为列名，请勿修改。"),
        _("第 2 行是示例（以“%(mark)s”开头），导入时自动跳过，可保留或删除。", mark=SAMPLE_MARK),
        _("每家企业一行，一次最多 %(n)s 家；已在名单中的企业会跳过。", n=MAX_ROWS),
    ):
        guide.append(["", line])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Imported:
    added: int
    skipped: list[RowProblem] = field(default_factory=list)  # already invited


def import_list(session: Session, survey: Survey, actor: User | None, rows: list[Row]) -> Imported:
    """Invite the enterprises of a checked list, each with a new link; enterprises already
    invited to this survey are skipped and reported. Audited; the caller commits."""
    existing: set[str] = set()
    for name, code in session.execute(
        select(Invitation.enterprise, Invitation.credit_code).where(
            Invitation.survey_id == survey.id
        )
    ):
        existing |= set(_identities(Row(0, name, "", "", code)))
    result = Imported(0)
    for row in rows:
        if existing & set(_identities(row)):
            skipped = _("%(name)s 已在邀请名单中，跳过", name=row.enterprise)
            result.skipped.append(RowProblem(row.number, skipped))
            continue
        session.add(
            Invitation(
                survey_id=survey.id,
                token=secrets.token_urlsafe(TOKEN_BYTES),
                enterprise=row.enterprise,
                contact=row.contact,
                phone=row.phone,
                credit_code=row.credit_code,
            )
        )
        result.added += 1
    skipped = len(result.skipped)
    audit.record(session, actor, "invitations.import", survey, added=result.added, skipped=skipped)
    return result


def set_required(session: Session, survey: Survey, actor: User, required: bool) -> None:
    """Only invited enterprises may answer (True), or anyone with the public link; audited."""
    if survey.requires_invitation != required:
        changes = {"requires_invitation": [survey.requires_invitation, required]}
        survey.requires_invitation = required
        survey.once_per = ""  # 仅限邀请链接 is the survey's 防重复 policy: one at a time
        audit.record(session, actor, "invitations.require", survey, changes=changes)


@dataclass(frozen=True)
class Found:
    """An invitation as the answer page needs it."""

    id: int
    enterprise: str
    answered_at: datetime | None


def find(session: Session, survey_id: int, token: str) -> Found | None:
    """The invitation of ``survey_id`` with this token, and when it was answered, if it was."""
    if not TOKEN_PATTERN.match(token):
        return None
    row = session.execute(
        select(Invitation.id, Invitation.enterprise, Response.submitted_at)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.token == token, Invitation.survey_id == survey_id)
    ).first()
    return Found(*row) if row else None


@dataclass
class Entry:
    invitation: Invitation
    response_id: int | None
    answered_at: datetime | None


def entries(session: Session, survey: Survey, status: str = "") -> list[Entry]:
    """The invited enterprises in the order they were invited; ``status`` "answered" or
    "pending" keeps only those."""
    statement = (
        select(Invitation, Response.id, Response.submitted_at)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey.id)
        .order_by(Invitation.id)
    )
    if status == "answered":
        statement = statement.where(Response.id.is_not(None))
    elif status == "pending":
        statement = statement.where(Response.id.is_(None))
    return [Entry(*row) for row in session.execute(statement)]


@dataclass(frozen=True)
class Rate:
    invited: int
    answered: int

    @property
    def text(self) -> str:
        """回收率 = answered / invited, in the 比例 style (33.33%)."""
        return format_ratio(self.answered, self.invited)


def rate(session: Session, survey: Survey) -> Rate:
    invited, answered = session.execute(
        select(func.count(Invitation.id), func.count(Response.id))
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey.id)
    ).one()
    return Rate(invited, answered)


LINK_HEADER = ["企业名称", "联系人", "手机", "统一社会信用代码", "填写链接", "状态", "提交时间"]


def link_rows(
    session: Session, survey: Survey, base_url: str, zone: ZoneInfo, status: str = ""
) -> Iterator[list[str]]:
    """One row per invited enterprise with its own link (``base_url`` is the survey's public
    address), for mail-merge and SMS."""
    for entry in entries(session, survey, status):
        invitation = entry.invitation
        yield [
            invitation.enterprise,
            invitation.contact,
            invitation.phone,
            invitation.credit_code,
            f"{base_url}?t={invitation.token}",
            "已填写" if entry.response_id else "未填写",
            format_local(entry.answered_at, zone),
        ]


def links_csv(rows: Iterator[list[str]]) -> str:
    """CSV with a BOM, so that Excel reads the Chinese right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(LINK_HEADER)
    writer.writerows(spreadsheet.row(row) for row in rows)
    return buffer.getvalue()


def write_links_xlsx(rows: Iterator[list[str]], path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("邀请链接")
    sheet.append(LINK_HEADER)
    for row in rows:
        sheet.append(spreadsheet.row(row))
    workbook.save(path)
