"""Pages, display logic, skip logic and option order: which questions a respondent sees.

The rules, as the definition format states them and the browser applies them live
(``static/js/form.js`` follows the same steps):

- A question is shown when its own ``show_if`` holds, the ``show_if`` of its page (the page break
  that starts its page) holds, and no shown question before it jumped past it.
- ``show_if`` is ``all`` (AND) or ``any`` (OR) of conditions ``option chosen`` / ``not chosen``
  on earlier choice questions. A hidden question's answers are discarded, so it counts as
  having nothing chosen.
- A skip rule of a shown question applies when its option is chosen; the first such rule in the
  question's list wins. It hides every question after the source up to its target (``None``:
  to the end).

The server applies them to the submitted form (:func:`shown`), so a hidden question is never
required and its answers are never stored, whatever the browser sent.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from survey.surveys.models import Option, Question, Survey
from survey.surveys.questions import get_type
from survey.surveys.questions.base import field_name

PAGE_BREAK = "page"


@dataclass(frozen=True)
class Condition:
    question: str  # key of an earlier choice question
    option: Hashable  # an option of it (its id once stored)
    chosen: bool  # False: the option is not chosen

    def holds(self, chosen: Mapping[str, Collection[Hashable]]) -> bool:
        return (self.option in chosen.get(self.question, ())) == self.chosen


@dataclass(frozen=True)
class Rule:
    """``show_if``: all (AND) or any (OR) of its conditions."""

    any: bool
    conditions: tuple[Condition, ...]

    def holds(self, chosen: Mapping[str, Collection[Hashable]]) -> bool:
        results = (condition.holds(chosen) for condition in self.conditions)
        return any(results) if self.any else all(results)


@dataclass(frozen=True)
class Jump:
    """Skip logic: when ``option`` is chosen, go on at question ``to`` (None: the end)."""

    option: Hashable
    to: str | None


@dataclass(frozen=True)
class Step:
    """One question (or page break) as the logic sees it."""

    key: str
    page_break: bool = False
    show_if: Rule | None = None
    jumps: tuple[Jump, ...] = field(default_factory=tuple)


def shown(steps: Sequence[Step], answers: Mapping[str, Collection[Hashable]]) -> set[str]:
    """The keys of the steps shown to a respondent whose choices are ``answers`` (question key
    -> chosen options); page breaks are included when their page is shown."""
    visible: set[str] = set()
    effective: dict[str, Collection[Hashable]] = {}  # choices of shown questions only
    page_shown = True
    resume_at: str | None = ""  # "": no jump in progress; None: jumped to the end
    for step in steps:
        if resume_at is None:
            break
        jumped = bool(resume_at) and step.key != resume_at
        if not jumped:
            resume_at = ""
        holds = step.show_if is None or step.show_if.holds(effective)
        if step.page_break:
            # A jump into the middle of a page still meets that page's condition.
            page_shown = holds
        if jumped or not (holds and page_shown):
            continue
        visible.add(step.key)
        effective[step.key] = answers.get(step.key, ())
        for jump in step.jumps:
            if jump.option in effective[step.key]:
                resume_at = jump.to
                break
    return visible


def steps(survey: Survey) -> list[Step]:
    """The survey's questions as logic steps, options named by id."""
    question_of = {o.id: q.key for q in survey.questions for o in q.options}
    result = []
    for question in survey.questions:
        logic = question.logic or {}
        rule = None
        if logic.get("show_if"):
            mode = "any" if "any" in logic["show_if"] else "all"
            rule = Rule(
                any=mode == "any",
                conditions=tuple(
                    Condition(question_of.get(c["option"], ""), c["option"], c["chosen"])
                    for c in logic["show_if"][mode]
                ),
            )
        jumps = tuple(Jump(j["option"], j["to"]) for j in logic.get("skip", []))
        result.append(Step(question.key, question.type == PAGE_BREAK, rule, jumps))
    return result


def posted_choices(survey: Survey, form: MultiDict[str, str]) -> dict[str, set[int]]:
    """The options each choice question's field posted, valid ones only (validation proper is
    the type's; logic needs only what was chosen)."""
    choices = {}
    for question in survey.questions:
        if not get_type(question.type).chooses_options:
            continue
        posted = set(form.getlist(field_name(question)))
        choices[question.key] = {o.id for o in question.active_options if str(o.id) in posted}
    return choices


def shown_questions(survey: Survey, form: MultiDict[str, str]) -> set[int]:
    """Ids of the questions a respondent who posted ``form`` was shown."""
    if not any(question.logic for question in survey.questions):
        return {question.id for question in survey.questions}  # most surveys: every question
    keys = shown(steps(survey), posted_choices(survey, form))
    return {q.id for q in survey.questions if q.key in keys}


def pages(survey: Survey) -> list[tuple[Question | None, list[Question]]]:
    """The survey split at its page breaks: (the break that starts the page, its questions).
    The first page has no break; a break with nothing after it makes no page."""
    result: list[tuple[Question | None, list[Question]]] = [(None, [])]
    for question in survey.questions:
        if question.type == PAGE_BREAK:
            result.append((question, []))
        else:
            result[-1][1].append(question)
    return [page for page in result if page[1]]


def client_rules(survey: Survey) -> list[dict[str, Any]]:
    """The logic as the browser script reads it: one entry per question, by element id."""
    rules = []
    for step, question in zip(steps(survey), survey.questions, strict=True):
        rules.append(
            {
                "key": step.key,
                "id": question.id,
                "page": step.page_break,
                "choices": get_type(question.type).chooses_options,
                "any": bool(step.show_if and step.show_if.any),
                "if": [[c.question, c.option, c.chosen] for c in step.show_if.conditions]
                if step.show_if
                else None,
                "skip": [[j.option, j.to] for j in step.jumps],
            }
        )
    return rules


def option_order(question: Question, seed: str) -> list[Option]:
    """The options on offer in the order this respondent sees them: shuffled when the question
    says so, the same for the same seed (the submission token, kept across a re-rendered form),
    with 其他____ options staying last."""
    options = question.active_options
    if not question.settings.get("shuffle"):
        return options
    fixed = [o for o in options if o.fill_in]
    mixed = [o for o in options if not o.fill_in]
    digest = hashlib.sha256(f"{seed}:{question.id}".encode()).digest()
    random.Random(digest).shuffle(mixed)
    return mixed + fixed
