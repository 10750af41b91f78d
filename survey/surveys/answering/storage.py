"""Writing a judged submission: the response, its answers and the counters, all or nothing, by
statements written for each database (one round trip on PostgreSQL), on the pool's DBAPI
connection itself."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
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


@dataclass(frozen=True)
class Stored:
    response_id: int
    responses: int  # the survey's valid responses, this one included


class NotStored(enum.Enum):
    DESIGN_CHANGED = "design"  # the survey no longer has the design the answers were judged by
    FULL = "full"  # the survey has its 回收上限 of responses
    QUOTA_FULL = "quota"  # a quota the response counts toward is full


def store(
    engine: Engine,
    row: dict[str, Any],
    answers: list[AnswerRow],
    design_version: str | None,
    quota_ids: Sequence[int] = (),
) -> Stored | NotStored:
    """Write the response and its answers and count them (toward the quotas ``quota_ids`` too),
    and announce it to the survey's webhooks, all or nothing, on a connection of its own: the
    new response's id, or why nothing was written. The survey's 回收上限 and the quotas are
    checked by the guarded updates of the counters themselves, so concurrent posts cannot
    overshoot them.

    The statements run on the pool's DBAPI connection itself: SQLAlchemy's connection, result
    and transaction objects cost more per submission than the database takes to run them.
    Their errors are raised as SQLAlchemy's, as they would be through a SQLAlchemy connection.
    """
    written = _Written.of(answers)
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            parameters = written.parameters(row, design_version)
            return _store_on_postgresql(connection, parameters, quota_ids)
        return _store_on_sqlite(connection, row, written, design_version, quota_ids)
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

    rows: list[tuple[int, int | None, str | None, float | None, bool, bool]]
    respondents: list[int]  # question ids, in id order: each counts one more respondent
    chosen: Counter[int]  # answers per option

    @classmethod
    def of(cls, answers: list[AnswerRow]) -> _Written:
        increments = counting.Increments()
        flags = increments.count_response(answers)
        rows = [
            (a.question_id, a.option_id, a.text, a.number, a.sealed, first)
            for a, first in zip(answers, flags, strict=True)
        ]
        return cls(rows, sorted(increments.respondents), increments.options)

    def parameters(self, row: dict[str, Any], design_version: str | None) -> dict[str, Any]:
        """The parameters of ``_STORE_ON_POSTGRESQL``: the answers as one array per column."""
        columns = [list(column) for column in zip(*self.rows, strict=True)] or [[]] * 6
        question_ids, option_ids, texts, numbers, sealed, counts_respondent = columns
        return {
            **row, "design": design_version, "question_ids": question_ids,
            "option_ids": option_ids, "texts": texts, "numbers": numbers, "sealed": sealed,
            "counts_respondent": counts_respondent, "respondent_ids": self.respondents,
            "chosen_ids": list(self.chosen), "increments": list(self.chosen.values()),
            "message_id": outbox.new_message_id(), "event": RESPONSE_CREATED,
        }  # fmt: skip


def _store_on_sqlite(
    connection: PoolProxiedConnection,
    row: dict[str, Any],
    written: _Written,
    design_version: str | None,
    quota_ids: Sequence[int],
) -> Stored | NotStored:
    """The statements of ``store`` in SQLite's dialect, in one transaction, the survey's
    counter first: nothing else is written when its design has changed or it is full."""
    at = sqlite_datetime(row["submitted_at"])
    cursor = connection.cursor()
    try:
        cursor.execute(
            "UPDATE survey SET response_count = response_count + 1, last_response_at = ? "
            "WHERE id = ? AND design_version = coalesce(?, design_version) "
            "AND (response_cap IS NULL OR response_count < response_cap) "
            "RETURNING response_count",
            (at, row["survey_id"], design_version),
        )
        counted = cursor.fetchone()
        if counted is None:
            connection.rollback()
            return _why_not(cursor, "?", row["survey_id"], design_version)
        for quota_id in quota_ids:
            cursor.execute(
                "UPDATE quota SET taken = taken + 1 WHERE id = ? AND taken < quota_limit",
                (quota_id,),
            )
            if not cursor.rowcount:
                connection.rollback()
                return NotStored.QUOTA_FULL
        cursor.execute(
            "INSERT INTO response (survey_id, submitted_at, submission_key, invitation_id, "
            "duration_seconds, device_hash, address_hash, answers_digest, once_key, source, "
            "invalid_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            (row["survey_id"], at, row["submission_key"], row["invitation_id"],
             row["duration_seconds"], row["device_hash"], row["address_hash"],
             row["answers_digest"], row["once_key"], row["source"]),
        )  # fmt: skip
        response_id = cursor.lastrowid
        if written.rows:
            cursor.executemany(
                "INSERT INTO answer (response_id, question_id, option_id, text, number, "
                "sealed, counts_respondent) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
        return Stored(response_id, counted[0])
    finally:
        cursor.close()


def _why_not(cursor: Any, mark: str, survey_id: int, design_version: str | None) -> NotStored:
    """Why the survey's guarded counter update changed nothing (``mark``: the paramstyle)."""
    cursor.execute(
        f"SELECT design_version, response_cap, response_count FROM survey WHERE id = {mark}",
        (survey_id,),
    )
    found = cursor.fetchone()
    if found is not None and found[1] is not None and found[2] >= found[1]:
        return NotStored.FULL  # whatever else changed (its closing gives it a new design)
    return NotStored.DESIGN_CHANGED


