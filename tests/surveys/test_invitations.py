"""Invitations: the uploaded list, one response per link (also under concurrency), surveys that
require an invitation, the 回收率, the link exports, and the QR code of the survey link."""

from __future__ import annotations

import csv
import io
import re
import struct
import time
import tracemalloc
import zipfile
import zlib

import httpx
import pytest
import segno
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from survey.core.audit import AuditEvent
from survey.surveys import distribution, invitations
from survey.surveys.invitations import ListError, read_list
from survey.surveys.models import Invitation, Response
from tests.conftest import csrf_of
from tests.helpers import form_for, hidden_fields, plain, post_all_at_once, statements_run

HEADER = "企业名称,联系人,手机,统一社会信用代码\n"
GOOD = HEADER + (
    "招远市金海贸易有限公司,王经理,13800138000,91350100M000100Y43\n"
    "招远市宏达食品有限公司,李女士,139-0000-1111,\n"
)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reading the list --------------------------------------------------------------------------


def test_csv_with_bom_and_gbk_csv_read_alike(offline_app):
    with_bom = read_list("名单.csv", GOOD.encode("utf-8-sig"))
    gbk = read_list("名单.csv", GOOD.encode("gbk"))
    plain_utf8 = read_list("名单.csv", GOOD.encode("utf-8"))
    assert with_bom == gbk == plain_utf8
    assert [(r.number, r.enterprise, r.phone, r.credit_code) for r in gbk] == [
        (2, "招远市金海贸易有限公司", "13800138000", "91350100M000100Y43"),
        (3, "招远市宏达食品有限公司", "13900001111", ""),
    ]


def test_xlsx_list_with_numbers_as_excel_keeps_them(offline_app):
    data = xlsx_bytes(
        [["企业名称", "联系人", "手机号码"], ["招远市金海贸易有限公司", "王经理", 13800138000]]
    )
    rows = read_list("名单.xlsx", data)
    assert [(r.enterprise, r.contact, r.phone) for r in rows] == [
        ("招远市金海贸易有限公司", "王经理", "13800138000")
    ]


def test_bad_rows_are_reported_with_their_numbers_and_why(offline_app):
    text = HEADER + (
        "招远市金海贸易有限公司,王经理,13800138000,\n"
        ",张三,13800138001,\n"
        "招远市某公司,赵四,1234,91350100M000100Y44\n"
        "\n"
        "招远市金海贸易有限公司,钱五,13800138002,\n"
    )
    with pytest.raises(ListError) as caught:
        read_list("名单.csv", text.encode("utf-8"))
    assert [str(p) for p in caught.value.problems] == [
        "第 3 行：企业名称为空",
        "第 4 行：手机号码“1234”应为 11 位手机号",
        "第 4 行：统一社会信用代码“91350100M000100Y44”不正确",
        "第 6 行：与第 2 行重复",
    ]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("名单.csv", "企业,电话\n某公司,13800138000\n".encode(), "第 1 行：缺少列：联系人"),
        ("名单.csv", HEADER.encode(), "名单中没有企业"),
        ("名单.csv", b"", "文件是空的"),
        ("名单.xlsx", b"PK\x03\x04broken", "无法读取 Excel 文件"),
        ("名单.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls 文件"),
    ],
)
def test_unreadable_lists_say_why(offline_app, name, data, expected):
    with pytest.raises(ListError) as caught:
        read_list(name, data)
    assert str(caught.value.problems[0]).startswith(expected)


def rewritten(data: bytes, member: str, change) -> bytes:
    """An XLSX with one member's bytes changed, deflated as tightly as zip can."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            archive.writestr(info.filename, change(body) if info.filename == member else body)
    return buffer.getvalue()


def empty_rows(count: int):
    """A sheet with ``count`` empty rows after the list and no dimension to stop a reader."""

    def change(sheet: bytes) -> bytes:
        sheet = re.sub(rb"<dimension [^>]*/>", b"", sheet)
        return sheet.replace(b"</sheetData>", b"<row/>" * count + b"</sheetData>")

    return change


def entities(sheet: bytes) -> bytes:
    """Nine levels of entities, each ten of the level below, in place of a cell's text."""
    levels = b"".join(
        b'<!ENTITY e%d "%s">' % (n, (b"&e%d;" % (n - 1)) * 10 if n else b"lol") for n in range(10)
    )
    sheet = re.sub(rb"<t>[^<]*</t>", b"<t>&e9;</t>", sheet, count=1)
    return b'<?xml version="1.0"?><!DOCTYPE w [' + levels + b"]>" + sheet


