"""`flask --app survey ...` commands, run through Click's runner on the test database."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import yaml

from survey.core.models import utcnow
from survey.core.window import Phase
from survey.surveys.queries import load_survey

DEMO = Path(__file__).parent.parent / "survey" / "surveys" / "demo" / "foreign-trade.yaml"


def invoke(runner, *args: str):
    result = runner.invoke(args=list(args))
    return result


def test_init_db_is_repeatable(runner):
    assert invoke(runner, "init-db").exit_code == 0
    assert invoke(runner, "init-db").exit_code == 0


def test_demo_prints_its_slug_once_loaded(runner, session):
    first = invoke(runner, "demo")
    assert first.exit_code == 0, first.output
    slug = first.output.strip()
    survey = load_survey(session, slug)
    assert survey.title == "招远市商务局外贸企业调查问卷"
    assert survey.phase(utcnow()) == Phase.OPEN and survey.results_published
    assert invoke(runner, "demo").output.strip() == slug  # loading again adds nothing


def test_export_results_text_is_the_reference_format(runner):
    slug = invoke(runner, "demo").output.strip()
    result = invoke(runner, "export-results", slug, "--format", "text")
    assert result.exit_code == 0
    assert (
        "1 企业性质 [单选题]\n选项\t小计\t比例\n国企\t1\t25%\n民企\t3\t75%\n外企\t0\t0%\n"
        "本题有效填写人次\t4\n" in result.output
    )


def test_export_results_json(runner):
    slug = invoke(runner, "demo").output.strip()
    data = json.loads(invoke(runner, "export-results", slug, "--format", "json").output)
    assert data["responses"] == 4
    nature = data["questions"][0]
    assert nature["label"] == "[单选题]" and nature["respondents"] == 4
    assert nature["rows"] == [
        {"label": "国企", "count": 1, "ratio": "25%"},
        {"label": "民企", "count": 3, "ratio": "75%"},
        {"label": "外企", "count": 0, "ratio": "0%"},
    ]


def test_import_open_then_export_gives_the_same_questionnaire(runner, session, tmp_path):
    result = invoke(runner, "import", str(DEMO), "--open")
    assert result.exit_code == 0, result.output
    slug = result.output.strip()
    assert load_survey(session, slug).phase(utcnow()) == Phase.OPEN
    exported = invoke(runner, "export-definition", slug).output
    source = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    assert yaml.safe_load(exported)["questions"][1] == source["questions"][1]
    assert yaml.safe_load(exported)["description"] == source["description"]

    as_json = tmp_path / "copy.json"
    as_json.write_text(invoke(runner, "export-definition", slug, "--format", "json").output)
    again = invoke(runner, "import", str(as_json)).output.strip()
    assert load_survey(session, again).phase(utcnow()) == Phase.DRAFT
    assert yaml.safe_load(invoke(runner, "export-definition", again).output) == yaml.safe_load(
        exported
    )


def test_import_reports_problems_without_a_traceback(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "format: survey/v1\ntitle: 调查\nquestions:\n  - type: single\n    title: 性质\n"
        "    options: [国企]\n",
        encoding="utf-8",
    )
    result = invoke(runner, "import", str(broken))
    assert result.exit_code == 1
    assert f"{broken}: 第 1 题的选项：至少需要两个选项（第 6 行）" in result.output
    assert "Traceback" not in result.output


def test_import_refuses_unknown_file_types(runner, tmp_path):
    other = tmp_path / "survey.doc"
    other.write_bytes(b"\xd0\xcf\x11\xe0")
    result = invoke(runner, "import", str(other))
    assert result.exit_code != 0 and "不支持的文件类型" in result.output


def test_import_a_word_questionnaire(runner, session, tmp_path):
    document = docx.Document()
    document.add_paragraph("企业调查")
    document.add_paragraph("企业性质（必填）", style="List Number")
    document.add_paragraph("□国企 □民企 □外企")
    document.add_paragraph("联系电话", style="List Number")
    source = tmp_path / "问卷.docx"
    document.save(source)
    result = invoke(runner, "import", str(source))
    assert result.exit_code == 0, result.output
    assert f"{source}: 注意：第 2 题按手机号码导入（标题含“联系电话”）" in result.output
    survey = load_survey(session, result.output.strip().splitlines()[-1])
    assert [(q.type, q.title, q.required) for q in survey.questions] == [
        ("single", "企业性质", True), ("mobile", "联系电话", False),
    ]  # fmt: skip
    assert [o.label for o in survey.questions[0].options] == ["国企", "民企", "外企"]
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK")
    refused = invoke(runner, "import", str(fake))
    assert refused.exit_code == 1 and "另存为 .docx" in refused.output


def test_lifecycle_commands(runner, session):
    slug = invoke(runner, "import", str(DEMO)).output.strip()
    assert invoke(runner, "open", slug).exit_code == 0
    assert load_survey(session, slug).phase(utcnow()) == Phase.OPEN
    assert invoke(runner, "publish-results", slug).exit_code == 0
    session.expire_all()
    assert load_survey(session, slug).results_published
    assert invoke(runner, "close", slug).exit_code == 0
    session.expire_all()
    assert load_survey(session, slug).phase(utcnow()) == Phase.ENDED
    assert invoke(runner, "export-results", "nosuch").exit_code != 0


def test_create_user_reads_the_password_from_stdin_and_is_audited(runner, session):
    from sqlalchemy import select

    from survey.accounts.services import authenticate
    from survey.core.audit import AuditEvent

    result = runner.invoke(
        args=["create-user", "chen", "--role", "admin"], input="a long password\n"
    )
    assert result.exit_code == 0, result.output
    user = authenticate(session, "chen", "a long password")
    assert user is not None and user.role == "admin"
    assert user.password_hash != "a long password"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
    assert event.username == "命令行" and event.detail == {"target": "chen", "role": "admin"}
    again = runner.invoke(args=["create-user", "CHEN"], input="another long password\n")
    assert again.exit_code != 0 and "已存在" in again.output
    short = runner.invoke(args=["create-user", "sun"], input="short\n")
    assert short.exit_code != 0 and "密码至少 10 位" in short.output


def test_shell_changes_are_in_the_audit_log(runner, session):
    from sqlalchemy import select

    from survey.core.audit import AuditEvent

    slug = invoke(runner, "import", str(DEMO), "--open").output.strip()
    invoke(runner, "close", slug)
    invoke(runner, "publish-results", slug)
    invoke(runner, "export-results", slug)
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["survey.import", "survey.open", "survey.close", "survey.publish",
                       "results.export"]  # fmt: skip