def _store_on_postgresql(
    connection: PoolProxiedConnection, parameters: dict[str, Any], quota_ids: Sequence[int]
) -> Stored | NotStored:
    """``_STORE_ON_POSTGRESQL`` in a transaction of its own: one round trip to the server
    instead of eight. A response that counts toward quotas takes them first in the same
    transaction, after locking the survey's row as every other writer of the counters does."""
    driver: Any = connection.driver_connection
    try:
        with driver.cursor() as cursor:
            if quota_ids:
                cursor.execute(
                    "SELECT 1 FROM survey WHERE id = %s FOR UPDATE", (parameters["survey_id"],)
                )
                taken = cursor.execute(
                    "UPDATE quota SET taken = taken + 1 "
                    "WHERE id = ANY(%s) AND taken < quota_limit RETURNING id",
                    (list(quota_ids),),
                ).fetchall()
                if len(taken) < len(quota_ids):
                    driver.rollback()
                    return NotStored.QUOTA_FULL
            else:
                driver.autocommit = True
            stored = cursor.execute(_STORE_ON_POSTGRESQL, parameters).fetchone()
            if stored is None:
                why = _why_not(cursor, "%s", parameters["survey_id"], parameters["design"])
                driver.rollback()
                return why
            driver.commit()
    finally:
        if not driver.broken:  # back in the pool, the connection must begin transactions again
            driver.autocommit = False
    return Stored(stored[0], stored[1])


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
        AND (response_cap IS NULL OR response_count < response_cap)
    RETURNING id, response_count
), stored AS (
    INSERT INTO response (survey_id, submitted_at, submission_key, invitation_id,
                          duration_seconds, device_hash, address_hash, answers_digest,
                          once_key, source, invalid_reason)
    SELECT id, %(submitted_at)s, %(submission_key)s, %(invitation_id)s,
           CAST(%(duration_seconds)s AS integer), CAST(%(device_hash)s AS text),
           CAST(%(address_hash)s AS text), CAST(%(answers_digest)s AS text),
           CAST(%(once_key)s AS text), CAST(%(source)s AS text), '' FROM counted
    RETURNING id
), answers AS (
    INSERT INTO answer (response_id, question_id, option_id, text, number, sealed,
                        counts_respondent)
    SELECT stored.id, a.question_id, a.option_id, a.text, a.number, a.sealed,
           a.counts_respondent
    FROM stored, unnest(CAST(%(question_ids)s AS integer[]), CAST(%(option_ids)s AS integer[]),
                        CAST(%(texts)s AS text[]), CAST(%(numbers)s AS double precision[]),
                        CAST(%(sealed)s AS boolean[]), CAST(%(counts_respondent)s AS boolean[]))
        AS a (question_id, option_id, text, number, sealed, counts_respondent)
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
SELECT stored.id, counted.response_count FROM stored, counted
"""
)


def stored_response(session: Session, key: str) -> int | None:
    """The id of the response stored under a form's key, if any."""
    responses = Response.__table__.c
    return session.scalar(select(responses.id).where(responses.submission_key == key))
