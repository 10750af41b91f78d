"""Changing a questionnaire in the designer.

Once answers exist they must keep meaning what they meant: questions and options may be retitled
and options added; an option with answers is retired (kept in results, hidden from respondents)
instead of deleted; a question with answers cannot change its type or be deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.window import Status
from survey.surveys.definition import END, LIMITS, create_survey
from survey.surveys.models import Option, Question, Survey
from survey.surveys.queries import has_answers, option_has_answers
from survey.surveys.questions import REGISTRY, get_type
from survey.surveys.revisions import remember, undo


class DesignError(Refusal):
    """An edit that is refused; the message explains why."""


@dataclass
class OptionEdit:
    """One row of the option editor: an existing option's id (None for a new one)."""

    id: int | None
    label: str
    fill_in: bool


def _editable(survey: Survey) -> None:
    if survey.status == Status.ARCHIVED:
        raise DesignError(_("已归档的问卷不能修改"))


def new_draft(session: Session, actor: User | None, title: str, issuer: str) -> Survey:
    """An empty draft to fill in the designer."""
    title, issuer = title.strip(), issuer.strip()
    if not title or len(title) > LIMITS["title"] or len(issuer) > LIMITS["issuer"]:
        raise DesignError(_("请填写问卷标题（最多 %(n)s 字）", n=LIMITS["title"]))
    survey = create_survey(
        session,
        {"title": title, "issuer": issuer, "description": "", "thank_you": "", "opens": None,
         "closes": None, "questions": []},
    )  # fmt: skip
    survey.department_id = actor.department_id if actor else None
    audit.record(session, actor, "survey.create", survey)
    return survey


def import_survey(
    session: Session, actor: User | None, definition: dict[str, Any], fmt: str
) -> Survey:
    """A draft from an imported definition (``fmt``: yaml, json or txt, for the log)."""
    survey = create_survey(session, definition)
    survey.department_id = actor.department_id if actor else None
    audit.record(session, actor, "survey.import", survey, format=fmt)
    return survey


