"""Fixtures: an app on a real database (a SQLite file, or a PostgreSQL server the session starts),
the test client, the CLI runner, survey factories, and a live server for Playwright."""

from __future__ import annotations

import gc
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask, current_app
from jinja2 import BytecodeCache, FileSystemBytecodeCache
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from survey import create_app, db
from survey.config import office_zone
from survey.consultations import design as consultation_design
from survey.consultations import lifecycle as consultation_lifecycle
from survey.consultations.models import Consultation
from survey.core import sealing
from survey.core.models import utcnow
from survey.surveys.definition import create_survey, validate
from survey.surveys.models import Survey
from tests.pgserver import running_postgres

SAMPLE_DRAFT = Path(__file__).parent.parent / "survey" / "consultations" / "demo-draft.txt"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database the suite runs on (postgresql: a server started for the session)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the tests that use a database: the others (parsing, checking) were
    run on SQLite and would only run again."""
    if config.getoption("--db") != "postgresql":
        return
    kept = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.fixture(scope="session")
def offline_flask(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app whose database is never opened, for the tests of parsing and checking."""
    url = f"sqlite:///{tmp_path_factory.mktemp('offline') / 'never-opened.sqlite'}"
    settings = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "offline",
                "DATA_KEY": TEST_DATA_KEY, "RATELIMIT_STORAGE_URI": "memory://"}  # fmt: skip
    return create_app(settings)


@pytest.fixture
def offline_app(offline_flask: Flask) -> Iterator[Flask]:
    """An app context (settings, translations) without a database."""
    with offline_flask.app_context():
        yield offline_flask


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server in a temporary directory; yields its base URL."""
    with running_postgres() as url:
        yield url


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The address of one test's database, which ``start_from`` (or ``empty_database``)
    creates; on PostgreSQL it is dropped after the test."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path / 'survey.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"t_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**9}"
    try:
        yield f"{server}/{name}"
    finally:
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database(database_url: str) -> str:
    """The test's database, created empty (for the migrations to build from nothing)."""
    if database_url.startswith("postgresql"):
        server, _sep, name = database_url.rpartition("/")
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    return database_url


TEST_DATA_KEY = sealing.new_key()


@pytest.fixture
def app_settings(database_url: str) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "DATA_KEY": TEST_DATA_KEY,
        "PREVIOUS_DATA_KEYS": "",  # none kept in the checkout's instance/ folder
        "RATELIMIT_STORAGE_URI": "memory://",
        # Pages from the current design at once, so a test can look right after a change;
        # test_respond.py checks the production setting on its own.
        "QUESTIONNAIRE_RECHECK_SECONDS": 0,
        # The features' tests open and publish directly, as an install with review turned off
        # does; tests/review turns it on, as it is by default.
        "REVIEW": False,
    }


@pytest.fixture(scope="session")
def compiled_templates(tmp_path_factory: pytest.TempPathFactory) -> BytecodeCache:
    """Templates compiled once for the whole run. Besides the time saved, a live server's
    thread still finishing a request then never compiles Python code while the next test's app
    is being built: CPython 3.11.7 can fail compiling in two threads at once."""
    return FileSystemBytecodeCache(str(tmp_path_factory.mktemp("jinja")))


