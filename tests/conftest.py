"""Fixtures: an app on a real database (a SQLite file, or a PostgreSQL server the session starts),
the test client, the CLI runner, survey factories, and a live server for Playwright."""

from __future__ import annotations

import functools
import gc
import itertools
import os
import queue
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask, current_app
from jinja2 import BytecodeCache, FileSystemBytecodeCache
from sqlalchemy import Engine, create_engine, text
from werkzeug import security
from werkzeug.routing.rules import Rule
from werkzeug.serving import make_server

from survey import create_app, db
from survey.accounts import services as account_services
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


# Two costs every test paid again for the same result, paid once per run instead; the code that
# runs is unchanged (werkzeug's, with the production parameters).


def _compile_each_url_builder_once() -> None:
    """Werkzeug generates and compiles Python code for two URL builders of every route when an
    app is built: half of what ``create_app`` costs, and each test builds two apps. The code
    depends on the rule alone, so the function compiled for a rule is reused for the same rule."""
    compile_builder = Rule._compile_builder
    built: dict[tuple, object] = {}

    def reused(self: Rule, append_unknown: bool = True):
        key = (
            self.rule, self.host, self.subdomain, tuple(self._trace), append_unknown,
            repr(sorted((self.defaults or {}).items())),
            tuple(sorted((name, type(c)) for name, c in self._converters.items())),
        )  # fmt: skip
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = reused  # type: ignore[method-assign]


def _hash_each_password_once() -> None:
    """Accounts are hashed with the production scrypt parameters, about 0.1 s a hash, and the
    tests create hundreds of accounts with PASSWORD and log in with it. The derivation is a pure
    function of (method, salt, password), so each is computed once; and an account gets the hash
    made for its password by the first account with that password (a real hash, salt included)."""
    security._hash_internal = functools.cache(security._hash_internal)
    made: dict[tuple, str] = {}

    def generate_password_hash(password: str, method: str = "scrypt", salt_length: int = 16):
        key = (password, method, salt_length)
        if key not in made:
            made[key] = security.generate_password_hash(password, method, salt_length)
        return made[key]

    account_services.generate_password_hash = generate_password_hash  # type: ignore[assignment]


_compile_each_url_builder_once()
_hash_each_password_once()


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


class Databases:
    """Creates and drops the tests' databases on one server. Copies of the migrated template
    are made ahead in a thread of its own, so the server makes them while the tests run and a
    test's setup only renames one (made on the spot, the copy was most of what a PostgreSQL
    test's setup cost)."""

    AHEAD = 2  # copies kept ready: a few short tests in a row do not wait for the next one

    def __init__(self, server: str) -> None:
        self.server = server
        self.admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        self.template: str | None = None
        self.jobs: queue.Queue[str | None] = queue.Queue()  # names of the copies to make
        self.copies: queue.Queue[str | BaseException] = queue.Queue()  # made (or why not)
        self.numbers = itertools.count()
        # File by file after a checkpoint (cheap with fsync off): 5 times faster than the
        # WAL-logged copy PostgreSQL 15 makes by default; earlier servers only copy this way.
        with self.admin.connect() as connection:
            version = connection.execute(text("SHOW server_version_num")).scalar_one()
        self.strategy = " STRATEGY FILE_COPY" if int(version) >= 150000 else ""
        self.worker = threading.Thread(target=self._work, name="test databases", daemon=True)
        self.worker.start()

    def execute(self, statement: str, engine: Engine | None = None) -> None:
        with (engine or self.admin).connect() as connection:
            connection.execute(text(statement))

    def create_empty(self, name: str) -> None:
        self.execute(f'CREATE DATABASE "{name}"')

    def keep_copies_of(self, template: str) -> None:
        """From now on, have copies of ``template`` (migrated, idle) ready for ``copy_as``."""
        self.template = template
        for _ in range(self.AHEAD):
            self.jobs.put(f"copy_{os.getpid()}_{next(self.numbers)}")

    def copy_as(self, name: str) -> None:
        """Database ``name``, a fresh copy of the template (one made ahead, renamed)."""
        made = self.copies.get(timeout=300)
        if isinstance(made, BaseException):
            raise made
        self.jobs.put(f"copy_{os.getpid()}_{next(self.numbers)}")
        self.execute(f'ALTER DATABASE "{made}" RENAME TO "{name}"')

    def drop(self, name: str) -> None:
        """Drop ``name`` now, ending its connections (not later, in the thread: a connection a
        test left to the collector must find its server gone, or it goes back to a pool and
        fails a later test with a ResourceWarning when it is collected)."""
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _work(self) -> None:
        engine = create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")
        while (name := self.jobs.get()) is not None:
            statement = f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"{self.strategy}'
            try:
                self.execute(statement, engine)
            except Exception as failure:  # raised in the tests' thread, by copy_as
                self.copies.put(failure)
            else:
                self.copies.put(name)
        engine.dispose()

    def close(self) -> None:
        self.jobs.put(None)
        self.worker.join(timeout=120)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: str) -> Iterator[Databases]:
    databases = Databases(postgres_server)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The address of one test's database, which ``start_from`` (or ``empty_database``)
    creates; on PostgreSQL it is dropped after the test."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path / 'survey.sqlite'}"
        return
    databases: Databases = request.getfixturevalue("postgres_databases")
    name = f"t_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**9}"
    try:
        yield f"{databases.server}/{name}"
    finally:
        databases.drop(name)


@pytest.fixture
def empty_database(request: pytest.FixtureRequest, database_url: str) -> str:
    """The test's database, created empty (for the migrations to build from nothing)."""
    if database_url.startswith("postgresql"):
        databases: Databases = request.getfixturevalue("postgres_databases")
        databases.create_empty(database_url.rpartition("/")[2])
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
    databases: Databases | None = None
    if request.config.getoption("--db") == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'survey.sqlite'}"
    else:
        databases = request.getfixturevalue("postgres_databases")
        databases.create_empty("survey_template")
        url = f"{databases.server}/survey_template"
    template = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "template", "DATA_KEY": TEST_DATA_KEY}
    )
    db.upgrade(template)
    template.extensions["survey.engine"].dispose()  # PostgreSQL copies an idle template only
    if databases is not None:
        databases.keep_copies_of("survey_template")
        _copies_on[databases.server] = databases
    return url


_copies_on: dict[str, Databases] = {}  # server: where copies of its template are made ahead


def start_from(template_url: str, database_url: str) -> None:
    """Create the test's database as a copy of the migrated template (on PostgreSQL, a copy
    made ahead by ``Databases``)."""
    if database_url.startswith("sqlite"):
        shutil.copyfile(
            template_url.removeprefix("sqlite:///"), database_url.removeprefix("sqlite:///")
        )
        return
    server, _sep, name = database_url.rpartition("/")
    _copies_on[server].copy_as(name)


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
    # Polled for shutdown every 50 ms, not every 0.5 s: each browser test waited that long.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
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
