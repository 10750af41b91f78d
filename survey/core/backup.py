"""Backups of the whole database and their restoration into an empty one.

SQLite is copied with SQLite's online backup API, which reads one consistent snapshot while the
app goes on serving (WAL); PostgreSQL with ``pg_dump`` in its custom format, read back by
``pg_restore``. A backup is written to a temporary file beside its target and renamed at the end,
so that a failed one never leaves a partial file under the target's name. A restore writes into
an empty database only: it never overwrites data.

The functions take the database's SQLAlchemy URL and raise ``BackupError`` with a one-line
reason in the staff's words."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from survey.core.errors import Refusal
from survey.core.i18n import _

Kind = Literal["sqlite", "postgresql"]
RevisionState = Literal["current", "behind", "unknown", "missing"]

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
# Where Debian and Ubuntu install each PostgreSQL version's programs, besides the PATH.
PG_VERSIONS_DIR = Path("/usr/lib/postgresql")


class BackupError(Refusal):
    """A backup or restore that cannot be carried out; ``message`` says why, on one line."""


@dataclass(frozen=True)
class Written:
    """A backup file that was written whole."""

    path: Path
    size: int
    kind: Kind


@dataclass(frozen=True)
class Restored:
    """A restored database: where it went, and the migration revision its data is at (None
    when the backup holds no ``alembic_version``)."""

    target: str
    kind: Kind
    revision: str | None


def kind_of_url(url: str | URL) -> Kind:
    """Which kind of database the URL names; any other is refused."""
    backend = make_url(url).get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend  # type: ignore[return-value]
    raise BackupError(_("不支持备份 %(backend)s 数据库", backend=backend))


def kind_of_file(path: Path) -> Kind:
    """Which kind of backup the file holds, told by its first bytes."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(
            _("无法读取 %(path)s：%(reason)s", path=path, reason=_reason(error))
        ) from None
    if header == SQLITE_HEADER:
        return "sqlite"
    if header.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise BackupError(
        _("%(path)s 不是本程序的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）",
          path=path)
    )  # fmt: skip


def size_text(size: int) -> str:
    """A file size for people: 812 B, 3.4 KB, 12.5 MB, 1.2 GB."""
    amount = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{size} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")


def backup(url: str | URL, target: Path) -> Written:
    """Write a consistent copy of the whole database at ``url`` to ``target`` (replaced at the
    end if it exists), while the app may go on serving."""
    kind = kind_of_url(url)
    target = Path(target)
    if target.is_dir():
        raise BackupError(_("%(path)s 是一个目录，请给出文件名", path=target))
    with _staged(target) as staged:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(url), staged)
        else:
            _pg_dump(make_url(url), staged)
    return Written(target, target.stat().st_size, kind)


def restore(url: str | URL, source: Path) -> Restored:
    """Restore the backup ``source`` into the empty database at ``url``. Refused if the backup
    is of another kind of database, or if the database already holds any table."""
    kind = kind_of_url(url)
    found = kind_of_file(Path(source))
    if found != kind:
        raise BackupError(
            _("%(path)s 是 %(found)s 数据库的备份，不能恢复到 %(kind)s 数据库",
              path=source, found=_KIND_NAMES[found], kind=_KIND_NAMES[kind])
        )  # fmt: skip
    if kind == "sqlite":
        path = _sqlite_path(url)
        _refuse_unless_empty(_sqlite_tables(path))
        _sqlite_restore(Path(source), path)
        return Restored(str(path), kind, _sqlite_revision(path))
    parsed = make_url(url)
    _refuse_unless_empty(_pg_tables(parsed))
    _pg_restore(parsed, Path(source))
    target = f"{parsed.database}@{parsed.host or 'localhost'}"
    return Restored(target, kind, _pg_revision(parsed))


