"""Writing a judged submission: the response, its answers and the counters, all or nothing, by
statements written for each database (one round trip on PostgreSQL), on the pool's DBAPI
connection itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, PoolProxiedConnection, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from survey.core.models import sqlite_datetime
from survey.surveys import counting
from survey.surveys.models import Response
from survey.surveys.questions import AnswerRow
from survey.webhooks import outbox
from survey.webhooks.events import RESPONSE_CREATED


def store(
    engine: Engine, row: dict[str, Any], answers: list[AnswerRow], design_version: str | None
) -> int | None:
    """Write the response and its answers and count them, and announce it to the survey's
    webhooks, all or nothing, on a connection of its own: the new response's id, or None
    (nothing written) if the survey no longer has ``design_version``.

    The statements run on the pool's DBAPI connection itself: SQLAlchemy's connection, result
    and transaction objects cost more per submission than the database takes to run them.
    Their errors are raised as SQLAlchemy's, as they would be through a SQLAlchemy connection.
    """
    written = _Written.of(answers)
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            return _store_on_postgresql(connection, written.parameters(row, design_version))
        return _store_on_sqlite(connection, row, written, design_version)
    except engine.dialect.loaded_dbapi.Error as error:
        gone = engine.dialect.is_disconnect(error, connection.driver_connection, None)
        if gone:
            # The server dropped its connections (a restart, a failover): every pooled one is
            # as dead as this one, so the pool is started afresh.
            connection.invalidate(error)
            engine.dispose(close=False)
        raise DBAPIError.instance(
            None, None, error, engine.dialect.loaded_dbapi.Error, connection_invalidated=gone
        ) from error
    finally:
        connection.close()


@dataclass
class _Written:
    """A submission's answer rows as stored, each with its ``counts_respondent`` flag, and the
    counter increments they make (both by ``counting``'s rule)."""

    rows: list[tuple[int, int | None, str | None, float | None, bool]]
    respondents: list[int]  # question ids, in id order: each counts one more respondent
    chosen: Counter[int]  # answers per option

    @classmethod
    def of(cls, answers: list[AnswerRow]) -> _Written:
        increments = counting.Increments()
        flags = increments.count_response(answers)
        rows = [
            (a.question_id, a.option_id, a.text, a.number, first)
            for a, first in zip(answers, flags, strict=True)
        ]
        return cls(rows, sorted(increments.respondents), increments.options)

    def parameters(self, row: dict[str, Any], design_version: str | None) -> dict[str, Any]:
        """The parameters of ``_STORE_ON_POSTGRESQL``: the answers as one array per column."""
        columns = [list(column) for column in zip(*self.rows, strict=True)] or [[]] * 5
        question_ids, option_ids, texts, numbers, counts_respondent = columns
        return {
            **row, "design": design_version, "question_ids": question_ids,
            "option_ids": option_ids, "texts": texts, "numbers": numbers,
            "counts_respondent": counts_respondent, "respondent_ids": self.respondents,
            "chosen_ids": list(self.chosen), "increments": list(self.chosen.values()),
            "message_id": outbox.new_message_id(), "event": RESPONSE_CREATED,
        }  # fmt: skip


def _store_on_sqlite(
    connection: PoolProxiedConnection,
    row: dict[str, Any],
    written: _Written,
    design_version: str | None,
) -> int | None:
    """The statements of ``store`` in SQLite's dialect, in one transaction, the survey's
    counter first: nothing else is written when its design has changed."""
    at = sqlite_datetime(row["submitted_at"])
    cursor = connection.cursor()
    try:
        cursor.execute(
            "UPDATE survey SET response_count = response_count + 1, last_response_at = ? "
            "WHERE id = ? AND design_version = coalesce(?, design_version)",
            (at, row["survey_id"], design_version),
        )
        if not cursor.rowcount:
            connection.rollback()
            return None
        cursor.execute(
            "INSERT INTO response (survey_id, submitted_at, submission_key, invitation_id, "
            "invalid_reason) VALUES (?, ?, ?, ?, '')",
            (row["survey_id"], at, row["submission_key"], row["invitation_id"]),
        )
        response_id = cursor.lastrowid
        if written.rows:
            cursor.executemany(
                "INSERT INTO answer (response_id, question_id, option_id, text, number, "
                "counts_respondent) VALUES (?, ?, ?, ?, ?, ?)",
                [(response_id, *answer) for answer in written.rows],
            )
            cursor.execute(
                "UPDATE question SET respondent_count = respondent_count + 1 "
                f"WHERE id IN ({', '.join('?' * len(written.respondents))})",
                written.respondents,
            )
            for increment, ids in counting.by_increment(written.chosen).items():
                cursor.execute(
                    f"UPDATE option SET answer_count = answer_count + ? WHERE id IN "
                    f"({', '.join('?' * len(ids))})",
                    (increment, *ids),
                )
        cursor.execute(
            outbox.FAN_OUT_ON_SQLITE,
            (outbox.new_message_id(), response_id, at, at, row["survey_id"], RESPONSE_CREATED),
        )
        connection.commit()
        return response_id
    finally:
        cursor.close()


def _store_on_postgresql(
    connection: PoolProxiedConnection, parameters: dict[str, Any]
) -> int | None:
    """``_STORE_ON_POSTGRESQL`` in a transaction of its own: one round trip to the server
    instead of eight."""
    driver: Any = connection.driver_connection
    driver.autocommit = True
    try:
        with driver.cursor() as cursor:
            stored = cursor.execute(_STORE_ON_POSTGRESQL, parameters).fetchone()
    finally:
        if not driver.broken:  # back in the pool, the connection must begin transactions again
            driver.autocommit = False
    return stored[0] if stored else None


# What ``_store_on_sqlite`` does in a transaction, as one PostgreSQL statement. The survey's row is
# counted (and locked) first and only if it still has the design the answers were judged by;
# the response, its answers, the other counters and its webhook messages are written only if
# it was. Every other
# writer of the counters locks the survey's row first too, so they cannot deadlock.
_STORE_ON_POSTGRESQL = (
    """
WITH counted AS (
    UPDATE survey SET response_count = response_count + 1, last_response_at = %(submitted_at)s
    WHERE id = %(survey_id)s AND design_version = coalesce(CAST(%(design)s AS text), design_version)
    RETURNING id
), stored AS (
    INSERT INTO response (survey_id, submitted_at, submission_key, invitation_id, invalid_reason)
    SELECT id, %(submitted_at)s, %(submission_key)s, %(invitation_id)s, '' FROM counted
    RETURNING id
), answers AS (
    INSERT INTO answer (response_id, question_id, option_id, text, number, counts_respondent)
    SELECT stored.id, a.question_id, a.option_id, a.text, a.number, a.counts_respondent
    FROM stored, unnest(CAST(%(question_ids)s AS integer[]), CAST(%(option_ids)s AS integer[]),
                        CAST(%(texts)s AS text[]), CAST(%(numbers)s AS double precision[]),
                        CAST(%(counts_respondent)s AS boolean[]))
        AS a (question_id, option_id, text, number, counts_respondent)
), respondents AS (
    UPDATE question SET respondent_count = respondent_count + 1
    WHERE id = ANY(CAST(%(respondent_ids)s AS integer[])) AND EXISTS (SELECT FROM counted)
), chosen AS (
    UPDATE option SET answer_count = answer_count + c.increment
    FROM unnest(CAST(%(chosen_ids)s AS integer[]), CAST(%(increments)s AS integer[]))
        AS c (id, increment)
    WHERE option.id = c.id AND EXISTS (SELECT FROM counted)
), announced AS (
    """
    + outbox.FAN_OUT_ON_POSTGRESQL.format(response="stored")
    + """
)
SELECT id FROM stored
"""
)


def stored_response(session: Session, key: str) -> int | None:
    """The id of the response stored under a form's key, if any."""
    responses = Response.__table__.c
    return session.scalar(select(responses.id).where(responses.submission_key == key))
