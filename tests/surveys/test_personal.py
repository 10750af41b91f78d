"""Personal information at rest (个人信息保护法): answers of the personal kinds and of questions
staff mark 个人信息 are sealed in the database file itself, shown to staff masked, revealed only
by a permission and audited, left out of exports unless that permission asks for them, still
readable after the data key is rotated, and deleted after the retention period with every count
kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from survey.config import office_zone
from survey.core import sealing
from survey.core.audit import AuditEvent
from survey.core.models import utcnow
from survey.surveys import personal
from survey.surveys.definition import export_definition, validate
from survey.surveys.models import Answer, Question, Survey
from survey.surveys.results import survey_results
from tests.conftest import csrf_of
from tests.helpers import fresh_form, plain

QUESTIONS = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "contact", "type": "person_name", "title": "联系人"},
    {"id": "phone", "type": "mobile", "title": "联系电话"},
    {"id": "id_number", "type": "id_number", "title": "身份证号", "required": False},
    {"id": "where", "type": "text", "title": "企业地址", "personal": True, "required": False},
    {"id": "advice", "type": "textarea", "title": "意见建议", "required": False},
]
GIVEN = {
    "nature": "民企", "contact": "张三祥", "phone": "13912345678",
    "id_number": "11010519491231002X", "where": "烟台市芝罘区北马路 88 号",
    "advice": "希望简化出口退税手续",
}  # fmt: skip
SECRETS = ("张三祥", "13912345678", "11010519491231002X", "北马路")


@pytest.fixture
def answered(client, session, make_survey):
    survey = make_survey(QUESTIONS)
    for phone in ("13912345678", "13800001111"):
        form = fresh_form(client, survey, {**GIVEN, "phone": phone})
        assert client.post(f"/s/{survey.slug}", data=form).status_code == 303
    return survey


def _database_bytes(session, app) -> bytes:
    """Everything the database holds of the answers, as an attacker with a copy would read it:
    the SQLite file (and its write-ahead log), or PostgreSQL's answer table row by row."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    rows = session.execute(text("SELECT answer::text FROM answer")).scalars()
    return "\n".join(rows).encode()


def test_personal_answers_are_not_in_the_database_in_clear(app, session, answered):
    held = _database_bytes(session, app)
    assert "希望简化出口退税手续".encode() in held  # an ordinary answer: the check reads answers
    for secret in SECRETS:
        assert secret.encode() not in held, secret
    sealed = session.scalars(select(Answer).where(Answer.sealed.is_(True))).all()
    assert len(sealed) == 8  # four personal questions, two responses
    where = next(q for q in answered.questions if q.key == "where")
    assert where.is_personal and where.marked_personal  # marked by staff, not by its kind


def test_staff_see_them_masked_and_only_a_permission_reveals_them(client, session, login, answered):
    first = min(session.scalars(select(Answer.response_id)))
    login("editor")
    page = plain(client.get(f"/admin/responses/{first}").get_data(as_text=True))
    assert "张*祥" in page and "139****5678" in page and "11**************2X" in page
    assert "13912345678" not in page and "张三祥" not in page
    assert "希望简化出口退税手续" in page and "请联系管理员" in page
    token = csrf_of(client, f"/admin/responses/{first}")
    refused = client.post(f"/admin/responses/{first}/reveal", data={"csrf_token": token})
    assert refused.status_code == 403
    phone = next(q for q in answered.questions if q.key == "phone")
    typed = plain(client.get(f"/admin/questions/{phone.id}/answers").get_data(as_text=True))
    assert "138****1111" in typed and "13800001111" not in typed
    client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")})
    login("admin")
    token = csrf_of(client, f"/admin/responses/{first}")
    revealed = client.post(f"/admin/responses/{first}/reveal", data={"csrf_token": token})
    shown = plain(revealed.get_data(as_text=True))
    assert "张三祥" in shown and "13912345678" in shown and "已记入操作日志" in shown
    reveal = session.scalars(select(AuditEvent).where(AuditEvent.action == "response.reveal"))
    assert [e.detail["response"] for e in reveal] == [first]


