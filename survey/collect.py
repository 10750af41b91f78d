"""Taking a response: is the survey open, is the form genuine and fresh, are the answers valid;
then one transaction that writes the response and all its answers, or nothing."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Engine, PoolProxiedConnection, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from survey import logic, tally
from survey.db import sqlite_datetime
from survey.models import Phase, Question, Response, Survey
from survey.questions import AnswerError, AnswerRow, MalformedAnswer, get_type

TOKEN_FIELD = "submission"
FORM_FIELDS = {TOKEN_FIELD}


class NotOpen(Exception):
    """The survey does not take answers now; ``phase`` says why."""

    def __init__(self, phase: Phase) -> None:
        super().__init__(phase)
        self.phase = phase


@dataclass
class Outcome:
    """What became of a submission: the stored response (also for a replayed form), or errors
    to correct."""

    errors: dict[int, str] = field(default_factory=dict)  # question id -> message
    response_id: int | None = None

    @property
    def accepted(self) -> bool:
        return not self.errors


SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")


def load_survey(session: Session, slug: str) -> Survey | None:
    """The survey with its questions and options, loaded in three queries."""
    if not SLUG_PATTERN.match(slug):
        return None
    return session.scalar(
        select(Survey)
        .where(Survey.slug == slug)
        .options(selectinload(Survey.questions).selectinload(Question.options))
    )


@dataclass
class Questionnaire:
    """A read-only copy of a survey's questionnaire (detached from any session) as of one design
    version, and the pages rendered from it that are the same for every respondent. Its counters
    are stale."""

    survey: Survey
    version: str
    checked_at: float  # time.monotonic() when the database last had this version
    pages: dict[tuple[str, ...], bytes] = field(default_factory=dict)
    personalised: bool = field(init=False)  # see Survey.is_personalised

    def __post_init__(self) -> None:
        self.personalised = self.survey.is_personalised

    def page(self, key: tuple[str, ...], render: Callable[[], str]) -> bytes:
        """The page under ``key`` (its kind, locale and path), rendered and encoded on first
        use."""
        if key not in self.pages:
            self.pages[key] = render().encode()
        return self.pages[key]


class InvitationUsed(Exception):
    """The invitation already has its response (from another form)."""


class DesignChanged(Exception):
    """The survey's design changed after the copy a submission was checked against was made."""


class Questionnaires:
    """Per-process copies of the questionnaires being answered, so that serving a respondent
    does not load the survey, its questions and options each time.

    A copy is used while the database still holds its design version, which is checked at most
    every ``recheck_after`` seconds: an answer page may be that old. A submission is never
    judged by an old copy: its write succeeds only if the version is still current (see
    ``submit``). Nothing depends on other processes having the same copies.
    """

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._copies: OrderedDict[str, Questionnaire] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, open_session: Callable[[], Session], slug: str, recheck_after: float = 0
    ) -> Questionnaire | None:
        """The copy of ``slug``'s questionnaire; ``open_session`` gives the session to read the
        database with, and is called only when the copy is due for a check."""
        if not SLUG_PATTERN.match(slug):
            return None
        now = time.monotonic()
        with self._lock:
            copy = self._copies.get(slug)
        if copy is not None and now - copy.checked_at < recheck_after:
            return copy
        session = open_session()
        surveys = Survey.__table__.c
        # Outside the session's transaction: on PostgreSQL, one round trip instead of three.
        with session.get_bind().connect() as connection:
            version = connection.execution_options(isolation_level="AUTOCOMMIT").scalar(
                select(surveys.design_version).where(surveys.slug == slug)
            )
        with self._lock:
            copy = self._copies.get(slug)
            if copy is not None and copy.version == version:
                copy.checked_at = now
                self._copies.move_to_end(slug)
                return copy
        if version is None:
            return None
        survey = load_survey(session, slug)
        if survey is None:
            return None
        session.expunge(survey)  # with its questions and options
        copy = Questionnaire(survey, survey.design_version, now)
        with self._lock:
            self._copies[slug] = copy
            while len(self._copies) > self.capacity:
                self._copies.popitem(last=False)
        return copy


@cache
def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="survey.submission")


def issue_token(survey: Survey, secret_key: str, respondent: str = "") -> str:
    """A one-time token for one rendering of the form: the response it produces is stored once.
    It is also the form's CSRF token: it holds the ``respondent`` id the browser was given in
    a cookie, and a post is taken only from the browser that has that cookie."""
    return _serializer(secret_key).dumps([survey.id, secrets.token_urlsafe(16), respondent])


class StaleForm(Exception):
    """The form's token is genuine but was issued to another browser, or before this browser
    lost its respondent cookie: a cross-site post, or a page kept too long."""


def _token_key(survey: Survey, token: str, secret_key: str, respondent: str) -> str:
    try:
        survey_id, key, *issued_to = _serializer(secret_key).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise MalformedAnswer("submission token invalid") from None
    if survey_id != survey.id or not isinstance(key, str):
        raise MalformedAnswer("submission token belongs to another survey")
    if issued_to != [respondent]:
        raise StaleForm(survey.slug)
    return key