def update_settings(
    session: Session,
    survey: Survey,
    actor: User | None,
    *,
    title: str,
    issuer: str,
    description: str,
    thank_you: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> None:
    _editable(survey)
    title = title.strip()
    if not title:
        raise DesignError(_("请填写问卷标题"))
    if len(title) > LIMITS["title"] or len(issuer.strip()) > LIMITS["issuer"]:
        raise DesignError(
            _(
                "标题最多 %(title)s 字，发布单位最多 %(issuer)s 字",
                title=LIMITS["title"],
                issuer=LIMITS["issuer"],
            )
        )
    if opens_at and closes_at and opens_at >= closes_at:
        raise DesignError(_("截止时间应晚于开始时间"))
    fields = ("title", "issuer", "description", "thank_you", "opens_at", "closes_at")
    before = {name: getattr(survey, name) for name in fields}
    remember(session, survey, actor, "survey.edit")
    survey.title, survey.issuer = title, issuer.strip()
    survey.description, survey.thank_you = description.strip(), thank_you.strip()
    survey.opens_at, survey.closes_at = opens_at, closes_at
    changes = {
        name: [_logged(value), _logged(getattr(survey, name))]
        for name, value in before.items()
        if getattr(survey, name) != value
    }
    if changes:
        audit.record(session, actor, "survey.edit", survey, changes=changes)


def _logged(value: Any) -> Any:
    """A value as the audit log keeps it (JSON): times as ISO text."""
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else value


def _unused_key(survey: Survey) -> str:
    keys = {q.key for q in survey.questions}
    number = len(survey.questions) + 1
    while f"q{number}" in keys:
        number += 1
    return f"q{number}"


def add_question(session: Session, survey: Survey, actor: User | None, type_name: str) -> Question:
    _editable(survey)
    kind = REGISTRY.get(type_name)
    if kind is None:
        raise DesignError(_("未知的题型"))
    remember(session, survey, actor, "question.add")
    question = Question(
        position=len(survey.questions),
        key=_unused_key(survey),
        type=kind.name,
        title=_("新的%(type)s", type=kind.display_name),
        help="",
        required=False,
        settings=dict(kind.default_settings),
    )
    labels = kind.generated_options(question.settings) or (
        [_("选项%(n)s", n=i + 1) for i in range(2)] if kind.has_options else []
    )
    question.options = [Option(position=i, label=label) for i, label in enumerate(labels)]
    survey.questions.append(question)
    session.flush()
    audit.record(session, actor, "question.add", survey, **_named(question), type=kind.name)
    return question


def update_question(
    session: Session,
    question: Question,
    actor: User | None,
    *,
    title: str,
    help: str,
    required: bool,
    type_name: str,
    settings: dict[str, Any],
    options: list[OptionEdit],
    personal: bool = False,
) -> None:
    """Change a question as the designer posts it; ``personal``: staff mark it 个人信息."""
    survey = question.survey
    _editable(survey)
    title = title.strip()
    if not title and (type_name not in REGISTRY or get_type(type_name).title_required):
        raise DesignError(_("请填写题目"))
    answered = has_answers(session, question)
    if type_name != question.type:
        if type_name not in REGISTRY:
            raise DesignError(_("未知的题型"))
        if answered:
            raise DesignError(
                _("这道题已有答卷，不能更改题型：已有的回答会失去意义。可以新建一道题。")
            )
    kind = get_type(type_name)
    options = [OptionEdit(o.id, o.label.strip(), o.fill_in) for o in options if o.label.strip()]
    if kind.has_options and not options and not question.active_options:
        # Turned into a choice question just now: start it with two options to rename.
        options = [OptionEdit(None, _("选项%(n)s", n=n), False) for n in (1, 2)]
    if kind.has_options:
        labels = [o.label for o in options]
        if len(labels) < 2:
            raise DesignError(_("至少需要两个选项"))
        if len(set(labels)) != len(labels):
            raise DesignError(_("选项不能重复"))
        if any(len(label) > LIMITS["label"] for label in labels):
            raise DesignError(_("选项最多 %(n)s 个字", n=LIMITS["label"]))
    problems = kind.check_settings(settings, len(options))
    if problems:
        raise DesignError("；".join(message for _key, message in problems))
    if answered and personal != question.marked_personal:
        # Its answers are stored sealed or not by the mark they were given under.
        raise DesignError(_("这道题已有答卷，不能更改“个人信息”标记。可以新建一道题。"))
    if answered:
        # Answers store a matrix column by its position: columns may be renamed or added at the
        # end, not removed.
        for setting in kind.settings:
            before = question.settings.get(setting.key)
            if setting.kind is list and before and len(settings.get(setting.key, [])) < len(before):
                raise DesignError(
                    _("这道题已有答卷，“%(label)s”只能改名或在末尾添加", label=setting.label)
                )
    generated = kind.generated_options(settings)
    remember(session, survey, actor, "question.edit", question.key)
    if generated is not None:
        # A scale's points: an existing point keeps its option, and so its answers.
        ids = {o.label: o.id for o in question.options if type_name == question.type}
        options = [OptionEdit(ids.get(label), label, False) for label in generated]
    before = _fields(question)
    question.title, question.help, question.required = title, help.strip(), required
    question.type, question.settings = type_name, settings
    question.marked_personal = personal
    keeps_options = kind.has_options or generated is not None
    retired = _apply_options(session, question, options if keeps_options else [])
    for label in retired:
        audit.record(session, actor, "option.retire", survey, **_named(question), option=label)
    check_logic(survey)
    after = _fields(question)
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changes:
        audit.record(
            session, actor, "question.edit", survey, **_named(question), changes=changes,
        )  # fmt: skip


def _named(question: Question) -> dict[str, Any]:
    """How the audit log names a question: its number and title as they were then."""
    return {"number": question.number, "question": question.title}


def _fields(question: Question) -> dict[str, Any]:
    """What the audit log compares of a question before and after an edit."""
    return {
        "title": question.title,
        "help": question.help,
        "type": question.type,
        "required": question.required,
        "personal": question.marked_personal,
        # A fill-in option written as the text import reads it: 其他____.
        "options": [o.label + ("____" if o.fill_in else "") for o in question.active_options],
        "settings": dict(question.settings),
    }


def set_logic(
    session: Session,
    question: Question,
    actor: User | None,
    *,
    any_of: bool,
    conditions: list[tuple[int, bool]],
    jumps: dict[int, str],
) -> None:
    """Set a question's display condition ((option id, chosen) pairs, all or any of them) and
    its skip rules (option id -> the key of a later question, or "end")."""
    _editable(question.survey)
    logic: dict[str, Any] = {}
    if conditions:
        mode = "any" if any_of else "all"
        logic["show_if"] = {mode: [{"option": o, "chosen": c} for o, c in conditions]}
    # Targets chosen for options removed in the same edit go with them.
    offered = [o.id for o in question.active_options if o.id in jumps]
    if offered and get_type(question.type).chooses_options:
        logic["skip"] = [
            {"option": option, "to": None if jumps[option] == END else jumps[option]}
            for option in offered
        ]
    if logic != (question.logic or {}):
        remember(session, question.survey, actor, "question.edit", question.key)
        question.logic = logic
        check_logic(question.survey)
        audit.record(session, actor, "question.logic", question.survey, **_named(question))


def check_logic(survey: Survey) -> None:
    """Refuse a questionnaire whose logic no longer fits it: conditions on options that are no
    longer offered or on questions that are not earlier choice questions, jumps backwards."""
    place = {q.key: index for index, q in enumerate(survey.questions)}
    for index, question in enumerate(survey.questions):
        logic = question.logic or {}
        offered = {
            o.id: q
            for q in survey.questions[:index]
            if get_type(q.type).chooses_options
            for o in q.active_options
        }
        for conditions in logic.get("show_if", {}).values():
            if any(c["option"] not in offered for c in conditions):
                raise DesignError(
                    _("“%(title)s”的显示条件只能用前面选择题的选项", title=_short(question))
                )
        own = {o.id for o in question.active_options}
        for jump in logic.get("skip", []):
            if jump["option"] not in own or (
                jump["to"] is not None and place.get(jump["to"], -1) <= index
            ):
                raise DesignError(_("“%(title)s”的跳转只能跳到后面的题目", title=_short(question)))


def _short(question: Question) -> str:
    return question.title if len(question.title) <= 20 else question.title[:20] + "…"


def _apply_options(session: Session, question: Question, edits: list[OptionEdit]) -> list[str]:
    """Make the question's options on offer match ``edits``; returns the labels retired."""
    by_id = {option.id: option for option in question.options}
    kept = {edit.id for edit in edits if edit.id in by_id}
    retired = []
    for option in list(question.options):
        if option.id in kept or not option.is_active:
            continue
        # Someone may be filling in the live form right now: only a draft's options disappear.
        if question.survey.status != Status.DRAFT or option_has_answers(session, option):
            option.is_active = False
            retired.append(option.label)
        else:
            question.options.remove(option)
    order: list[Option] = []
    for edit in edits:
        existing = by_id.get(edit.id) if edit.id is not None else None
        if existing is None:
            option = Option(label=edit.label)
            question.options.append(option)
        else:
            option = existing
        option.label, option.fill_in, option.is_active = edit.label, edit.fill_in, True
        order.append(option)
    # A retired option keeps its place, so result tables keep the order they were published in.
    for index, option in enumerate(question.options):
        if not option.is_active:
            order.insert(min(index, len(order)), option)
    for position, option in enumerate(order):
        option.position = position
    question.options.sort(key=lambda o: o.position)
    session.flush()
    return retired


def move_question(session: Session, question: Question, actor: User | None, step: int) -> None:
    survey = question.survey
    _editable(survey)
    questions = survey.questions
    index = questions.index(question)
    target = index + step
    if not 0 <= target < len(questions):
        return
    remember(session, survey, actor, "question.move", question.key)
    # Reorder a copy: assigning into the relationship list would detach and re-attach questions.
    order = list(questions)
    order[index], order[target] = order[target], order[index]
    for position, item in enumerate(order):
        item.position = position
    questions.sort(key=lambda q: q.position)
    check_logic(survey)
    audit.record(
        session, actor, "question.move", survey, **_named(question),
        changes={"position": [index + 1, target + 1]},
    )  # fmt: skip


def duplicate_question(session: Session, question: Question, actor: User | None) -> Question:
    survey = question.survey
    _editable(survey)
    remember(session, survey, actor, "question.duplicate", question.key)
    copy = Question(
        key=_unused_key(survey),
        type=question.type,
        title=_("%(title)s（副本）", title=question.title),
        help=question.help,
        required=question.required,
        settings=dict(question.settings),
        position=0,
        options=[
            Option(position=i, label=o.label, fill_in=o.fill_in)
            for i, o in enumerate(question.active_options)
        ],
    )
    survey.questions.insert(survey.questions.index(question) + 1, copy)
    for position, item in enumerate(survey.questions):
        item.position = position
    session.flush()
    audit.record(session, actor, "question.duplicate", survey, **_named(question), copy=copy.title)
    return copy


def delete_question(session: Session, question: Question, actor: User | None) -> None:
    survey = question.survey
    _editable(survey)
    if has_answers(session, question):
        raise DesignError(_("这道题已有答卷，不能删除：删除会丢失已收集的回答。"))
    remember(session, survey, actor, "question.delete", question.key)
    named = _named(question)
    survey.questions.remove(question)
    for position, item in enumerate(survey.questions):
        item.position = position
    check_logic(survey)
    session.flush()
    audit.record(session, actor, "question.delete", survey, **named)


def reorder_questions(
    session: Session, survey: Survey, actor: User | None, order: list[int]
) -> None:
    """Put the questions in ``order`` (every question's id once), as dragged in the designer."""
    _editable(survey)
    questions = {q.id: q for q in survey.questions}
    if sorted(order) != sorted(questions):
        raise DesignError(_("题目已被修改，请刷新页面后重试"))
    if order == [q.id for q in survey.questions]:
        return
    remember(session, survey, actor, "question.move")
    before = [q.title for q in survey.questions]
    for position, id in enumerate(order):
        questions[id].position = position
    survey.questions.sort(key=lambda q: q.position)
    check_logic(survey)
    after = [q.title for q in survey.questions]
    audit.record(session, actor, "question.move", survey, changes={"order": [before, after]})


def undo_last(session: Session, survey: Survey, actor: User | None) -> str:
    """Take back the last change in the designer; returns its audit action."""
    _editable(survey)
    revision = undo(session, survey, actor)
    check_logic(survey)
    return revision.action
