"""Review on, as an install has it by default, with the people a bureau's chain needs."""

from __future__ import annotations

import pytest
from flask import current_app

from survey.accounts.models import Department


@pytest.fixture
def reviewed(app):
    """Review on for the requests and for the shell's commands (which run in the test's own
    app context, see the app fixture)."""
    app.config["REVIEW"] = current_app.config["REVIEW"] = True
    return app


@pytest.fixture
def staff(session, make_user, reviewed):
    """An author, two reviewers and an approver, all in one department."""
    unit = Department(name="外贸科")
    session.add(unit)
    session.flush()
    people = {
        "author": make_user("editor", "zhang"),
        "first": make_user("reviewer", "li"),
        "second": make_user("reviewer", "zhao"),
        "approver": make_user("approver", "wang"),
    }
    for person in people.values():
        person.department_id = unit.id
    session.commit()
    return people


@pytest.fixture
def department(session, staff):
    return staff["author"].department_id
