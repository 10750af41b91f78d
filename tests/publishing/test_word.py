"""The 结果反馈 as a Word file, read back with python-docx: the annual report's tables as real
Word tables (the text export's rows, cell by cell), a chart picture per chart question, the
summary and the signature; tables alone, with a note, when the charts cannot be drawn."""

from __future__ import annotations

import asyncio
import io

import docx
import pytest
from docx.document import Document as WordDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from survey.config import office_zone
from survey.core.models import utcnow
from survey.publishing import images
from survey.surveys import publication

SUMMARY = (
    "本次调查显示，**民营企业**是外贸的主体。\n\n- 企业普遍关注海外市场\n\n"
    "联系人：王小明\n联系电话：13805351234"
)
NO_CHARTS = "注：统计图未能生成（服务器暂时无法绘图），本文件只含表格。"


def read(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def questions(word: WordDocument) -> dict[str, dict]:
    """Each question's heading (``N 题目 [单选题]``) with the tables and pictures under it."""
    found: dict[str, dict] = {}
    current: dict | None = None
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name == "Heading 2":
            current = found[block.text] = {"tables": [], "pictures": 0}
        elif isinstance(block, Paragraph) and block.style.name == "Heading 1":
            current = None
        elif current is not None and isinstance(block, Table):
            current["tables"].append([[cell.text for cell in row.cells] for row in block.rows])
        elif current is not None:
            current["pictures"] += len(block._p.xpath(".//pic:pic"))
    return found


def text_blocks(text: str) -> dict[str, list[list[str]]]:
    """The text export's tables by heading: each line split at its tabs."""
    blocks = text.strip("\n").split("\n\n")[1:]
    return {
        block.split("\n")[0]: [line.split("\t") for line in block.split("\n")[1:]]
        for block in blocks
    }


@pytest.fixture
def summarised(session, demo_survey):
    publication.publish(session, demo_survey, None, utcnow(), office_zone(), summary=SUMMARY)
    session.commit()
    return demo_survey


def test_the_word_file_holds_the_text_exports_tables_a_chart_each_and_the_summary(
    client, login, summarised
):
    login("editor")
    base = f"/admin/surveys/{summarised.id}/results"
    response = client.get(f"{base}.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    word = read(response.data)

    found = questions(word)
    expected = text_blocks(client.get(f"{base}.txt").get_data(as_text=True))
    assert list(found) == list(expected)  # 1 企业性质 [单选题] ... every table, in order
    for heading, rows in expected.items():
        (table,) = found[heading]["tables"]
        rows[-1] += [""] * (len(table[-1]) - len(rows[-1]))  # 本题有效填写人次 | 4 | (empty)
        assert table == rows, heading
        assert found[heading]["pictures"] == 1, heading
    assert found["1 企业性质 [单选题]"]["tables"][0] == [
        ["选项", "小计", "比例"],
        ["国企", "1", "25%"],
        ["民企", "3", "75%"],
        ["外企", "0", "0%"],
        ["本题有效填写人次", "4", ""],
    ]
    pictures = [part for part in word.part.package.parts if part.partname.endswith(".png")]
    assert len(pictures) == len(expected) == 5

    lines = [paragraph.text for paragraph in word.paragraphs]
    assert lines[0] == "招远市商务局外贸企业调查结果反馈"
    assert "本次调查征集时间为" in lines[3] and "有效答卷 4 份" in lines[3]
    summary = lines[lines.index("三、调查结论") + 1 :]
    assert summary[0] == "本次调查显示，民营企业是外贸的主体。"
    assert "• 企业普遍关注海外市场" in summary
    # The staff's own contact lines, as written, each on its line.
    assert "联系人：王小明\n联系电话：13805351234" in summary
    bold = [run.text for p in word.paragraphs for run in p.runs if run.bold]
    assert "民营企业" in bold
    assert lines[-2:] == ["招远市商务局", f"{utcnow().year}年" + lines[-1].split("年", 1)[1]]
    assert NO_CHARTS not in lines


def test_without_a_browser_the_word_file_has_its_tables_and_says_why_no_charts(
    client, login, demo_survey, monkeypatch
):
    def fail(jobs, seconds=None):
        raise images.ChartsUnavailable("no browser")

    monkeypatch.setattr(images._browser, "draw", fail)
    login("editor")
    word = read(client.get(f"/admin/surveys/{demo_survey.id}/results.docx").data)
    found = questions(word)
    assert found["1 企业性质 [单选题]"]["tables"][0][1] == ["国企", "1", "25%"]
    assert not any(item["pictures"] for item in found.values())
    assert NO_CHARTS in [paragraph.text for paragraph in word.paragraphs]


def test_charts_that_take_too_long_are_left_out_in_the_time_allowed(
    demo_survey, session, monkeypatch
):
    """A browser that never finishes a drawing costs the file the time allowed, no more."""

    class Stuck:
        async def calc_fig(self, figure, opts):
            await asyncio.sleep(3600)

        async def close(self):
            pass

    browser = images._Browser()

    def open_stuck():
        browser._loop = asyncio.new_event_loop()
        images.threading.Thread(
            target=images._run_until_stopped, args=(browser._loop,), daemon=True
        ).start()
        browser._kaleido = Stuck()

    monkeypatch.setattr(browser, "_open", open_stuck)
    monkeypatch.setattr(images, "DRAW_TIMEOUT", 3600)  # only the file's own limit ends it
    monkeypatch.setattr(images, "_browser", browser)
    document = publication.staff_document(session, demo_survey, office_zone())
    assert images.pictures(document, seconds=0.2) is None
    browser.close()


def test_export_results_docx_from_the_shell(runner, summarised, tmp_path):
    target = tmp_path / "results.docx"
    done = runner.invoke(
        args=["export-results", summarised.slug, "--format", "docx", "-o", str(target)]
    )
    assert done.exit_code == 0, done.output
    word = docx.Document(str(target))
    found = questions(word)
    assert found["1 企业性质 [单选题]"]["tables"][0][1:4] == [
        ["国企", "1", "25%"],
        ["民企", "3", "75%"],
        ["外企", "0", "0%"],
    ]
    assert sum(item["pictures"] for item in found.values()) == 5
    assert "三、调查结论" in [paragraph.text for paragraph in word.paragraphs]
    refused = runner.invoke(args=["export-results", summarised.slug, "--format", "docx"])
    assert refused.exit_code != 0 and "--output" in refused.output
