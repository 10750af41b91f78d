"""`backup FILE` and `restore FILE`: a copy of the whole database, taken while the app serves,
restored into an empty database of the same kind gives the same results; a restore never writes
over data, and a failed backup never leaves a partial file under the backup's name."""

from __future__ import annotations

import gc
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from survey import create_app, db
from survey.consultations.models import Consultation
from survey.core.backup import choose_tool
from survey.surveys.models import Survey


def run_in(app: Flask, *args: str):
    """A command run on ``app``'s database (in its own app context: the test's context is
    another app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def query(url: str, statement: str):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text(statement)).all()
    finally:
        engine.dispose()


def tables(url: str) -> list[str]:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return []
        statement = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        statement = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(row[0] for row in query(url, statement))


@pytest.fixture
def make_app(app_settings: dict, tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    """Apps of the same installation (keys included) on other databases."""
    made: list[Flask] = []

    def make(url: str) -> Flask:
        gc.disable()  # as conftest's app fixture does while building apps
        try:
            other = create_app({**app_settings, "DATABASE_URL": url})
        finally:
            gc.enable()
        other.instance_path = str(tmp_path / "instance")
        made.append(other)
        return other

    yield make
    for other in made:
        other.extensions["survey.engine"].dispose()


@pytest.fixture
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path, database_url: str) -> Iterator[str]:
    """A new, empty database to restore into: a file not yet there (in a folder not yet there)
    for SQLite, a database just created on the same server for PostgreSQL."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'survey.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = database_url.rpartition("/")[2] + "_r"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def filled(runner, session) -> str:
    """The demo (its survey, answers and consultations) and 150 more responses; its slug."""
    demo = runner.invoke(args=["demo"])
    assert demo.exit_code == 0, demo.output
    slug = demo.output.strip()
    more = runner.invoke(args=["generate-responses", slug, "150", "--seed", "7"])
    assert more.exit_code == 0, more.output
    return slug


def everything(app: Flask) -> dict[str, str]:
    """Every survey's text report, the demo's responses, every consultation's 意见采纳情况."""
    with app.app_context():
        session = db.get_session()
        surveys = session.scalars(select(Survey.slug).order_by(Survey.slug)).all()
        consultations = session.scalars(select(Consultation.slug)).all()
    assert surveys and consultations
    seen = {}
    for slug in surveys:
        report = run_in(app, "export-results", slug, "--format", "text")
        assert report.exit_code == 0 and "本题有效填写人次" in report.output
        seen[f"results {slug}"] = report.output
        seen[f"responses {slug}"] = run_in(app, "export-responses", slug).output
    for slug in consultations:
        seen[f"feedback {slug}"] = run_in(app, "export-feedback", slug).output
    return seen


def test_a_restored_backup_gives_the_same_results(app, runner, filled, fresh_url, make_app,
                                                  tmp_path):  # fmt: skip
    folder = tmp_path / "backups"
    folder.mkdir()
    file = folder / "survey.backup"
    made = runner.invoke(args=["backup", str(file)])
    assert made.exit_code == 0, made.output
    assert re.fullmatch(rf"已备份到 {re.escape(str(file))}（\d+\.\d [KMG]B）\n", made.output)
    assert os.listdir(folder) == ["survey.backup"]  # the temporary file became it
    assert file.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only

    restored = make_app(fresh_url)
    result = run_in(restored, "restore", str(file))
    assert result.exit_code == 0, result.output
    assert "已从" in result.output and "init-db" not in result.output

    rows = query(fresh_url, f"SELECT response_count FROM survey WHERE slug = '{filled}'")
    assert rows == [(154,)]  # the demo's 4 and the 150 generated
    assert everything(restored) == everything(app)
    check = run_in(restored, "recount", filled, "--check")
    assert check.exit_code == 0 and "计数一致" in check.output
    # The restored database takes answers on from where the backup left off.
    more = run_in(restored, "generate-responses", filled, "5", "--seed", "8")
    assert more.exit_code == 0, more.output
    assert run_in(restored, "recount", filled, "--check").exit_code == 0


