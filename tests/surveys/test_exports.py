"""Responses exported as CSV and XLSX (read back as Excel would), and generated in bulk."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from survey.core.models import utcnow
from survey.surveys import answering, counting
from survey.surveys import exports as response_export
from survey.surveys.answering import tokens
from survey.surveys.generate import generate_responses
from survey.surveys.models import Answer, Response
from survey.surveys.results import Filter, survey_results

HEADER = ["序号", "提交时间", "答题用时（秒）", "来源", "1、企业性质", "2、主要贸易方式",
          "3、产品主要出口、进口国家(地区)", "4、产品主要类型", "5、对明年订单的预期",
          "6、企业名称", "7、进出口情况"]  # fmt: skip


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_by_text_and_by_number(runner, demo_survey):
    by_text = runner.invoke(args=["export-responses", demo_survey.slug])
    assert by_text.exit_code == 0
    table = read_csv(by_text.stdout_bytes)
    assert table[0] == HEADER and len(table) == 5
    assert table[3][4:9] == ["民企", "加工贸易", "日韩", "纺织服装┋其他〖黄金饰品〗", "减少"]
    assert table[3][9] == "招远市鑫源服饰有限公司"
    assert table[2][10] == ""  # not answered
    by_number = read_csv(
        runner.invoke(
            args=["export-responses", demo_survey.slug, "--coding", "number"]
        ).stdout_bytes
    )
    assert by_number[3][4:9] == ["2", "2", "4", "3┋5〖黄金饰品〗", "2"]


def test_xlsx_reads_back(runner, demo_survey, tmp_path):
    target = tmp_path / "responses.xlsx"
    result = runner.invoke(
        args=["export-responses", demo_survey.slug, "--format", "xlsx", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(target, read_only=True)
    rows = [list(row) for row in workbook["答卷"].iter_rows(values_only=True)]
    workbook.close()
    assert rows[0] == HEADER and len(rows) == 5
    assert rows[1][4:7] == ["国企", "一般贸易", "日韩┋欧盟"]


def test_batches_skip_responses_of_other_surveys(
    app, session, demo_survey, make_survey, monkeypatch
):
    """Responses of two surveys interleave by id; each export holds exactly its own."""
    other = make_survey([{"id": "x", "type": "single", "title": "另一题", "options": ["是", "否"]}])
    for _ in range(3):
        list(generate_responses(session, other, 2, utcnow(), seed=1))
        list(generate_responses(session, demo_survey, 3, utcnow(), seed=2))
    monkeypatch.setattr(response_export, "BATCH", 4)
    from survey.config import office_zone

    rows = list(response_export.rows(session, demo_survey, office_zone()))
    assert (
        len(rows)
        == 13
        == session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == demo_survey.id)
        )
    )
    assert [row[0] for row in rows] == list(range(1, 14))  # 序号: this survey's own count
    other_rows = list(response_export.rows(session, other, office_zone()))
    assert [row[0] for row in other_rows] == list(range(1, 7))
    assert {row[4] for row in other_rows} <= {"是", "否", ""}


def test_staff_download_csv_and_xlsx(client, login, demo_survey, tmp_path):
    login("editor")
    response = client.get(f"/admin/surveys/{demo_survey.id}/responses.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert read_csv(response.data)[1][4] == "国企"
    with client.get(f"/admin/surveys/{demo_survey.id}/responses.xlsx?coding=number") as xlsx:
        assert xlsx.status_code == 200
        (tmp_path / "x.xlsx").write_bytes(xlsx.data)
    workbook = load_workbook(tmp_path / "x.xlsx", read_only=True)  # keeps the file open...
    rows = list(workbook["答卷"].iter_rows(values_only=True))
    workbook.close()  # ...until closed (a ResourceWarning in a later test otherwise)
    assert rows[2][4] == "2"
    audit = client.get("/admin/").status_code
    assert audit == 200


def test_viewers_cannot_export(client, login, demo_survey):
    login("viewer")
    assert client.get(f"/admin/surveys/{demo_survey.id}/responses.csv").status_code == 403


def test_generated_responses_are_valid_and_counted(runner, session, make_survey):
    survey = make_survey(
        [
            {"id": "a", "type": "single", "title": "单选", "required": True,
             "options": ["甲", "乙", {"label": "其他", "fill_in": True}]},
            {"id": "b", "type": "multiple", "title": "多选", "min_choices": 2, "max_choices": 3,
             "options": ["一", "二", "三", "四"]},
            {"id": "c", "type": "number", "title": "人数", "min": 1, "max": 50, "integer": True},
            {"id": "d", "type": "text", "title": "名称", "required": True, "max_length": 4},
        ]
    )  # fmt: skip
    result = runner.invoke(args=["generate-responses", survey.slug, "300", "--seed", "7"])
    assert result.exit_code == 0 and "已生成 300 份答卷" in result.output
    assert counting.recount(session, survey) == []
    session.expire_all()
    a, b, c, d = survey.questions
    assert a.respondent_count == 300 and d.respondent_count == 300  # required: always answered
    per_response = session.execute(
        select(func.count()).select_from(Answer).where(Answer.question_id == b.id)
        .group_by(Answer.response_id)
    ).scalars().all()  # fmt: skip
    assert set(per_response) <= {2, 3}
    numbers = session.scalars(select(Answer.number).where(Answer.question_id == c.id)).all()
    assert all(1 <= n <= 50 and n == int(n) for n in numbers)
    texts = session.scalars(select(Answer.text).where(Answer.question_id == d.id)).all()
    assert all(0 < len(t) <= 4 for t in texts)
    # Counted from the generated rows, a report that keeps every response shows the counters.
    everything = survey_results(session, survey, Filter(since=datetime(2000, 1, 1)))
    assert everything.responses == 300
    assert [(t.respondents, t.rows) for t in everything.tables] == [
        (t.respondents, t.rows) for t in survey_results(session, survey).tables
    ]
    other = a.options[2]
    assert (
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .where(Answer.option_id == other.id, Answer.text.is_(None))
        )
        == 0
    )  # 其他 always comes with its text


@pytest.mark.parametrize("count", [1, 25_001])
def test_generation_in_batches_counts_right(session, demo_survey, count):
    totals = list(generate_responses(session, demo_survey, count, utcnow(), seed=3))
    assert totals[-1] == count
    assert counting.recount(session, demo_survey) == []
    session.expire_all()
    assert demo_survey.response_count == count + 4


def test_what_a_respondent_typed_never_breaks_or_arms_an_export(
    client, login, demo_survey, tmp_path
):
    """A vertical tab (Word's Shift+Enter) once failed the XLSX export with a 500, and a typed
    formula became a live one in Excel."""
    from survey.surveys.demo import answer_form
    from tests.helpers import fresh_form

    typed = {"name": "招远\x0b测试公司", "trade": "加工贸易", "nature": "民企", "outlook": "增加",
             "markets": ["欧盟"], "products": ["机电产品"],
             "volume": '=HYPERLINK("http://evil.example","点我")'}  # fmt: skip
    data = fresh_form(client, demo_survey, {})
    data.update(answer_form(demo_survey, typed))
    assert client.post(f"/s/{demo_survey.slug}", data=data).status_code == 303
    login("editor")
    with client.get(f"/admin/surveys/{demo_survey.id}/responses.xlsx") as xlsx:
        assert xlsx.status_code == 200
        (tmp_path / "r.xlsx").write_bytes(xlsx.data)
    workbook = load_workbook(tmp_path / "r.xlsx")
    last = list(workbook["答卷"].iter_rows())[-1]
    assert last[9].value == "招远测试公司"
    assert last[10].data_type == "s" and last[10].value == "'" + typed["volume"]
    table = read_csv(client.get(f"/admin/surveys/{demo_survey.id}/responses.csv").data)
    assert table[-1][10] == "'" + typed["volume"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


def test_each_matrix_row_and_ranking_place_has_a_column_of_its_own(
    client, login, session, app, make_survey, tmp_path
):
    """As wjx exports them: "3.政策宣传" holds that row's column, "4.排序第1位" the option
    ranked first; not the whole answer joined in one cell."""
    survey = make_survey(
        [
            {"id": "size", "type": "single", "title": "企业规模", "options": ["小", "大"]},
            {"id": "rate", "type": "matrix_scale", "title": "服务评分",
             "options": ["政策宣传", "办事效率"], "columns": ["不满意", "一般", "满意"]},
            {"id": "ways", "type": "matrix_multiple", "title": "渠道", "options": ["政策", "办事"],
             "columns": ["网站", "微信"]},
            {"id": "needs", "type": "ranking", "title": "最需要的支持",
             "options": ["资金", "人才", "市场"], "top": 2},
        ]
    )  # fmt: skip
    size, rate, ways, needs = survey.questions
    publicity, efficiency = rate.options
    money, _, market = needs.options
    form = {f"q{size.id}": str(size.options[1].id), f"q{rate.id}-o{efficiency.id}": "3",
            f"q{rate.id}-o{publicity.id}": "1", f"q{needs.id}-o{market.id}": "1",
            f"q{needs.id}-o{money.id}": "2"}  # fmt: skip
    posted = MultiDict(form)
    posted.setlist(f"q{ways.id}-o{ways.options[0].id}", ["1", "2"])
    posted[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
    assert answering.submit(session, survey, posted, utcnow(), app.secret_key).accepted
    login("editor")
    table = read_csv(client.get(f"/admin/surveys/{survey.id}/responses.csv").data)
    assert table[0][4:] == ["1、企业规模", "2.政策宣传", "2.办事效率", "3.政策", "3.办事",
                            "4.排序第1位", "4.排序第2位"]  # fmt: skip
    assert table[1][4:] == ["大", "不满意", "满意", "网站┋微信", "", "市场", "资金"]
    coded = read_csv(client.get(f"/admin/surveys/{survey.id}/responses.csv?coding=number").data)
    assert coded[1][4:] == ["2", "1", "3", "1┋2", "", "3", "1"]
    with client.get(f"/admin/surveys/{survey.id}/responses.xlsx") as xlsx:
        (tmp_path / "m.xlsx").write_bytes(xlsx.data)
    workbook = load_workbook(tmp_path / "m.xlsx", read_only=True)
    rows = [list(row) for row in workbook["答卷"].iter_rows(values_only=True)]
    workbook.close()
    assert rows[1][4:] == ["大", "不满意", "满意", "网站┋微信", None, "市场", "资金"]
