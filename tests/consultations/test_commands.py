"""import-draft and export-feedback from the shell."""

from __future__ import annotations

import json

from sqlalchemy import select

from survey.consultations import feedback, handling, lifecycle
from survey.consultations.models import Consultation
from survey.core.models import utcnow
from tests.consultations.conftest import DRAFT
from tests.consultations.test_drafts import word_file

OUTCOMES = handling.parse_outcomes("采纳,部分采纳*,不予采纳*,已有规定,其他")


def test_import_draft_prints_the_slug_of_an_open_consultation(runner, session, tmp_path):
    path = tmp_path / "draft.docx"
    path.write_bytes(word_file(DRAFT.read_text("utf-8").splitlines()))
    result = runner.invoke(args=["import-draft", str(path), "--open", "--days", "30"])
    assert result.exit_code == 0, result.output
    slug = result.stdout.strip()
    consultation = session.scalars(select(Consultation)).one()
    assert consultation.slug == slug and consultation.status == "open"
    assert consultation.title == "招远市促进外贸高质量发展办法（征求意见稿）"
    assert len([p for p in consultation.current.parts if p.kind == "article"]) == 6
    assert (consultation.closes_at - consultation.opens_at).days == 30


def test_import_draft_warns_and_refuses_with_messages(runner, tmp_path):
    gaps = tmp_path / "gaps.txt"
    gaps.write_text("第一条　甲。\n第三条　乙。\n", encoding="utf-8")
    result = runner.invoke(args=["import-draft", str(gaps), "--title", "测试办法"])
    assert result.exit_code == 0
    assert "注意：第 2 行：此处应为第二条，实为第三条" in result.stderr
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    refused = runner.invoke(args=["import-draft", str(old)])
    assert refused.exit_code == 1 and "请用 .txt 或 .docx" in refused.output
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"not a zip")
    refused = runner.invoke(args=["import-draft", str(fake)])
    assert refused.exit_code == 1 and "另存为 .docx" in refused.output
    assert "Traceback" not in refused.output


def test_export_feedback_prints_the_published_version(runner, session, make_consultation,
                                                      tmp_path):  # fmt: skip
    from survey.config import office_zone
    from survey.consultations import opinions

    consultation = make_consultation()
    opinion = opinions.enter(
        session, consultation, None, opinions.Draft(body="建议\t尽快\n出台。", name="朱明"),
        opinions.Channel.PHONE, utcnow(), "secret",
    )  # fmt: skip
    handling.answer(session, consultation, None, [opinion.id], "采纳", "", OUTCOMES, utcnow())
    lifecycle.close_consultation(session, consultation, None, utcnow())
    feedback.publish(session, consultation, None, utcnow(), office_zone(), OUTCOMES)
    session.commit()
    text = runner.invoke(args=["export-feedback", consultation.slug]).stdout
    lines = text.splitlines()
    assert lines[0].startswith("关于《招远市促进外贸高质量发展办法")
    assert "征集渠道：网上提交、电话" in lines
    header = lines.index("序号\t条款\t意见内容\t处理结果\t理由")
    assert lines[header + 1] == "1\t整体意见\t建议 尽快 出台。\t采纳\t"
    as_json = json.loads(runner.invoke(args=["export-feedback", consultation.slug, "--format",
                                             "json"]).stdout)  # fmt: skip
    assert as_json["format"] == "opinion-feedback/v1" and as_json["opinions"] == 1
    workbook = tmp_path / "feedback.xlsx"
    result = runner.invoke(args=["export-feedback", consultation.slug, "--format", "xlsx", "-o",
                                 str(workbook)])  # fmt: skip
    assert result.exit_code == 0 and workbook.stat().st_size > 1000
    missing = runner.invoke(args=["export-feedback", "nope"])
    assert missing.exit_code == 1 and "没有意见征集 nope" in missing.output
