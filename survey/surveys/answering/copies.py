"""Per-process copies of the questionnaires being answered, so that serving a respondent does
not load the survey, its questions and options each time."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.core.models import engine_of
from survey.core.window import SLUG_PATTERN
from survey.surveys.models import Survey
from survey.surveys.queries import load_survey


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
        with engine_of(session).connect() as connection:
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