def test_restore_writes_over_no_data(runner, filled, fresh_url, make_app, tmp_path):
    file = tmp_path / "survey.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    assert runner.invoke(args=["generate-responses", filled, "10"]).exit_code == 0
    before = runner.invoke(args=["export-results", filled, "--format", "text"]).output

    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code == 1
    assert "目标数据库不是空的" in refused.output and "不会覆盖已有数据" in refused.output
    assert "Traceback" not in refused.output and len(refused.output.splitlines()) == 1
    # The ten responses added since the backup are all still there.
    assert runner.invoke(args=["export-results", filled, "--format", "text"]).output == before

    # A database holding any table at all is not empty either.
    if fresh_url.startswith("sqlite"):
        Path(fresh_url.removeprefix("sqlite:///")).parent.mkdir()
    other = make_app(fresh_url)
    with other.extensions["survey.engine"].begin() as connection:
        connection.execute(text("CREATE TABLE notes (body VARCHAR(20))"))
        connection.execute(text("INSERT INTO notes VALUES ('保留')"))
    other.extensions["survey.engine"].dispose()
    refused = run_in(other, "restore", str(file))
    assert refused.exit_code == 1 and "已有 1 张表" in refused.output
    assert tables(fresh_url) == ["notes"] and query(fresh_url, "SELECT body FROM notes") == [
        ("保留",)
    ]


def test_a_backup_of_another_kind_is_refused(request, fresh_url, make_app, tmp_path):
    other_kind = tmp_path / "other.backup"
    if request.config.getoption("--db") == "sqlite":
        # What pg_dump's custom format starts with.
        other_kind.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01" + bytes(500))
        said = "是 PostgreSQL 数据库的备份，不能恢复到 SQLite 数据库"
    else:
        made = sqlite3.connect(other_kind)
        made.execute("CREATE TABLE survey (id INTEGER)")
        made.commit()
        made.close()
        said = "是 SQLite 数据库的备份，不能恢复到 PostgreSQL 数据库"
    target = make_app(fresh_url)
    refused = run_in(target, "restore", str(other_kind))
    assert refused.exit_code == 1 and said in refused.output
    assert tables(fresh_url) == []

    spreadsheet = tmp_path / "responses.csv"
    spreadsheet.write_text("序号,企业性质\n1,国企\n", encoding="utf-8")
    refused = run_in(target, "restore", str(spreadsheet))
    assert refused.exit_code == 1 and "不是本程序的备份文件" in refused.output
    missing = run_in(target, "restore", str(tmp_path / "nosuch.backup"))
    assert missing.exit_code == 1 and "无法读取" in missing.output
    assert "Traceback" not in refused.output + missing.output
    assert tables(fresh_url) == []


def test_a_damaged_backup_leaves_the_database_empty(runner, filled, fresh_url, make_app,
                                                    tmp_path):  # fmt: skip
    file = tmp_path / "survey.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    whole = file.read_bytes()
    file.write_bytes(whole[: len(whole) - 1000])  # a copy cut short
    target = make_app(fresh_url)
    refused = run_in(target, "restore", str(file))
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1, refused.output
    assert tables(fresh_url) == []
    # The same database takes the whole backup afterwards.
    file.write_bytes(whole)
    assert run_in(target, "restore", str(file)).exit_code == 0
    assert run_in(target, "recount", filled, "--check").exit_code == 0


