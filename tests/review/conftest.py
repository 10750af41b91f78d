"""Review on, as an install has it by default, with the people a bureau's chain needs."""

from __future__ import annotations

import pytest

from survey.accounts.models import Department


@pytest.fixture
def reviewed(app):
    app.config["REVIEW"] = True
    return app


@pytest.fixture
def staff(session, make_user, reviewed):
    """An author, two reviewers and an approver, all in one department (科一)."""
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
