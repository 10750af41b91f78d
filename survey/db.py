"""The database resource: engine and sessions built in ``init_app``, one session per request."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["survey.engine"] = engine
    app.extensions["survey.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    # No pre-ping: it would cost a round trip on every request. A connection the server has
    # dropped fails once, SQLAlchemy then renews the pool, and the request is sent again
    # (see ``survey.web.errors``). Recycling keeps idle connections from going stale. A server
    # that cannot be reached fails a connection after 10 s rather than the system's minutes,
    # so a respondent hears of an outage while still looking (unless the URL says otherwise).
    connect_args = {} if "connect_timeout" in url else {"connect_timeout": 10}
    return create_engine(url, pool_recycle=1800, connect_args=connect_args)


def _configure_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers go on while a response is written; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def get_session() -> Session:
    """The session of the current request or CLI command."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["survey.sessionmaker"]()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def upgrade(app: Flask, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (all of them) to the configured
    database."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with app.extensions["survey.engine"].connect() as connection:
        # SQLite alters a table by copying it and dropping the original, which would cascade to
        # the rows referencing it: foreign keys are off while migrating (outside the
        # transaction, where SQLite heeds the pragma), and checked before they are back on.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migration left rows referencing missing ones")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