def test_backup_while_a_response_is_being_written(app, runner, filled, database_url, fresh_url,
                                                  make_app, tmp_path):  # fmt: skip
    """What another connection has not committed is not in the backup, and that connection
    goes on and commits."""
    change = f"UPDATE survey SET title = '未提交的标题' WHERE slug = '{filled}'"
    if database_url.startswith("sqlite"):
        writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(change)

        def finish() -> None:
            writer.execute("COMMIT")
            writer.close()

    else:
        engine = create_engine(database_url, poolclass=NullPool)
        connection = engine.connect()
        connection.execute(text(change))  # begins a transaction, left open

        def finish() -> None:
            connection.commit()
            connection.close()
            engine.dispose()

    file = tmp_path / "survey.backup"
    try:
        made = runner.invoke(args=["backup", str(file)])
    finally:
        finish()
    assert made.exit_code == 0, made.output
    assert query(database_url, f"SELECT title FROM survey WHERE slug = '{filled}'") == [
        ("未提交的标题",)
    ]
    restored = make_app(fresh_url)
    assert run_in(restored, "restore", str(file)).exit_code == 0
    assert query(fresh_url, f"SELECT title FROM survey WHERE slug = '{filled}'") == [
        ("招远市商务局外贸企业调查问卷",)
    ]


def test_a_failed_backup_keeps_the_previous_one(request, app_settings, make_app, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    file = folder / "survey.backup"
    file.write_bytes(b"yesterday's backup")
    if request.config.getoption("--db") == "sqlite":
        damaged = tmp_path / "damaged.sqlite"
        damaged.write_bytes(b"not a database at all " * 300)
        source = make_app(f"sqlite:///{damaged}")
        said, secret = "备份失败", None
    else:
        # A role that may log in but read no table: pg_dump starts, then fails.
        url = app_settings["DATABASE_URL"]
        server, _sep, name = url.rpartition("/")
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            connection.execute(text("DROP ROLE IF EXISTS outsider"))
            connection.execute(text("CREATE ROLE outsider LOGIN"))
        admin.dispose()
        owner = create_app(app_settings)
        db.upgrade(owner)
        owner.extensions["survey.engine"].dispose()
        secret = "pw-never-shown"
        address = server.replace("postgres@", f"outsider:{secret}@")
        source = make_app(f"{address}/{name}")
        said = "permission denied"
    failed = run_in(source, "backup", str(file))
    assert failed.exit_code == 1 and said in failed.output, failed.output
    assert len(failed.output.strip().splitlines()) == 1 and "Traceback" not in failed.output
    assert secret is None or secret not in failed.output
    assert file.read_bytes() == b"yesterday's backup"
    assert os.listdir(folder) == ["survey.backup"]  # no partial file left beside it

    elsewhere = run_in(source, "backup", str(tmp_path / "no such folder" / "survey.backup"))
    assert elsewhere.exit_code == 1 and "无法写入" in elsewhere.output


def test_a_backup_from_before_the_latest_migration_says_to_upgrade(
    app_settings, empty_database, fresh_url, make_app, tmp_path
):
    older = make_app(empty_database)
    db.upgrade(older, "0017")
    file = tmp_path / "survey.backup"
    assert run_in(older, "backup", str(file)).exit_code == 0
    restored = make_app(fresh_url)
    result = run_in(restored, "restore", str(file))
    assert result.exit_code == 0
    assert "0017" in result.output and "flask --app survey init-db" in result.output
    assert query(fresh_url, "SELECT version_num FROM alembic_version") == [("0017",)]
    assert run_in(restored, "init-db").exit_code == 0
    assert query(fresh_url, "SELECT version_num FROM alembic_version") != [("0017",)]


def test_the_pg_programs_made_for_the_server_are_chosen():
    installed = {Path("/usr/lib/postgresql/15/bin/pg_dump"): 15,
                 Path("/usr/lib/postgresql/17/bin/pg_dump"): 17,
                 Path("/usr/bin/pg_dump"): 16}  # fmt: skip
    assert choose_tool(installed, 16) == Path("/usr/bin/pg_dump")
    assert choose_tool(installed, 15) == Path("/usr/lib/postgresql/15/bin/pg_dump")
    assert choose_tool(installed, 14) == Path("/usr/lib/postgresql/15/bin/pg_dump")
    assert choose_tool(installed, 18) is None  # every copy is older than the server
