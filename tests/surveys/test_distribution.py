"""Handing a survey out: the A4 poster (PDF to print, PNG to post) and the invitation list's
template, which the import takes back as it is once filled in."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from survey.surveys import distribution
from survey.surveys.models import Invitation
from tests.conftest import csrf_of
from tests.helpers import plain

LINK_BASE = "https://survey.example.gov.cn"


@pytest.fixture
def survey(make_survey):
    return make_survey(
        [{"type": "single", "title": "企业性质", "options": ["国企", "民企"]}],
        title="2024年外贸企业经营情况调查", issuer="招远市商务局",
        opens="2024-05-01", closes="2024-05-31", status="draft",
    )  # fmt: skip


def qr_texts(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.browser  # printed and photographed by headless Chromium
def test_the_poster_is_one_a4_page_with_the_title_issuer_period_qr_code_and_link(
    app, client, login, survey, tmp_path
):
    app.config["PUBLIC_BASE_URL"] = LINK_BASE
    link = f"{LINK_BASE}/s/{survey.slug}"
    login("viewer")
    page = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert f"/admin/surveys/{survey.id}/poster.pdf" in page
    assert f"/admin/surveys/{survey.id}/poster.png" in page

    pdf = client.get(f"/admin/surveys/{survey.id}/poster.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    (tmp_path / "poster.pdf").write_bytes(pdf.get_data())
    info = subprocess.run(["pdfinfo", str(tmp_path / "poster.pdf")], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)", info, re.M)
    text = subprocess.run(["pdftotext", str(tmp_path / "poster.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    flat = re.sub(r"\s", "", text)  # spacing aside, and a long link may wrap
    assert "2024年外贸企业经营情况调查" in flat
    assert "发布单位：招远市商务局" in flat
    assert "征集时间：2024-05-01至2024-05-31" in flat
    assert link in flat

    png = client.get(f"/admin/surveys/{survey.id}/poster.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.get_data()))
    width, height = image.size
    assert width >= 1500 and abs(height / width - 297 / 210) < 0.01  # A4, sharp enough to print
    # The poster's code reads as the panel's QR code does (the survey link, as it encodes it).
    assert qr_texts(png.get_data()) == qr_texts(distribution.qr_code(link, "png"))
    assert qr_texts(png.get_data())[0].startswith(link)
    assert client.get(f"/admin/surveys/{survey.id}/poster.gif").status_code == 404


def test_the_invitation_template_filled_in_imports_as_it_is(client, session, login, survey):
    login("editor")
    url = f"/admin/surveys/{survey.id}/invitations"
    page = client.get(url).get_data(as_text=True)
    assert f"{url}/template.xlsx" in page and "下载名单模板" in plain(page)
    download = client.get(f"{url}/template.xlsx")
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(download.get_data()))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == ["企业名称（必填）", "联系人（必填）", "手机（必填）", "统一社会信用代码"]
    assert all(cell.comment and cell.comment.text for cell in sheet[1])  # each column explained
    assert str(sheet["A2"].value).startswith("示例：")
    assert "填写说明" in workbook.sheetnames

    # Filled in below the sample row, which stays: only the two enterprises are invited.
    sheet.append(["招远市金海贸易有限公司", "王经理", "13800138000", "91350100M000100Y43"])
    sheet.append(["招远市宏达食品有限公司", "李女士", "13900001111", None])
    filled = io.BytesIO()
    workbook.save(filled)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_of(client, url),
            "file": (io.BytesIO(filled.getvalue()), "名单.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "已邀请 2 家企业" in plain(client.get(url).get_data(as_text=True))
    invited = session.scalars(
        select(Invitation.enterprise).where(Invitation.survey_id == survey.id)
    )
    assert sorted(invited) == ["招远市宏达食品有限公司", "招远市金海贸易有限公司"]