@pytest.fixture(scope="session")
def migrated_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A database migrated to the head once for the run, that each test's database starts as
    a copy of (the migrations themselves are tests/test_migrations.py's): a file for SQLite,
    a template database for PostgreSQL."""
    if request.config.getoption("--db") == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'survey.sqlite'}"
    else:
        server = request.getfixturevalue("postgres_server")
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "survey_template"'))
        admin.dispose()
        url = f"{server}/survey_template"
    template = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "template", "DATA_KEY": TEST_DATA_KEY}
    )
    db.upgrade(template)
    template.extensions["survey.engine"].dispose()  # PostgreSQL copies an idle template only
    return url


def start_from(template_url: str, database_url: str) -> None:
    """Create the test's database as a copy of the migrated template (on PostgreSQL, one
    CREATE DATABASE per test: most of what the suite's setup costs there)."""
    if database_url.startswith("sqlite"):
        shutil.copyfile(
            template_url.removeprefix("sqlite:///"), database_url.removeprefix("sqlite:///")
        )
        return
    server, _sep, name = database_url.rpartition("/")
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "survey_template"'))
    admin.dispose()


@pytest.fixture
def app(app_settings: dict, tmp_path: Path, compiled_templates: BytecodeCache,
        migrated_template: str) -> Iterator[Flask]:  # fmt: skip
    """The app that serves the test's requests, on a database migrated to the head.

    The test itself runs in an app context of a twin app with its own engine and session, so
    requests to ``app`` get fresh contexts of their own, as in production (Flask would reuse an
    active context of the same app), and the test sees the database as another process would.
    """
    start_from(migrated_template, app_settings["DATABASE_URL"])
    # No collection while the apps are built: a connection an earlier test left to the
    # collector, finalized (and failing on its dropped database) inside the AST constructor
    # that werkzeug's URL rules compile with, makes CPython 3.11 raise "recursion depth
    # mismatch" there.
    gc.disable()
    try:
        app = create_app(app_settings)
        twin = create_app(app_settings)
    finally:
        gc.enable()
    app.jinja_env.bytecode_cache = compiled_templates
    # Both: a command the test runs (in the twin's context) writes there, not in the checkout.
    app.instance_path = twin.instance_path = str(tmp_path / "instance")
    with twin.app_context():
        yield app
    # Every connection goes back before the database is dropped.
    twin.extensions["survey.engine"].dispose()
    app.extensions["survey.engine"].dispose()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask):
    return db.get_session()


@pytest.fixture
def make_survey(session):
    """Create a survey from definition keys; open unless ``status`` says otherwise."""

    def make(questions: list[dict], *, status: str = "open", **fields: object) -> Survey:
        definition = validate(
            {"format": "survey/v1", "title": "测试问卷", "questions": questions, **fields},
            office_zone(),
        )
        survey = create_survey(session, definition)
        if status == "open":
            survey.open(utcnow())
        elif status == "closed":
            survey.close(utcnow())
        session.commit()
        return survey

    return make


@pytest.fixture
def make_consultation(session):
    """A consultation made as staff make one: the sample draft (or ``text``), open for 30
    days unless ``open_now`` is false."""

    def make(text: str | None = None, *, open_now: bool = True, **settings) -> Consultation:
        now = utcnow()
        chosen = consultation_design.Settings(
            title=settings.pop("title", ""),
            issuer=settings.pop("issuer", "招远市商务局"),
            closes_at=settings.pop("closes_at", now + timedelta(days=30)),
            **settings,
        )
        draft = text if text is not None else SAMPLE_DRAFT.read_text("utf-8")
        consultation, _warnings = consultation_design.create_consultation(
            session, None, chosen, draft
        )
        if open_now:
            consultation_lifecycle.open_consultation(session, consultation, None, now)
        session.commit()
        return consultation

    return make


@pytest.fixture
def demo_survey(app: Flask, session) -> Survey:
    from survey.surveys.demo import load_demo

    return load_demo(session, office_zone(), utcnow(), app.secret_key)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free port, for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(session):
    from survey.accounts.roles import Role
    from survey.accounts.services import create_user

    def make(role: str = "editor", username: str | None = None):
        user = create_user(session, username or f"{role}-user", PASSWORD, Role(role))
        session.commit()
        return user

    return make


@pytest.fixture
def login(client, make_user):
    """Log the test client in as a new account of the given role; returns the account."""

    def log_in(role: str = "editor"):
        user = make_user(role)
        page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(
            "/admin/login",
            data={"csrf_token": token, "username": user.username, "password": PASSWORD},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return log_in


def csrf_of(client, url: str = "/admin/login") -> str:
    """A CSRF token for the client's session, read from a page as a browser would."""
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def reviewed(app):
    """Review on, as an install has it by default, for the requests and for the shell's
    commands (which run in the test's own app context, see the app fixture)."""
    app.config["REVIEW"] = current_app.config["REVIEW"] = True
    return app


@pytest.fixture
def staff(session, make_user, reviewed):
    """With review on: an author, two reviewers and an approver, all in one department."""
    from survey.accounts.models import Department

    unit = Department(name="外贸科")
    session.add(unit)
    session.flush()
    people = {
        "author": make_user("editor", "zhang"),
        "first": make_user("reviewer", "li"),
        "second": make_user("reviewer", "zhao"),
        "approver": make_user("approver", "wang"),
    }
    for one in people.values():
        one.department_id = unit.id
    session.commit()
    return people


@pytest.fixture
def department(staff) -> int:
    """The staff's department."""
    return staff["author"].department_id
