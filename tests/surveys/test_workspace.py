"""The results workspace: timeline, typed answers, single responses, publishing, exports."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import zipfile
from collections import Counter
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from survey.config import office_zone
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.core.timeutil import to_local
from survey.surveys import analysis, answering
from survey.surveys.answering import tokens
from survey.surveys.models import Response
from tests.conftest import csrf_of
from tests.helpers import form_for, question

REFERENCE = [("国企", 1, "25%"), ("民企", 3, "75%"), ("外企", 0, "0%")]


def test_timeline_counts_days_in_office_time(session, make_survey, app):
    survey = make_survey([{"id": "a", "type": "single", "title": "性质", "options": ["甲", "乙"]}])
    rng = random.Random(5)
    start = utcnow() - timedelta(days=6)
    moments = [start + timedelta(minutes=rng.randrange(6 * 24 * 60)) for _ in range(60)]
    for moment in moments:
        form = form_for(survey, {"a": rng.choice(["甲", "乙"])})
        form[tokens.TOKEN_FIELD] = tokens.issue_token(survey, app.secret_key)
        assert answering.submit(session, survey, _multidict(form), moment, app.secret_key).accepted
    zone = office_zone()
    expected = Counter(to_local(moment, zone).date() for moment in moments)
    assert analysis.timeline(session, survey, zone) == sorted(expected.items())


def _multidict(data):
    from werkzeug.datastructures import MultiDict

    return MultiDict(
        [(k, v) for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs])]
    )


def test_typed_answers_page_and_search(client, login, demo_survey):
    login("viewer")
    name = question(demo_survey, "name")
    html = client.get(f"/admin/questions/{name.id}/answers").get_data(as_text=True)
    assert "招远金都机械制造有限公司" in html and "提交时间" in html
    found = client.get(f"/admin/questions/{name.id}/answers?q=金都").get_data(as_text=True)
    assert "招远金都机械制造有限公司" in found
    assert "没有符合条件的回答" in client.get(
        f"/admin/questions/{name.id}/answers?q=不存在"
    ).get_data(as_text=True)


def test_staff_invalidate_and_restore_a_response_over_http(client, session, login, demo_survey):
    login("editor")
    response_id = session.scalars(select(Response.id).order_by(Response.id)).first()
    page = client.get(f"/admin/responses/{response_id}")
    assert page.status_code == 200 and "作废这份答卷" in page.get_data(as_text=True)
    token = csrf_of(client, f"/admin/responses/{response_id}")
    client.post(
        f"/admin/responses/{response_id}/invalidate",
        data={"csrf_token": token, "reason": "测试数据"},
    )
    session.expire_all()
    assert demo_survey.response_count == 3
    listing = client.get(f"/admin/surveys/{demo_survey.id}/responses?status=invalid")
    assert "测试数据" in listing.get_data(as_text=True)
    client.post(f"/admin/responses/{response_id}/restore", data={"csrf_token": token})
    session.expire_all()
    assert demo_survey.response_count == 4
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["response.invalidate", "response.restore"]


def test_chart_switch_keeps_the_filter_and_never_offers_a_pie_for_multiple(
    client, login, demo_survey
):
    login("viewer")
    nature, markets = question(demo_survey, "nature"), question(demo_survey, "markets")
    url = f"/admin/surveys/{demo_survey.id}?since=2000-01-01&chart-{nature.id}=doughnut"
    html = client.get(url).get_data(as_text=True)
    assert '"hole": 0.5' in html
    assert f"since=2000-01-01&amp;chart-{nature.id}=column" in html
    section = html.split(f'id="result-{markets.number}"')[1].split("</nav>")[0]
    assert "饼状" not in section and "条形" in section
    html = client.get(f"/admin/surveys/{demo_survey.id}?chart-{markets.id}=pie").get_data(
        as_text=True
    )
    figure = html.split(f'id="figure-{markets.id}">')[1].split("</script>")[0]
    assert '"type": "bar"' in figure and "pie" not in figure


def _publish(client, survey, **fields):
    token = csrf_of(client, f"/admin/surveys/{survey.id}/publish")
    data = {"csrf_token": token, "min_cell_size": "1", "summary": "", **fields}
    return client.post(f"/admin/surveys/{survey.id}/publish", data=data)


def test_publish_with_summary_suppression_and_masking(client, session, login, demo_survey):
    login("editor")
    nature, name = question(demo_survey, "nature"), question(demo_survey, "name")
    summary = (
        "**结论**：民企居多。<script>alert(1)</script>\n\n"
        "> 一家企业反映：联系人：李四光，13912345678\n\n联系人：张三祥\n电话 13812341234"
    )
    response = _publish(
        client,
        demo_survey,
        question=[str(nature.id), str(name.id)],
        min_cell_size="2",
        summary=summary,
    )
    assert response.status_code == 302
    html = client.get(f"/s/{demo_survey.slug}/results").get_data(as_text=True)
    assert "<strong>结论</strong>" in html and "<script>alert" not in html
    # The staff's own contact lines as written, line by line; a respondent they quote masked.
    assert "<p>联系人：张三祥<br>\n电话 13812341234</p>" in html
    assert "李*光，139****5678" in html and "13912345678" not in html
    # 国企 1 and 外企 0 are below k=2: "<2" each, and 4 - 3 = 1 could be either of them.
    assert html.count('<td class="num">&lt;2</td>') == 2 and '<td class="num">3</td>' in html
    assert "25%" not in html and "少于 2 人次的数据显示为" in html
    assert "招远金都机械制造有限公司" in html  # staff chose to publish the fill-in question
    assert "主要贸易方式" not in html  # not chosen
    assert "第 2 版" in html


def test_result_exports_read_back(client, login, demo_survey, tmp_path):
    login("editor")
    base = f"/admin/surveys/{demo_survey.id}/results"
    raw = client.get(f"{base}.csv").data
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["题号", "题目", "题型", "选项", "小计", "比例", "本题有效填写人次"]
    assert [(r[3], int(r[4]), r[5]) for r in rows[1:4]] == REFERENCE and rows[1][6] == "4"

    (tmp_path / "r.xlsx").write_bytes(client.get(f"{base}.xlsx").data)
    sheet = load_workbook(tmp_path / "r.xlsx").active
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    start = values.index(("1 企业性质 [单选题]", None, None))
    assert values[start + 1] == ("选项", "小计", "比例")
    # 比例 are numbers, shown as the notice prints them.
    assert values[start + 2 : start + 5] == [("国企", 1, 0.25), ("民企", 3, 0.75), ("外企", 0, 0)]
    formats = [sheet.cell(start + n, 3).number_format for n in (3, 4, 5)]
    assert formats == ["0%", "0%", "0%"]
    assert values[start + 5] == ("本题有效填写人次", 4, None)

    assert "国企\t1\t25%" in client.get(f"{base}.txt").get_data(as_text=True)
    assert json.loads(client.get(f"{base}.json").data)["responses"] == 4

    (tmp_path / "r.pdf").write_bytes(client.get(f"{base}.pdf").data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "招远市商务局外贸企业调查结果反馈" in text
    # A table's rows begin its lines; the chart beside it may end them.
    for label, count, ratio in REFERENCE:
        assert any(line.split()[:3] == [label, str(count), ratio] for line in text.splitlines())
    assert any(line.split()[:2] == ["本题有效填写人次", "4"] for line in text.splitlines())


def test_open_data_package(client, session, login, demo_survey):
    login("editor")
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/admin/surveys/{demo_survey.id}/open-data.zip").data)
    )
    package = json.loads(archive.read("datapackage.json"))
    assert package["title"] == "招远市商务局外贸企业调查结果反馈"
    assert package["issuer"] == "招远市商务局" and package["responses"] == 4
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    resource = package["resources"][0]
    assert resource["path"] == "results.csv" and resource["schema"]["fields"][0]["name"] == "题号"
    rows = list(csv.reader(io.StringIO(archive.read("results.csv").decode("utf-8-sig"))))
    assert [(r[3], int(r[4]), r[5]) for r in rows[1:4]] == REFERENCE
    events = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "results.export"))
    assert [e["format"] for e in events] == ["open-data"]


def test_export_results_cli_formats(runner, demo_survey, tmp_path):
    out = runner.invoke(args=["export-results", demo_survey.slug, "--format", "csv"])
    assert out.exit_code == 0 and "国企,1,25%" in out.output
    target = tmp_path / "r.xlsx"
    done = runner.invoke(
        args=["export-results", demo_survey.slug, "--format", "xlsx", "-o", str(target)]
    )
    assert done.exit_code == 0
    assert ("国企", 1, 0.25) in list(load_workbook(target).active.iter_rows(values_only=True))
    refused = runner.invoke(args=["export-results", demo_survey.slug, "--format", "pdf"])
    assert refused.exit_code != 0 and "--output" in refused.output