def test_exports_leave_personal_answers_out_unless_permitted(client, session, login, answered):
    url = f"/admin/surveys/{answered.id}/responses.csv"
    login("editor")
    rows = client.get(url).get_data(as_text=True)
    assert "意见建议" in rows and "联系电话" not in rows and "13912345678" not in rows
    assert client.get(f"{url}?personal=1").status_code == 403
    client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")})
    login("admin")
    exported = client.get(f"{url}?personal=1")
    assert (
        "%E5%90%AB%E4%B8%AA%E4%BA%BA%E4%BF%A1%E6%81%AF" in exported.headers["Content-Disposition"]
    )
    full = exported.get_data(as_text=True)
    assert "联系电话" in full and "13912345678" in full and "张三祥" in full
    exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "responses.export"))
    assert [e.detail["personal"] for e in exports] == [False, True]


def test_the_api_and_webhooks_never_give_them_in_clear(app, client, session, answered):
    from survey.surveys.events import response_created

    first = min(session.scalars(select(Answer.response_id)))
    payload = str(response_created(session, first))
    assert "希望简化出口退税手续" in payload
    assert not any(secret in payload for secret in SECRETS)


def test_rotating_the_data_key_keeps_every_answer_readable(app, runner, session, answered):
    data_key = app.config["DATA_KEY"]
    before = _clear_answers(session, [data_key])
    result = runner.invoke(args=["rotate-data-key"])
    assert result.exit_code == 0, result.output
    assert "已用新密钥重新加密 8 条个人信息" in result.output
    instance = Path(app.instance_path)
    new_key = (instance / "data_key").read_text()
    assert new_key != data_key and (instance / "previous_data_keys").read_text() == data_key
    session.expire_all()
    assert _clear_answers(session, [new_key]) == before  # under the new key alone
    with pytest.raises(sealing.SealingError):
        _clear_answers(session, [data_key])
    # Run again (after an interruption, say): what is under the new key already stays so.
    again = runner.invoke(args=["rotate-data-key", "--new-key", new_key])
    assert again.exit_code == 0 and "重新加密 0 条" in again.output
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "data_key.rotate")).all() == ["data_key.rotate"] * 2  # fmt: skip


def _clear_answers(session, keys) -> list[str]:
    rows = session.execute(
        select(Answer.question_id, Answer.text).where(Answer.sealed.is_(True)).order_by(Answer.id)
    )
    return [sealing.unseal_any(keys, sealed, personal.context(q)) for q, sealed in rows]


def test_purge_deletes_personal_answers_after_the_retention_period_and_keeps_counts(
    app, runner, client, session, login, make_survey
):
    survey = make_survey(QUESTIONS, retention_days=30)
    for phone in ("13912345678", "13800001111"):
        form = fresh_form(client, survey, {**GIVEN, "phone": phone})
        assert client.post(f"/s/{survey.slug}", data=form).status_code == 303
    counts = _counts(session, survey)
    assert runner.invoke(args=["purge-personal-data"]).output == ""  # still open: kept
    survey.close(utcnow() - timedelta(days=31))
    session.commit()
    result = runner.invoke(args=["purge-personal-data"])
    assert result.exit_code == 0 and "已删除 8 条个人信息" in result.output
    session.expire_all()
    assert _counts(session, survey) == counts
    texts = session.scalars(select(Answer.text).where(Answer.sealed.is_(True))).all()
    assert texts == [""] * 8
    assert "希望简化出口退税手续" in session.scalars(select(Answer.text)).all()
    assert runner.invoke(args=["purge-personal-data"]).output == ""  # nothing more to delete
    login("editor")
    first = min(session.scalars(select(Answer.response_id)))
    page = plain(client.get(f"/admin/responses/{first}").get_data(as_text=True))
    assert "已按保存期限删除" in page
    purged = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.purge_personal"))
    assert [e.detail["answers"] for e in purged] == [8]


def _counts(session, survey):
    session.expire_all()
    survey = session.get(Survey, survey.id)
    tables = survey_results(session, survey).tables
    return (
        survey.response_count,
        [(t.question.key, t.respondents, [r.count for r in t.rows]) for t in tables],
        sorted(session.execute(select(Question.key, Question.respondent_count)).all()),
    )


def test_the_mark_and_the_retention_round_trip_and_a_marked_question_keeps_its_mark(
    client, session, login, answered
):
    exported = export_definition(answered, office_zone())
    where = next(q for q in exported["questions"] if q["id"] == "where")
    assert where["personal"] is True
    assert validate({**exported, "retention_days": 90}, office_zone())["retention_days"] == 90
    with pytest.raises(Exception, match="personal"):
        validate({**exported, "questions": [{**where, "personal": "是"}]}, office_zone())
