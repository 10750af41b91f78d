"""The designer as its page (designer.js, htmx) drives it: saving as one types, dragging into
order, and 撤销; through the test client, with the headers htmx sends."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from survey.core.audit import AuditEvent
from survey.surveys import revisions
from survey.surveys.models import DesignRevision, Option, Question, Survey
from tests.conftest import csrf_of
from tests.helpers import flashes, plain
from tests.logic_survey import PAGED_SURVEY

HTMX = {"HX-Request": "true"}
CHOICE = [
    {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企", "外企"]},
    {"id": "name", "type": "text", "title": "企业名称"},
    {"id": "phone", "type": "mobile", "title": "联系电话"},
]


def editor_post(client, survey, question, **fields):
    data = {
        "csrf_token": csrf_of(client, f"/admin/surveys/{survey.id}/edit"),
        "type": question.type,
        "title": question.title,
        "option_key": [str(o.id) for o in question.active_options],
        "option_label": [o.label for o in question.active_options],
        **fields,
    }
    return client.post(f"/admin/questions/{question.id}", data=data, headers=HTMX)


def test_saving_as_one_types_keeps_added_options_once(client, session, login, make_survey):
    login("editor")
    survey = make_survey(CHOICE, status="draft")
    nature = survey.questions[0]
    keys = [str(o.id) for o in nature.options]
    first = editor_post(
        client, survey, nature,
        option_key=[*keys, "new-js-1"], option_label=["国企", "民企", "外企", "港澳台"],
    )  # fmt: skip
    # Saved without a page: the page is told the new option's id, to send next time.
    assert first.status_code == 204
    session.expire_all()
    added = session.scalars(select(Option).where(Option.label == "港澳台")).one()
    assert json.loads(first.headers["HX-Trigger"]) == {
        "designer-saved": {"keys": {"new-js-1": added.id}}
    }
    # The next save (the label typed on) renames that option instead of adding another.
    again = editor_post(
        client, survey, nature,
        option_key=[*keys, str(added.id)], option_label=["国企", "民企", "外企", "港澳台企业"],
    )  # fmt: skip
    assert again.status_code == 204
    session.expire_all()
    assert [o.label for o in session.get(Question, nature.id).options] == [
        "国企", "民企", "外企", "港澳台企业",
    ]  # fmt: skip
    assert session.get(Option, added.id).label == "港澳台企业"


def test_an_invalid_save_comes_back_as_the_editor_with_the_reason_beside_the_field(
    client, session, login, make_survey
):
    login("editor")
    survey = make_survey(CHOICE, status="draft")
    nature = survey.questions[0]
    refused = editor_post(client, survey, nature, title="  ")
    assert refused.status_code == 422
    editor = refused.get_data(as_text=True)
    assert f'id="q-{nature.id}"' in editor and "<html" not in editor
    assert "请填写题目" in plain(editor)
    duplicate = editor_post(
        client, survey, nature,
        option_key=[str(o.id) for o in nature.options], option_label=["国企", "国企", "外企"],
    )  # fmt: skip
    assert duplicate.status_code == 422
    assert json.loads(duplicate.headers["HX-Trigger"]) == {"designer-refused": "选项不能重复"}
    session.expire_all()
    assert session.get(Question, nature.id).title == "企业性质"


def test_done_shows_the_question_as_respondents_see_it(client, session, login, make_survey):
    login("editor")
    survey = make_survey(CHOICE, status="draft")
    nature = survey.questions[0]
    done = editor_post(client, survey, nature, title="贵企业的性质", required="y", done="1")
    assert done.status_code == 200
    card = plain(done.get_data(as_text=True))
    assert "1. 贵企业的性质*" in card and "国企" in card and "编辑" in card
    assert json.loads(done.headers["HX-Trigger"])["designer-numbers"] == {
        str(q.id): n for n, q in enumerate(survey.questions, start=1)
    }


def test_dragged_order_is_kept_and_logic_still_guards_it(client, session, login, make_survey):
    login("editor")
    survey = make_survey(CHOICE, status="draft")
    nature, name, phone = survey.questions
    url = f"/admin/surveys/{survey.id}/order"
    token = csrf_of(client, f"/admin/surveys/{survey.id}/edit")
    moved = client.post(
        url, data={"csrf_token": token, "order": [phone.id, nature.id, name.id]}, headers=HTMX
    )
    assert moved.status_code == 204
    numbers = json.loads(moved.headers["HX-Trigger"])["designer-numbers"]
    assert numbers == {str(phone.id): 1, str(nature.id): 2, str(name.id): 3}
    session.expire_all()
    assert [q.title for q in session.get(Survey, survey.id).questions] == [
        "联系电话", "企业性质", "企业名称",
    ]  # fmt: skip
    # An order from a page that no longer matches the questions is refused, changing nothing.
    stale = client.post(url, data={"csrf_token": token, "order": [phone.id]}, headers=HTMX)
    assert stale.status_code == 422
    assert "请刷新页面" in json.loads(stale.headers["HX-Trigger"])["designer-refused"]

    paged = make_survey(PAGED_SURVEY, status="draft")
    ids = [q.id for q in paged.questions]
    size = next(i for i, q in zip(ids, paged.questions, strict=True) if q.key == "size")
    order = [size, *[i for i in ids if i != size]]  # 民企规模 above the 企业性质 it depends on
    token = csrf_of(client, f"/admin/surveys/{paged.id}/edit")
    refused = client.post(
        f"/admin/surveys/{paged.id}/order", data={"csrf_token": token, "order": order},
        headers=HTMX,
    )  # fmt: skip
    assert refused.status_code == 422
    assert (
        "显示条件只能用前面选择题的选项"
        in json.loads(refused.headers["HX-Trigger"])["designer-refused"]
    )
    session.expire_all()
    assert [q.id for q in session.get(Survey, paged.id).questions] == ids


def test_undo_takes_back_the_last_changes_one_at_a_time(client, session, login, make_survey):
    login("editor")
    survey = make_survey(CHOICE, status="draft")
    designer = f"/admin/surveys/{survey.id}/edit"
    nature = survey.questions[0]
    assert "撤销" not in plain(client.get(designer).get_data(as_text=True))
    # Typing a title saves several times: one 撤销 takes the whole burst back.
    for title in ("企", "企业", "企业类型"):
        editor_post(client, survey, nature, title=title)
    client.post(
        f"/admin/questions/{survey.questions[1].id}/delete",
        data={"csrf_token": csrf_of(client, designer)}, headers=HTMX,
    )  # fmt: skip
    session.expire_all()
    assert [q.title for q in session.get(Survey, survey.id).questions] == ["企业类型", "联系电话"]

    page = plain(client.get(designer).get_data(as_text=True))
    assert "撤销：删除题目" in page
    client.post(f"{designer[:-5]}/undo", data={"csrf_token": csrf_of(client, designer)})
    assert "已撤销：删除题目" in flashes(client, designer)
    session.expire_all()
    restored = session.get(Survey, survey.id).questions
    assert [q.title for q in restored] == ["企业类型", "企业名称", "联系电话"]
    assert [q.key for q in restored] == ["nature", "name", "phone"]

    client.post(f"{designer[:-5]}/undo", data={"csrf_token": csrf_of(client, designer)})
    assert "已撤销：修改题目（第 1 题）" in flashes(client, designer)
    session.expire_all()
    back = session.get(Survey, survey.id).questions[0]
    assert back.title == "企业性质" and back.id == nature.id
    assert [o.id for o in back.options] == [o.id for o in nature.options]

    client.post(f"{designer[:-5]}/undo", data={"csrf_token": csrf_of(client, designer)})
    assert "没有可以撤销的修改" in flashes(client, designer)
    undone = session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.undo")).all()
    assert [e.detail["undone"] for e in undone] == ["question.delete", "question.edit"]


def test_undo_keeps_answers_with_what_they_answered(client, session, login, demo_survey):
    login("editor")
    designer = f"/admin/surveys/{demo_survey.id}/edit"
    session.expire_all()
    nature = next(q for q in demo_survey.questions if q.title == "企业性质")
    counts = {o.id: o.answer_count for o in nature.options}
    assert sorted(counts.values()) == [0, 1, 3]
    editor_post(
        client, demo_survey, nature, title="企业性质（修订）",
        option_key=[str(o.id) for o in nature.options][:2],
        option_label=[o.label for o in nature.options][:2],
    )  # fmt: skip
    session.expire_all()
    retired = [o.label for o in session.get(Question, nature.id).options if not o.is_active]
    assert retired == ["外企"]
    client.post(f"{designer[:-5]}/undo", data={"csrf_token": csrf_of(client, designer)})
    session.expire_all()
    question = session.get(Question, nature.id)
    assert question.title == "企业性质"
    assert [(o.label, o.is_active) for o in question.options] == [
        ("国企", True), ("民企", True), ("外企", True),
    ]  # fmt: skip
    assert {o.id: o.answer_count for o in question.options} == counts


def test_undo_that_would_lose_answers_is_refused(session, make_survey, make_user):
    from survey.surveys import design
    from survey.surveys.models import Answer, Response

    survey = make_survey(CHOICE, status="open")
    editor = make_user("editor")
    design.add_question(session, survey, editor, "text")
    added = survey.questions[-1]
    response = Response(survey_id=survey.id, submission_key="k" * 20)
    session.add(response)
    session.flush()
    session.add(Answer(response_id=response.id, question_id=added.id, text="已填写"))
    session.flush()
    try:
        design.undo_last(session, survey, editor)
    except revisions.UndoError as refusal:
        assert "已有答卷" in refusal.message
    else:
        raise AssertionError("an undo that deletes answers went through")


def test_revisions_are_kept_to_a_bound(session, make_survey, make_user):
    from survey.surveys import design

    survey = make_survey(CHOICE, status="draft")
    editor = make_user("editor")
    for _ in range(revisions.KEPT + 5):
        design.duplicate_question(session, survey.questions[0], editor)
    kept = session.scalar(
        select(func.count(DesignRevision.id)).where(DesignRevision.survey_id == survey.id)
    )
    assert kept == revisions.KEPT


def test_the_audit_log_keeps_each_change_before_and_after(client, session, login, make_survey):
    login("admin")
    survey = make_survey(CHOICE, status="draft")
    nature = survey.questions[0]
    editor_post(
        client, survey, nature, required="y",
        option_key=[str(o.id) for o in nature.options] + ["new-1"],
        option_label=["国企", "民企", "外企", "其他"], option_fill_in=["new-1"],
    )  # fmt: skip
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "question.edit")).one()
    assert event.detail["changes"] == {
        "required": [False, True],
        "options": [["国企", "民企", "外企"], ["国企", "民企", "外企", "其他____"]],
    }
    log = plain(client.get(f"/admin/audit?subject=survey_id:{survey.id}").get_data(as_text=True))
    assert "必答：否 → 是" in log
    assert "选项：国企、民企、外企 → 国企、民企、外企、其他____" in log
    assert "题号：第 1 题" in log and "题目：企业性质" in log
