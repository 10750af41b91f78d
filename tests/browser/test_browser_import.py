"""A staff member imports a Word questionnaire in a real Chromium: uploads the .docx, checks the
preview beside its text, and creates it."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.surveys.models import Survey
from tests.helpers import LAPTOP, log_in, shot
from tests.surveys.test_wordimport import questionnaire

pytestmark = pytest.mark.browser
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def test_staff_import_a_word_questionnaire(page: Page, live_server, make_user, session):
    make_user("editor", "sun")
    log_in(page, live_server, "sun")
    page.goto(f"{live_server}/admin/surveys/import")
    word = {"name": "企业服务调查问卷.docx", "buffer": questionnaire(), "mimeType": DOCX}
    page.get_by_label("或上传文件").set_input_files(word)
    page.get_by_role("button", name="预览").click()

    # The document's text in the box, what it will create beside it.
    text = page.get_by_label("粘贴问卷内容")
    expect(text).to_have_value(re.compile(r"^企业服务调查问卷\n(.|\n)*政策宣传\t□\t□\t□"))
    preview = page.get_by_role("region", name="预览：将要创建的问卷")
    for shown in ("2. 企业性质 [单选题] *", "3. 主要贸易方式 [多选题]", "列：满意 / 一般 / 不满意",
                  "4. 各项服务的满意度 [矩阵单选题]", "5. 联系电话 [填空题] 手机号码",
                  "第 3 题按多选题导入（标题含“可多选”）", "第 4 题按矩阵单选题导入"):  # fmt: skip
        expect(preview).to_contain_text(shown)
    box, shown_beside = text.bounding_box(), preview.bounding_box()
    assert box and shown_beside and shown_beside["x"] >= box["x"] + box["width"]
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []
    shot(page, "staff-import-preview")
    assert session.scalars(select(Survey)).all() == []

    preview.get_by_role("button", name="创建问卷").click()
    expect(page).to_have_url(re.compile(r"/admin/surveys/\d+/edit$"))
    expect(page.get_by_role("status").filter(has_text="已导入 5 道题")).to_be_visible()
    survey = session.scalars(select(Survey)).one()
    assert [(q.type, q.title) for q in survey.questions] == [
        ("text", "企业名称"), ("description", "一、基本情况"), ("single", "企业性质"),
        ("multiple", "主要贸易方式"), ("description", "服务评价"),
        ("matrix", "各项服务的满意度"), ("mobile", "联系电话"),
    ]  # fmt: skip
    html = page.content()
    assert all(title in html for title in ("主要贸易方式", "各项服务的满意度", "联系电话"))
    shot(page, "staff-import-created")