def revision_state(revision: str | None, migrations: Path) -> tuple[RevisionState, str]:
    """How a database's migration revision compares with the code's migrations in
    ``migrations``: the state, and the code's head revision."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory(str(migrations))
    head = script.get_current_head() or ""
    if revision is None:
        return "missing", head
    if revision == head:
        return "current", head
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    return ("behind" if known else "unknown"), head


_KIND_NAMES: Mapping[Kind, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _reason(error: BaseException) -> str:
    """An error's first line, without Python's decoration."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _refuse_unless_empty(tables: int) -> None:
    if tables:
        raise BackupError(
            _("目标数据库不是空的（已有 %(n)s 张表）：恢复只写入空数据库，不会覆盖已有数据",
              n=tables)
        )  # fmt: skip


@contextlib.contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` (readable by the owner only) that becomes ``target``
    once the block has written it whole, and is removed if the block fails."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise BackupError(
            _("无法写入 %(path)s：%(reason)s", path=target, reason=_reason(error))
        ) from None
    os.close(fd)
    staged = Path(name)
    try:
        yield staged
        with staged.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(staged, target)
    except OSError as error:
        raise BackupError(
            _("无法写入 %(path)s：%(reason)s", path=target, reason=_reason(error))
        ) from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)


# SQLite


def _sqlite_path(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(_("只能备份和恢复 SQLite 数据库文件"))
    return Path(database)


def _sqlite_open(path: Path, mode: str) -> sqlite3.Connection:
    """A connection to an existing file (``mode`` ro or rw), never creating one."""
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode={mode}", uri=True, timeout=30)


def _sqlite_backup(path: Path, staged: Path) -> None:
    if not path.is_file():
        raise BackupError(_("数据库文件 %(path)s 不存在", path=path))
    try:
        source = _sqlite_open(path, "rw")
        try:
            copy = sqlite3.connect(staged)
            try:
                # One step: the whole copy reads a single snapshot (WAL lets writers go on).
                source.backup(copy)
                # A self-contained file, without a write-ahead log beside it.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(_("备份失败：%(reason)s", reason=_reason(error))) from None


def _sqlite_tables(path: Path) -> int:
    """How many tables and views the file holds (0 if it does not exist)."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    try:
        connection = _sqlite_open(path, "rw")
        try:
            return int(
                connection.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view')"
                ).fetchone()[0]
            )
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("无法读取目标数据库 %(path)s：%(reason)s", path=path, reason=_reason(error))
        ) from None


def _sqlite_restore(source: Path, path: Path) -> None:
    try:
        backup_file = _sqlite_open(source, "ro")
        try:
            said = "\n".join(row[0] for row in backup_file.execute("PRAGMA quick_check"))
            if said != "ok":
                problems = [line for line in said.splitlines() if not line.startswith("***")]
                raise BackupError(_("备份文件已损坏：%(reason)s", reason=(problems or [said])[0]))
            path.parent.mkdir(parents=True, exist_ok=True)
            database = sqlite3.connect(path, timeout=30)
            try:
                # Written in one transaction of the target: all of it, or nothing.
                backup_file.backup(database)
            finally:
                database.close()
        finally:
            backup_file.close()
    except sqlite3.Error as error:
        raise BackupError(_("恢复失败：%(reason)s", reason=_reason(error))) from None
    except OSError as error:
        raise BackupError(
            _("无法写入 %(path)s：%(reason)s", path=path, reason=_reason(error))
        ) from None


def _sqlite_revision(path: Path) -> str | None:
    connection = _sqlite_open(path, "rw")
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return row[0] if row else None


# PostgreSQL


def _pg_query(url: URL, statement: str) -> tuple[object, tuple[int | str, ...]]:
    """The first column of ``statement``'s first row (None without one), and the server's
    version."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            value = connection.execute(text(statement)).scalar()
            return value, tuple(connection.dialect.server_version_info or ())
    except SQLAlchemyError as error:
        raise BackupError(
            _("无法连接数据库：%(reason)s", reason=_reason(getattr(error, "orig", error)))
        ) from None
    finally:
        engine.dispose()


def _pg_tables(url: URL) -> int:
    """How many tables and views the database holds outside the system schemas."""
    count, _version = _pg_query(
        url,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'",
    )
    return int(count)  # type: ignore[call-overload]


def _pg_revision(url: URL) -> str | None:
    exists, _version = _pg_query(url, "SELECT to_regclass('alembic_version') IS NOT NULL")
    if not exists:
        return None
    revision, _version = _pg_query(url, "SELECT version_num FROM alembic_version")
    return None if revision is None else str(revision)


def _pg_server_major(url: URL) -> int:
    _value, version = _pg_query(url, "SELECT 1")
    return int(version[0]) if version else 0


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The connection as libpq's programs take it: a URI without the password, and an
    environment with the password in PGPASSWORD (so no command line or message shows it)."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, environment


def installed_tools(name: str) -> dict[Path, int]:
    """Every copy of PostgreSQL's program ``name`` (pg_dump, pg_restore) found on the PATH or
    in Debian's per-version folders, with its major version."""
    found: dict[Path, int] = {}
    for program in PG_VERSIONS_DIR.glob(f"*/bin/{name}"):
        if program.parts[-3].isdigit() and os.access(program, os.X_OK):
            found[program] = int(program.parts[-3])
    on_path = shutil.which(name)
    if on_path and not any(Path(on_path).resolve() == p.resolve() for p in found):
        major = _tool_major(Path(on_path))
        if major is not None:
            found[Path(on_path)] = major
    return found


def _tool_major(program: Path) -> int | None:
    """The major version ``program --version`` reports ("pg_dump (PostgreSQL) 15.13")."""
    try:
        said = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s*(\d+)", said)
    return int(match.group(1)) if match else None


def choose_tool(tools: Mapping[Path, int], server_major: int) -> Path | None:
    """The copy made for the server's major version; else the oldest newer one (PostgreSQL's
    programs work with older servers, not with newer ones); None if every copy is older."""
    if not tools:
        return None
    fitting = sorted((major, str(path)) for path, major in tools.items() if major >= server_major)
    if not fitting:
        return None
    return Path(fitting[0][1])


def _pg_program(name: str, url: URL) -> Path:
    tools = installed_tools(name)
    if not tools:
        raise BackupError(_("找不到 %(program)s：请安装 PostgreSQL 客户端（postgresql-client）",
                            program=name))  # fmt: skip
    server = _pg_server_major(url)
    program = choose_tool(tools, server)
    if program is None:
        raise BackupError(
            _("%(program)s 的版本（%(found)s）都比数据库服务器（%(server)s）旧：请安装 "
              "postgresql-client-%(server)s", program=name,
              found="、".join(str(major) for major in sorted(set(tools.values()))), server=server)
        )  # fmt: skip
    return program


def _run(command: list[str], environment: dict[str, str], failed: str) -> None:
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BackupError(f"{failed}：{_reason(error)}") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower() or "错误" in line]
        said = (errors or lines or [f"exit status {done.returncode}"])[0]
        raise BackupError(f"{failed}：{said}")


def _pg_dump(url: URL, staged: Path) -> None:
    program = _pg_program("pg_dump", url)
    uri, environment = _libpq(url)
    command = [
        str(program),
        "--format=custom",
        "--no-password",
        f"--file={staged}",
        f"--dbname={uri}",
    ]
    _run(command, environment, _("备份失败"))


def _pg_restore(url: URL, source: Path) -> None:
    program = _pg_program("pg_restore", url)
    uri, environment = _libpq(url)
    # One transaction: a restore that fails leaves the database as empty as it was. Owners and
    # grants name roles the target server may not have; the restoring role owns everything.
    command = [str(program), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", "--no-password", f"--dbname={uri}", str(source)]  # fmt: skip
    _run(command, environment, _("恢复失败"))