def submit(
    session: Session,
    survey: Survey,
    form: MultiDict[str, str],
    now: datetime,
    secret_key: str,
    design_version: str | None = None,
    invitation_id: int | None = None,
    respondent: str = "",
) -> Outcome:
    """Validate and store one submitted form.

    Raises ``NotOpen`` when the survey takes no answers now and ``MalformedAnswer`` for a post no
    form of ours produces (forged token, unknown field, option of another question). With
    ``design_version`` (that of the copy ``survey`` is), stores nothing and raises
    ``DesignChanged`` if the survey no longer has that design when the response is written.
    ``StaleForm`` if the form's token was not issued to ``respondent``.
    With ``invitation_id``, the response is the invitation's: ``InvitationUsed`` if it has one
    already (the unique ``response.invitation_id`` decides between concurrent posts).
    """
    phase = survey.phase(now)
    if phase != Phase.OPEN:
        raise NotOpen(phase)
    key = _token_key(survey, form.get(TOKEN_FIELD, ""), secret_key, respondent)
    allowed = set(FORM_FIELDS)
    for question in survey.questions:
        allowed |= get_type(question.type).field_names(question)
    unknown = set(form) - allowed
    if unknown:
        raise MalformedAnswer(f"unknown fields: {sorted(unknown)[:5]}")

    outcome = Outcome()
    answers: list[AnswerRow] = []
    # Display and skip logic decide again what this respondent saw: a hidden question is not
    # required, and whatever was posted for it is not stored (nor counted).
    shown = logic.shown_questions(survey, form)
    for question in survey.questions:
        if question.id not in shown:
            continue
        try:
            answers.extend(get_type(question.type).parse(question, form))
        except AnswerError as error:
            outcome.errors[question.id] = error.message
    if outcome.errors:
        # Unless this form was stored already and only its re-post fails (an option withdrawn
        # since): the respondent's answers are in, there is nothing to correct.
        stored = _stored(session, key)
        return Outcome(response_id=stored) if stored is not None else outcome
    row = {"survey_id": survey.id, "submitted_at": now, "submission_key": key,
           "invitation_id": invitation_id}  # fmt: skip
    try:
        outcome.response_id = _store(session.get_bind(), row, answers, design_version)
    except IntegrityError:
        # The form posted again (a double tap, Back then 提交): its response is stored already.
        stored = _stored(session, key)
        if stored is not None:
            return Outcome(response_id=stored)
        if invitation_id is not None:
            raise InvitationUsed(invitation_id) from None
        raise
    if outcome.response_id is None:
        raise DesignChanged(survey.slug)
    return outcome


def _store(
    engine: Engine, row: dict[str, Any], answers: list[AnswerRow], design_version: str | None
) -> int | None:
    """Write the response and its answers and count them, all or nothing, on a connection of
    its own: the new response's id, or None (nothing written) if the survey no longer has
    ``design_version``.

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
    """A submission's answer rows as stored (each response's first row to a question counts
    its respondent), and the counter increments they make."""

    rows: list[tuple[int, int | None, str | None, float | None, bool]]
    respondents: list[int]  # question ids, in id order
    chosen: Counter[int]  # answers per option

    @classmethod
    def of(cls, answers: list[AnswerRow]) -> _Written:
        questions: set[int] = set()
        rows = []
        for a in answers:
            rows.append(
                (a.question_id, a.option_id, a.text, a.number, a.question_id not in questions)
            )
            questions.add(a.question_id)
        chosen = Counter(a.option_id for a in answers if a.option_id is not None)
        return cls(rows, sorted(questions), chosen)

    def parameters(self, row: dict[str, Any], design_version: str | None) -> dict[str, Any]:
        """The parameters of ``_STORE_ON_POSTGRESQL``: the answers as one array per column."""
        columns = [list(column) for column in zip(*self.rows, strict=True)] or [[]] * 5
        question_ids, option_ids, texts, numbers, counts_respondent = columns
        return {
            **row, "design": design_version, "question_ids": question_ids,
            "option_ids": option_ids, "texts": texts, "numbers": numbers,
            "counts_respondent": counts_respondent, "respondent_ids": self.respondents,
            "chosen_ids": list(self.chosen), "increments": list(self.chosen.values()),
        }  # fmt: skip


def _store_on_sqlite(
    connection: PoolProxiedConnection,
    row: dict[str, Any],
    written: _Written,
    design_version: str | None,
) -> int | None:
    """The statements of ``_store`` in SQLite's dialect, in one transaction, the survey's
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
        response_id: int = cursor.lastrowid  # type: ignore[assignment]
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
            for increment, ids in tally.by_increment(written.chosen).items():
                cursor.execute(
                    f"UPDATE option SET answer_count = answer_count + ? WHERE id IN "
                    f"({', '.join('?' * len(ids))})",
                    (increment, *ids),
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
# the response, its answers and the other counters are written only if it was. Every other
# writer of the counters locks the survey's row first too, so they cannot deadlock.
_STORE_ON_POSTGRESQL = """
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
)
SELECT id FROM stored
"""


def _stored(session: Session, key: str) -> int | None:
    responses = Response.__table__.c
    return session.scalar(select(responses.id).where(responses.submission_key == key))
