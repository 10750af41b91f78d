"""Carrying out a staff action from a view: the one place where a refusal becomes a message.

``attempt`` runs a service call in the request's database session; done, it commits and says
so and returns the call's result; refused (any ``Refusal``), it rolls back, shows the reason
and returns the refusal. Views then redirect. A view that shows its form again when refused,
with what was typed, uses ``committed`` and catches the refusal itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm

from survey.core import audit
from survey.core.errors import Refusal
from survey.core.i18n import _
from survey.db import get_session

# Messages travel in the session cookie, which browsers drop beyond 4 KB: a long list (every
# warning of a large import) shows its first few and how many more there are.
FLASHED_AT_MOST = 8

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


def flash_each(messages: Iterable[object], category: str) -> None:
    """Show each message, up to FLASHED_AT_MOST, then one line for the rest."""
    listed = [str(message) for message in messages]
    for message in listed[:FLASHED_AT_MOST]:
        flash(message, category)
    if len(listed) > FLASHED_AT_MOST:
        flash(_("另有 %(n)s 条未列出", n=len(listed) - FLASHED_AT_MOST), category)


def refused(refusal: Refusal) -> None:
    """Show why an action was refused: its reason, or each of its problems."""
    flash_each(refusal.problems or [refusal.message], "error")


def flash_errors(form: FlaskForm) -> None:
    """Show a form's field errors as messages, for a form whose page redirects."""
    flash_each((message for errors in form.errors.values() for message in errors), "error")


def audited(action: str, subject: audit.Subject, **detail: Any) -> None:
    """Record what the staff member is about to be given (an export) and commit it first, so
    the log has it whether or not the download completes."""
    session = get_session()
    audit.record(session, current_user, action, subject, **detail)
    session.commit()
