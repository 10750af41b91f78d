"""Synthetic responses in bulk, for demos and load tests: valid answers to every question (each
type's ``sample``), written in batches by the database's fastest path (executemany on SQLite, COPY
on PostgreSQL), with the counters increased in the same transaction as each batch."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from survey.core import sealing
from survey.core.models import sqlite_datetime
from survey.surveys import counting, logic, personal
from survey.surveys.models import Survey
from survey.surveys.questions import get_type

BATCH = 10_000


def generate_responses(
    session: Session,
    survey: Survey,
    count: int,
    now: datetime,
    seed: int | None = None,
    data_key: str = "",
) -> Iterator[int]:
    """Add ``count`` responses to ``survey``, its personal answers sealed under ``data_key``
    as the answer path seals them; yields the running total after each batch."""
    rng = random.Random(seed)
    sealed_ids = personal.personal_ids(survey)
    if sealed_ids and not data_key:
        raise ValueError("a survey with personal questions is answered with the data key")
    plans = [(q.id, partial(get_type(q.type).sample, q)) for q in survey.questions]
    # With display or skip logic, a response answers only what its respondent would be shown.
    steps = logic.steps(survey) if any(q.logic for q in survey.questions) else None
    keys = {q.id: q.key for q in survey.questions}
    choosing = {q.id for q in survey.questions if get_type(q.type).chooses_options}
    end = min(now, survey.closes_at or now)
    start = survey.opens_at if survey.opens_at and survey.opens_at < end else end - timedelta(30)
    span = (end - start).total_seconds()
    # Unique submission keys without a random draw per response: this run's prefix, the id.
    keys_prefix = f"gen-{uuid.uuid4().hex}-"
    if session.get_bind().dialect.name == "sqlite":
        # A bulk load touches more index pages than SQLite's default 2 MiB cache holds.
        session.connection().exec_driver_sql(f"PRAGMA cache_size = -{256 * 1024}")
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        connection = session.connection()
        ids = _reserve_response_ids(connection, size)
        responses: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        increments = counting.Increments()
        latest = start
        for response_id in ids:
            at = start + timedelta(seconds=rng.random() * span)
            latest = max(latest, at)
            responses.append((response_id, survey.id, at, f"{keys_prefix}{response_id}"))
            sampled = [(question_id, plan(rng)) for question_id, plan in plans]
            if steps is not None:
                chosen = {keys[q]: {row[0] for row in rows} for q, rows in sampled if q in choosing}
                seen = logic.shown(steps, chosen)
                sampled = [(q, rows) for q, rows in sampled if keys[q] in seen]
            given = [(q, row) for q, rows in sampled for row in rows]
            flags = increments.count_response([(q, row[0]) for q, row in given])
            if survey.quotas:  # counted toward, not held to: synthetic answers for load tests
                picked = {row[0] for _q, row in given if row[0] is not None}
                increments.quotas.update(counting.quotas_held(survey.quotas, picked))
            answers.extend(
                (response_id, q, option_id, value, number, False, first)
                if q not in sealed_ids or not value
                else (response_id, q, option_id,
                      sealing.seal(data_key, value, personal.context(q)), number, True, first)
                for (q, (option_id, value, number)), first in zip(given, flags, strict=True)
            )  # fmt: skip
        _write(connection, responses, answers)
        counting.apply(session, survey.id, increments, latest)
        session.commit()
        done += size
        yield done


def _reserve_response_ids(connection: Connection, size: int) -> list[int]:
    if connection.dialect.name == "postgresql":
        return list(
            connection.scalars(
                text("SELECT nextval('response_id_seq') FROM generate_series(1, :n)"), {"n": size}
            )
        )
    # SQLite: take the write lock before reading the highest id, so no submission slips between.
    connection.exec_driver_sql("UPDATE survey SET id = id WHERE 0")
    highest = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM response").scalar_one()
    return list(range(highest + 1, highest + 1 + size))


def _write(
    connection: Connection, responses: list[tuple[Any, ...]], answers: list[tuple[Any, ...]]
) -> None:
    response_columns = "id, survey_id, submitted_at, submission_key"
    answer_columns = "response_id, question_id, option_id, text, number, sealed, counts_respondent"
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY response ({response_columns}) FROM STDIN") as copy:
                for row in responses:
                    copy.write_row(row)
            with cursor.copy(f"COPY answer ({answer_columns}) FROM STDIN") as copy:
                for row in answers:
                    copy.write_row(row)
        return
    responses = [(i, s, sqlite_datetime(at), k) for i, s, at, k in responses]
    cursor = driver.cursor()
    cursor.executemany(f"INSERT INTO response ({response_columns}) VALUES (?, ?, ?, ?)", responses)
    cursor.executemany(
        f"INSERT INTO answer ({answer_columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", answers
    )
    cursor.close()
