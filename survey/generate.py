"""Synthetic responses in bulk, for demos and load tests: valid answers to every question,
written in batches by the database's fastest path (executemany on SQLite, COPY on PostgreSQL),
with the counters increased in the same transaction as each batch."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from survey import tally
from survey.models import Option, Question, Survey

# One generated answer row: (option_id, text, number).
Row = tuple[int | None, str | None, float | None]
Plan = Callable[[random.Random], list[Row]]

SAMPLE_TEXTS = ["无", "希望加强政策宣传", "订单比去年有所增加", "物流成本偏高", "需要融资支持"]
BATCH = 10_000


def _plan(question: Question) -> Plan:
    """How to answer ``question`` at random, always validly."""
    options = question.active_options
    settings = question.settings
    skip = 0.0 if question.required else 0.15

    def fill(option: Option) -> Row:
        return (option.id, "其他情况" if option.fill_in else None, None)

    if question.type in ("single", "dropdown"):
        return lambda rng: [] if rng.random() < skip else [fill(rng.choice(options))]
    if question.type == "multiple":
        low = settings.get("min_choices") or 1
        high = settings.get("max_choices") or min(len(options), 3)

        def multiple(rng: random.Random) -> list[Row]:
            if rng.random() < skip:
                return []
            return [fill(o) for o in rng.sample(options, rng.randint(low, max(low, high)))]

        return multiple
    if question.type == "number":
        low = settings.get("min", 0.0)
        high = settings.get("max", low + 1000)

        def number(rng: random.Random) -> list[Row]:
            if rng.random() < skip:
                return []
            value = rng.uniform(low, high)
            return [(None, None, float(round(value)) if settings.get("integer") else value)]

        return number
    # Text questions: short sample answers within the limit; optional ones half of the time.
    limit = settings.get("max_length") or 200
    skip = 0.0 if question.required else 0.5
    return lambda rng: (
        [] if rng.random() < skip else [(None, rng.choice(SAMPLE_TEXTS)[:limit], None)]
    )


def generate_responses(
    session: Session, survey: Survey, count: int, now: datetime, seed: int | None = None
) -> Iterator[int]:
    """Add ``count`` responses to ``survey``; yields the running total after each batch."""
    rng = random.Random(seed)
    plans = [(question.id, _plan(question)) for question in survey.questions]
    end = min(now, survey.closes_at or now)
    start = survey.opens_at if survey.opens_at and survey.opens_at < end else end - timedelta(30)
    span = (end - start).total_seconds()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        connection = session.connection()
        ids = _reserve_response_ids(connection, size)
        responses, answers = [], []
        option_counts: Counter[int] = Counter()
        question_counts: Counter[int] = Counter()
        latest = start
        for response_id in ids:
            at = start + timedelta(seconds=rng.random() * span)
            latest = max(latest, at)
            responses.append((response_id, survey.id, at, f"gen-{uuid.uuid4().hex}"))
            for question_id, plan in plans:
                rows = plan(rng)
                if rows:
                    question_counts[question_id] += 1
                for option_id, value, number in rows:
                    answers.append((response_id, question_id, option_id, value, number))
                    if option_id is not None:
                        option_counts[option_id] += 1
        _write(connection, responses, answers)
        tally.add(
            session,
            survey.id,
            responses=size,
            latest=latest,
            respondents=question_counts,
            options=option_counts,
        )
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
    highest = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM response").scalar()
    return list(range(highest + 1, highest + 1 + size))


def _write(connection: Connection, responses: list[tuple], answers: list[tuple]) -> None:
    response_columns = "id, survey_id, submitted_at, submission_key"
    answer_columns = "response_id, question_id, option_id, text, number"
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY response ({response_columns}) FROM STDIN") as copy:
                for row in responses:
                    copy.write_row(row)
            with cursor.copy(f"COPY answer ({answer_columns}) FROM STDIN") as copy:
                for row in answers:
                    copy.write_row(row)
        return
    # SQLAlchemy's SQLite DATETIME format, written directly for speed.
    responses = [(i, s, at.strftime("%Y-%m-%d %H:%M:%S.%f"), k) for i, s, at, k in responses]
    cursor = connection.connection.driver_connection.cursor()
    cursor.executemany(f"INSERT INTO response ({response_columns}) VALUES (?, ?, ?, ?)", responses)
    cursor.executemany(f"INSERT INTO answer ({answer_columns}) VALUES (?, ?, ?, ?, ?)", answers)
    cursor.close()
