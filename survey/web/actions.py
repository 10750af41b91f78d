"""Carrying out a staff action from a view: the one place where a refusal becomes a message.

``attempt`` runs a service call in the request's database session; done, it commits and says
so and returns the call's result; refused (any ``Refusal``), it rolls back, shows the reason
and returns the refusal. Views then redirect. A view that shows its form again when refused,
with what was typed, uses ``committed`` and catches the refusal itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.core import audit
from survey.core.errors import Refusal
from survey.db import get_session

Result = TypeVar("Result")


def committed(action: Callable[[], Result]) -> Result:
    """The action's result, committed; a refusal rolls the session back and is raised on."""
    session = get_session()
    try:
        result = action()
    except Refusal:
        session.rollback()
        raise
    session.commit()
    return result


def attempt(action: Callable[[], Result], done: str | None = None) -> Result | Refusal:
    try:
        result = committed(action)
    except Refusal as refusal:
        refused(refusal)
        return refusal
    if done:
        flash(str(done), "success")
    return result


def refused(refusal: Refusal) -> None:
    """Show why an action was refused: its reason, or each of its problems."""
    for problem in refusal.problems or [refusal.message]:
        flash(str(problem), "error")


def flash_errors(form: FlaskForm) -> None:
    """Show a form's field errors as messages, for a form whose page redirects."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


def audited(action: str, subject: audit.Subject, **detail: Any) -> None:
    """Record what the staff member is about to be given (an export) and commit it first, so
    the log has it whether or not the download completes."""
    session = get_session()
    audit.record(session, current_user, action, subject, **detail)
    session.commit()