LIST = [["企业名称", "联系人", "手机"], ["招远市金海贸易有限公司", "王经理", "13800138000"]]
SHEET = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # 60 MB of <row/> in about 60 KB: unzipping it is refused before a row is read.
        (empty_rows(10_000_000), "Excel 文件解压后过大：名单最多 5000 家企业"),
        # Under the unzipped bound, but more rows than a list: reading stops at the bound.
        (empty_rows(2_000_000), "一次最多导入 5000 家企业"),
        (entities, "无法读取 Excel 文件，请确认它是 .xlsx 格式"),
    ],
    ids=["zip-bomb", "row-bomb", "entity-bomb"],
)
def test_a_list_built_to_exhaust_the_server_is_refused_at_a_bounded_cost(
    offline_app, change, expected
):
    bomb = rewritten(xlsx_bytes(LIST), SHEET, change)
    assert len(bomb) < 512 * 1024  # within the upload limit
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ListError) as caught:
            read_list("名单.xlsx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [str(p) for p in caught.value.problems] == [expected]
    assert time.perf_counter() - started < 10 and peak < 100 * 1024 * 1024


def test_a_list_with_formatted_empty_rows_still_imports(offline_app):
    data = rewritten(xlsx_bytes(LIST), SHEET, empty_rows(3_000))
    assert [row.enterprise for row in read_list("名单.xlsx", data)] == ["招远市金海贸易有限公司"]


# Staff pages ---------------------------------------------------------------------------------


def upload(client, survey, name: str, data: bytes):
    url = f"/admin/surveys/{survey.id}/invitations"
    return client.post(
        url,
        data={"csrf_token": csrf_of(client, url), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def survey(make_survey):
    return make_survey(
        [
            {"id": "nature", "type": "single", "title": "企业性质", "required": True,
             "options": ["国企", "民企", "外企"]},
        ]
    )  # fmt: skip


def tokens(session, survey) -> dict[str, str]:
    rows = session.execute(
        select(Invitation.enterprise, Invitation.token).where(Invitation.survey_id == survey.id)
    )
    return dict(rows.all())


def test_upload_invites_every_enterprise_or_none(client, session, login, survey):
    login("editor")
    bad = GOOD + "招远市某公司,赵四,1234,\n"
    refused = upload(client, survey, "名单.csv", bad.encode("gbk"))
    assert refused.status_code == 422
    assert "第 4 行：手机号码“1234”应为 11 位手机号" in refused.get_data(as_text=True)
    assert tokens(session, survey) == {}  # nothing half-imported

    assert upload(client, survey, "名单.csv", GOOD.encode("utf-8-sig")).status_code == 302
    links = tokens(session, survey)
    assert set(links) == {"招远市金海贸易有限公司", "招远市宏达食品有限公司"}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t) for t in links.values())  # 128 bits

    # The same list again with one more enterprise: only that one is added, the rest reported.
    again = GOOD + "招远市新星电子有限公司,孙六,13700001234,\n"
    response = upload(client, survey, "名单.csv", again.encode())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已邀请 1 家企业" in page
    assert "第 2 行：招远市金海贸易有限公司 已在邀请名单中，跳过" in page
    assert len(tokens(session, survey)) == 3
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("invitations.import") == 2


def invite(session, survey, *names: str) -> dict[str, str]:
    rows = [invitations.Row(n, name, "联系人", f"1380013800{n}") for n, name in enumerate(names, 2)]
    invitations.import_list(session, survey, None, rows)
    session.commit()
    return tokens(session, survey)


def answer(client, survey, token: str | None, choice: str = "民企"):
    url = f"/s/{survey.slug}" + (f"?t={token}" if token else "")
    page = client.get(url)
    assert page.status_code == 200, plain(page.get_data(as_text=True))
    form = {**hidden_fields(page.get_data(as_text=True)), **form_for(survey, {"nature": choice})}
    return client.post(url, data=form)


def stored(session, survey) -> list[tuple]:
    return session.execute(
        select(Response.invitation_id).where(Response.survey_id == survey.id)
    ).all()


def test_an_invitation_link_answers_once(app, client, session, survey):
    links = invite(session, survey, "招远市金海贸易有限公司")
    token = links["招远市金海贸易有限公司"]
    page = client.get(f"/s/{survey.slug}?t={token}").get_data(as_text=True)
    assert "受邀企业：" in plain(page) and "招远市金海贸易有限公司" in page
    assert f'action="/s/{survey.slug}?t={token}"' in page

    first = answer(client, survey, token)
    assert first.status_code == 303
    invitation_id = session.scalar(select(Invitation.id).where(Invitation.token == token))
    assert stored(session, survey) == [(invitation_id,)]

    # A second form from the same link (another phone of the enterprise) is refused ...
    page = client.get(f"/s/{survey.slug}?t={token}")
    assert page.status_code == 200
    assert "该邀请链接已提交过问卷" in page.get_data(as_text=True)
    assert re.search(r"已于 \d{4}-\d\d-\d\d \d\d:\d\d 提交", page.get_data(as_text=True))
    fresh = client.get(f"/s/{survey.slug}?t={token}&again=1")
    assert "该邀请链接已提交过问卷" in fresh.get_data(as_text=True)
    # ... and so is a form opened before the first was sent.
    other = app.test_client()
    opened = other.get(f"/s/{survey.slug}")  # the public form, then posted to the link
    form = {**hidden_fields(opened.get_data(as_text=True)), **form_for(survey, {"nature": "国企"})}
    late = other.post(f"/s/{survey.slug}?t={token}", data=form)
    assert late.status_code == 409 and "该邀请链接已提交过问卷" in late.get_data(as_text=True)
    assert len(stored(session, survey)) == 1

    # The very form posted again (a double tap) lands on the thank-you page, stored once.
    page = app.test_client().get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "受邀企业" not in page  # the public link stays open


def test_double_tap_on_an_invitation_form_is_stored_once(client, session, survey):
    token = invite(session, survey, "招远市金海贸易有限公司")["招远市金海贸易有限公司"]
    url = f"/s/{survey.slug}?t={token}"
    form = {**hidden_fields(client.get(url).get_data(as_text=True)),
            **form_for(survey, {"nature": "外企"})}  # fmt: skip
    assert [client.post(url, data=form).status_code for _ in range(2)] == [303, 303]
    assert len(stored(session, survey)) == 1


def test_required_invitation_refuses_the_public_link(client, session, login, survey):
    token = invite(session, survey, "招远市金海贸易有限公司")["招远市金海贸易有限公司"]
    login("editor")
    url = f"/admin/surveys/{survey.id}/invitations"
    client.post(f"{url}/required", data={"csrf_token": csrf_of(client, url), "required": "on"})
    session.expire_all()
    assert survey.requires_invitation

    public = client.get(f"/s/{survey.slug}")
    assert public.status_code == 403
    assert "仅限受邀企业填写" in public.get_data(as_text=True)
    wrong = client.get(f"/s/{survey.slug}?t={'x' * 22}")
    assert wrong.status_code == 403 and "该邀请链接无效" in wrong.get_data(as_text=True)

    # A form kept from before the switch, posted without a link: refused, nothing stored.
    form = {"csrf_token": csrf_of(client, url), **form_for(survey, {"nature": "民企"})}
    refused = client.post(f"/s/{survey.slug}", data=form)
    assert refused.status_code == 403 and stored(session, survey) == []

    assert answer(client, survey, token).status_code == 303
    assert len(stored(session, survey)) == 1
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "invitations.require" in actions


def test_a_survey_without_invitations_never_looks_them_up(app, client, session, survey):
    """The fast path: the public answer POST runs no statement about invitations."""
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    form = {**hidden_fields(page), **form_for(survey, {"nature": "国企"})}
    with statements_run(app.extensions["survey.engine"]) as statements:
        assert client.post(f"/s/{survey.slug}", data=form).status_code == 303
    assert any("INSERT INTO response" in s for s in statements)
    # No read of the invitation table: the copy already holds the survey's requires_invitation.
    assert not [s for s in statements if re.search(r"\binvitation\b", s)]


@pytest.mark.usefixtures("_generous_rate_limit")
def test_concurrent_posts_with_one_invitation_store_one_response(live_server, session, survey):
    token = invite(session, survey, "招远市金海贸易有限公司")["招远市金海贸易有限公司"]
    url = f"{live_server}/s/{survey.slug}?t={token}"
    answers = form_for(survey, {"nature": "民企"})
    forms = []
    for _ in range(8):  # eight phones open the link before anyone submits
        client = httpx.Client(follow_redirects=False, timeout=30)
        forms.append((client, {**hidden_fields(client.get(url).text), **answers}))
    codes = post_all_at_once(url, forms)
    assert codes == [303] + [409] * 7
    assert len(stored(session, survey)) == 1
    session.expire_all()
    assert survey.response_count == 1


@pytest.fixture
def _generous_rate_limit(app):
    app.config["RESPONSE_RATE_LIMIT"] = "1000 per minute"


def test_list_shows_who_answered_and_the_response_rate(client, session, login, survey):
    links = invite(session, survey, "甲公司", "乙公司", "丙公司")
    answer(client, survey, links["乙公司"])
    answer(client, survey, None)  # the public link: not an invited enterprise
    login("viewer")
    page = client.get(f"/admin/surveys/{survey.id}/invitations").get_data(as_text=True)
    text = " ".join(plain(page).split())
    assert "已邀请3 已填写1 回收率33.33%" in text
    assert re.search(r"乙公司 联系人 \d+ 复制链接 已填写 \d{4}-\d\d-\d\d \d\d:\d\d", text)
    assert "甲公司 联系人 13800138002 复制链接 未填写" in text
    response_id = re.search(r'href="/admin/responses/(\d+)"', page).group(1)
    detail = plain(client.get(f"/admin/responses/{response_id}").get_data(as_text=True))
    assert "受邀企业乙公司（联系人）" in " ".join(detail.split()).replace(" ", "")
    pending = client.get(f"/admin/surveys/{survey.id}/invitations?status=pending")
    assert "乙公司" not in pending.get_data(as_text=True)
    assert invitations.rate(session, survey) == invitations.Rate(3, 1)
    assert invitations.Rate(0, 0).text == "0%" and invitations.Rate(8, 1).text == "12.5%"


def test_link_exports_read_back(app, client, session, login, survey):
    links = invite(session, survey, "甲公司", "乙公司")
    answer(client, survey, links["甲公司"])
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.gov.cn/"
    login("editor")
    base = f"/admin/surveys/{survey.id}/invitations"

    exported = client.get(f"{base}.csv")
    assert exported.mimetype == "text/csv"
    body = exported.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == invitations.LINK_HEADER
    assert [r[0] for r in rows[1:]] == ["甲公司", "乙公司"]
    assert rows[2][4] == f"https://survey.example.gov.cn/s/{survey.slug}?t={links['乙公司']}"
    assert [r[5] for r in rows[1:]] == ["已填写", "未填写"] and rows[1][6] and not rows[2][6]

    workbook = load_workbook(io.BytesIO(client.get(f"{base}.xlsx?status=pending").get_data()))
    values = list(workbook.active.iter_rows(values_only=True))
    assert values[0] == tuple(invitations.LINK_HEADER)
    assert [v[0] for v in values[1:]] == ["乙公司"]  # the reminder list
    assert client.get(f"{base}.pdf").status_code == 404
    assert client.get(f"{base}.csv?status=answered").status_code == 404
    exports = session.scalars(
        select(func.count()).where(AuditEvent.action == "invitations.export")
    ).one()
    assert exports == 2


def test_responses_export_names_the_enterprise(client, session, login, survey):
    login("editor")
    url = f"/admin/surveys/{survey.id}/responses.csv"
    answer(client, survey, None)
    without = list(csv.reader(io.StringIO(client.get(url).get_data().decode("utf-8-sig"))))
    assert without[0][:5] == ["序号", "提交时间", "答题用时（秒）", "来源", "1、企业性质"]
    links = invite(session, survey, "甲公司")
    answer(client, survey, links["甲公司"], "外企")
    rows = list(csv.reader(io.StringIO(client.get(url).get_data().decode("utf-8-sig"))))
    assert rows[0][3:6] == ["来源", "企业名称", "1、企业性质"]
    assert [r[3:6] for r in rows[1:]] == [["链接", "", "民企"], ["邀请", "甲公司", "外企"]]
    with client.get(url.replace(".csv", ".xlsx")) as xlsx:
        sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [row[4] for row in sheet.iter_rows(values_only=True)] == ["企业名称", None, "甲公司"]
    # 答题用时 is a number of seconds, as a number.
    assert all(isinstance(row[2], int) for row in list(sheet.iter_rows(values_only=True))[1:])


# QR code -------------------------------------------------------------------------------------


def png_modules(data: bytes, scale: int = 10, border: int = 4) -> list[list[bool]]:
    """The dark modules of segno's 1-bit greyscale PNG, read without an image library."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat, width = 8, b"", 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert (width, depth, colour) == (height, 1, 0)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = (width + 7) // 8 + 1
    size = width // scale - 2 * border
    modules = []
    for y in range(size):
        row = raw[((y + border) * scale) * stride : ((y + border) * scale + 1) * stride]
        assert row[0] == 0  # no filter
        bits = row[1:]
        modules.append(
            [
                not (bits[((x + border) * scale) // 8] >> (7 - ((x + border) * scale) % 8)) & 1
                for x in range(size)
            ]
        )
    return modules


def test_qr_codes_of_the_public_link(app, client, login, survey):
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.gov.cn"
    link = f"https://survey.example.gov.cn/s/{survey.slug}"
    login("viewer")
    png = client.get(f"/admin/surveys/{survey.id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert "attachment" in png.headers["Content-Disposition"]
    # The code's link says it is the QR code's, for the responses' 来源.
    scanned = f"{link}?src=qr"
    expected = [[bool(m) for m in row] for row in segno.make(scanned, error="m").matrix]
    assert png_modules(png.get_data()) == expected

    svg = client.get(f"/admin/surveys/{survey.id}/qr.svg?inline=1")
    assert svg.mimetype == "image/svg+xml" and svg.headers["Content-Disposition"] == "inline"
    text = svg.get_data(as_text=True)
    assert f"<title>{link}</title>" in text and "<path" in text
    assert svg.get_data() == distribution.qr_code(link, "svg")
    page = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "qr.svg?inline=1" in page and link in page
    assert client.get(f"/admin/surveys/{survey.id}/qr.gif").status_code == 404


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("", "二维码和链接指向本机地址 localhost，别人的手机打不开。"),
        ("http://127.0.0.1:5000", "二维码和链接指向本机地址 127.0.0.1，别人的手机打不开。"),
        ("http://10.20.3.4", "二维码和链接指向内网地址 10.20.3.4，只有单位内网能打开。"),
        ("http://oa-server", "二维码和链接指向内网地址 oa-server，只有单位内网能打开。"),
        ("https://survey.example.gov.cn", None),
    ],
)
def test_staff_are_warned_when_links_point_where_phones_cannot_go(
    app, client, login, survey, base, expected
):
    app.config["PUBLIC_BASE_URL"] = base
    login("editor")
    pages = [f"/admin/surveys/{survey.id}", f"/admin/surveys/{survey.id}/invitations"]
    for url in pages:
        page = plain(client.get(url).get_data(as_text=True))
        if expected is None:
            assert "SURVEY_PUBLIC_BASE_URL" not in page, url
        else:
            assert expected + "请把 SURVEY_PUBLIC_BASE_URL 设为公众能访问的网址" in page, url
