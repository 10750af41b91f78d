"""Staff export the 结果反馈 as a Word file from the survey's page in a real Chromium, and the
file saved from the download holds the annual report's tables and a chart per question."""

from __future__ import annotations

import docx
import pytest
from docx.table import Table
from playwright.sync_api import Page

from survey.config import office_zone
from survey.core.models import utcnow
from survey.surveys import publication
from tests.helpers import LAPTOP, log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **LAPTOP}


def test_staff_download_the_results_as_word_and_it_reads_back(
    page: Page, live_server, make_user, session, demo_survey, tmp_path
):
    summary = "民营企业是外贸的主体。\n\n联系人：王小明\n联系电话：13805351234"
    publication.publish(session, demo_survey, None, utcnow(), office_zone(), summary=summary)
    session.commit()
    make_user("editor", "chen")
    log_in(page, live_server, "chen")
    page.goto(f"{live_server}/admin/surveys/{demo_survey.id}")
    exports = page.get_by_role("region", name="导出结果")
    shot(page, "results-word-export")
    with page.expect_download() as download:
        exports.get_by_role("link", name="Word").click()
    assert download.value.suggested_filename == "招远市商务局外贸企业调查问卷-结果.docx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    word = docx.Document(str(saved))
    blocks = list(word.iter_inner_content())
    heading = next(
        i for i, b in enumerate(blocks) if getattr(b, "text", "") == "1 企业性质 [单选题]"
    )
    table = blocks[heading + 1]
    assert isinstance(table, Table)
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["选项", "小计", "比例"],
        ["国企", "1", "25%"],
        ["民企", "3", "75%"],
        ["外企", "0", "0%"],
        ["本题有效填写人次", "4", ""],
    ]
    assert len(word.inline_shapes) == 5  # a chart for each of the five choice questions
    lines = [paragraph.text for paragraph in word.paragraphs]
    assert "三、调查结论" in lines and "联系人：王小明\n联系电话：13805351234" in lines
    assert "招远市商务局" in lines[-2:]
