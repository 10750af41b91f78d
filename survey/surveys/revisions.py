"""The designer's 撤销: the questionnaire as it was before each change, and going back to it.

A revision holds the settings and every question with its options, ids included, so going back
keeps every answer attached to the question and option it was given to. Going back is refused
where it would lose answers: removing a question that has them, or changing its type.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.core.models import utcnow
from survey.surveys.models import DesignRevision, Option, Question, Survey
from survey.surveys.queries import has_answers, option_has_answers

# Revisions kept per survey: enough to take back a morning's slips, few enough to stay small.
KEPT = 30
# Saves of one question by one person this close together are one change to take back (the
# designer saves as one types).
BURST = timedelta(seconds=90)
SETTINGS = ("title", "issuer", "description", "thank_you")


class UndoError(Refusal):
    """Going back is refused; the message says why."""


def snapshot(survey: Survey) -> dict[str, Any]:
    """The settings and questions as they are now."""
    return {
        "settings": {name: getattr(survey, name) for name in SETTINGS},
        "questions": [
            {
                "id": q.id,
                "key": q.key,
                "type": q.type,
                "title": q.title,
                "help": q.help,
                "required": q.required,
                "settings": q.settings,
                "logic": q.logic or {},
                "personal": q.marked_personal,
                "options": [
                    {"id": o.id, "label": o.label, "fill_in": o.fill_in, "active": o.is_active}
                    for o in q.options
                ],
            }
            for q in survey.questions
        ],
    }


def remember(
    session: Session, survey: Survey, actor: User | None, action: str, question_key: str = ""
) -> None:
    """Keep the questionnaire as it is before ``action``; call before changing anything."""
    latest = last(session, survey)
    if (
        latest is not None
        and action == "question.edit"
        and (latest.action, latest.question_key) == (action, question_key)
        and latest.user_id == (actor.id if actor else None)
        and utcnow() - latest.at < BURST
    ):
        latest.at = utcnow()
        return
    session.add(
        DesignRevision(
            survey_id=survey.id,
            at=utcnow(),
            user_id=actor.id if actor else None,
            action=action,
            question_key=question_key,
            snapshot=snapshot(survey),
        )
    )
    session.flush()
    stale = select(DesignRevision.id).where(DesignRevision.survey_id == survey.id)
    stale = stale.order_by(DesignRevision.id.desc()).offset(KEPT)
    session.execute(delete(DesignRevision).where(DesignRevision.id.in_(stale.scalar_subquery())))


def last(session: Session, survey: Survey) -> DesignRevision | None:
    """The change 撤销 would take back, if any."""
    statement = select(DesignRevision).where(DesignRevision.survey_id == survey.id)
    return session.scalars(statement.order_by(DesignRevision.id.desc()).limit(1)).first()


def undo(session: Session, survey: Survey, actor: User | None) -> DesignRevision:
    """Put the questionnaire back as it was before its last change; returns that revision."""
    revision = last(session, survey)
    if revision is None:
        raise UndoError(_("没有可以撤销的修改"))
    _restore(session, survey, revision.snapshot)
    session.delete(revision)
    about = next((q for q in survey.questions if q.key == revision.question_key), None)
    named: dict[str, Any] = {"number": about.number, "question": about.title} if about else {}
    audit.record(session, actor, "survey.undo", survey, undone=revision.action, **named)
    return revision


def _restore(session: Session, survey: Survey, state: dict[str, Any]) -> None:
    for name, value in state["settings"].items():
        setattr(survey, name, value)
    wanted = {q["id"] for q in state["questions"]}
    for question in list(survey.questions):
        if question.id not in wanted:
            if has_answers(session, question):
                raise UndoError(
                    _("撤销会删除已有答卷的题目“%(title)s”，不能撤销", title=question.title)
                )
            survey.questions.remove(question)
    session.flush()  # a re-created question may take a removed one's key
    live = {q.id: q for q in survey.questions}
    renumbered: dict[int, int] = {}  # option ids of the revision -> the ids they have now
    created: list[tuple[Option, int]] = []
    order: list[Question] = []
    for data in state["questions"]:
        found = live.get(data["id"])
        if found is None:
            question = Question(key=data["key"], position=0, settings={}, logic={})
            survey.questions.append(question)
        else:
            question = found
        if question.type != data["type"] and found is not None and has_answers(session, question):
            raise UndoError(
                _("撤销会更改已有答卷的题目“%(title)s”的题型，不能撤销", title=question.title)
            )
        question.type, question.title, question.help = data["type"], data["title"], data["help"]
        question.required, question.settings = data["required"], data["settings"]
        question.marked_personal = data["personal"]
        options = {o.id: o for o in question.options}
        kept = {o["id"] for o in data["options"]}
        for option in list(question.options):
            if option.id not in kept:
                if option_has_answers(session, option):
                    option.is_active = False
                else:
                    question.options.remove(option)
        for position, item in enumerate(data["options"]):
            option = options.get(item["id"]) or Option(label=item["label"])
            if option.id is None:
                question.options.append(option)
                created.append((option, item["id"]))
            option.label, option.fill_in = item["label"], item["fill_in"]
            option.is_active, option.position = item["active"], position
        # Options retired after the revision was taken keep their answers, after the others.
        extra = [o for o in question.options if o.id is not None and o.id not in kept]
        for position, option in enumerate(extra, start=len(data["options"])):
            option.position = position
        question.options.sort(key=lambda o: o.position)
        order.append(question)
    for position, question in enumerate(order):
        question.position = position
    survey.questions.sort(key=lambda q: q.position)
    session.flush()
    renumbered.update({old: option.id for option, old in created})
    for question, data in zip(order, state["questions"], strict=True):
        question.logic = _renumber(data["logic"], renumbered)


def _renumber(logic: dict[str, Any], ids: dict[int, int]) -> dict[str, Any]:
    """Logic whose conditions and jumps name options by the ids they have now."""

    def option(item: dict[str, Any]) -> dict[str, Any]:
        return {**item, "option": ids.get(item["option"], item["option"])}

    result: dict[str, Any] = {}
    if "show_if" in logic:
        result["show_if"] = {mode: [option(c) for c in conditions]
                             for mode, conditions in logic["show_if"].items()}  # fmt: skip
    if "skip" in logic:
        result["skip"] = [option(jump) for jump in logic["skip"]]
    return result
