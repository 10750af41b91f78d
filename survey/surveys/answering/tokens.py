"""The one-time token of a rendering of the answer form: the response it produces is stored
once, and it is the form's CSRF token (it names the browser it was given to)."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from itsdangerous import BadSignature, URLSafeSerializer

from survey.core.errors import MalformedPost
from survey.surveys.models import Survey

TOKEN_FIELD = "submission"
# The id form.js keeps in the browser's storage, which outlives a cleared cookie (防重复).
DEVICE_FIELD = "device"
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


@cache
def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="survey.submission")


def issue_token(survey: Survey, secret_key: str, respondent: str = "") -> str:
    """A one-time token for one rendering of the form: the response it produces is stored once.
    It is also the form's CSRF token: it holds the ``respondent`` id the browser was given in
    a cookie, and a post is taken only from the browser that has that cookie; and when it was
    issued, which times the answering (答题用时, 答题时长限制)."""
    issued = int(time.time())
    return _serializer(secret_key).dumps([survey.id, secrets.token_urlsafe(16), respondent, issued])


class StaleForm(Exception):
    """The form's token is genuine but was issued to another browser, or before this browser
    lost its respondent cookie: a cross-site post, or a page kept too long."""


@dataclass(frozen=True)
class Submission:
    key: str  # what the response is stored under (unique: a form stores once)
    issued_at: datetime | None  # when the form was shown (naive UTC; None: an older token)


def submission(survey: Survey, token: str, secret_key: str, respondent: str) -> Submission:
    """What the form's token says. Raises ``MalformedPost`` for a token we did not issue for
    this survey, ``StaleForm`` for one issued to another browser."""
    try:
        survey_id, key, *rest = _serializer(secret_key).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise MalformedPost("submission token invalid") from None
    if survey_id != survey.id or not isinstance(key, str):
        raise MalformedPost("submission token belongs to another survey")
    if rest[:1] != [respondent]:
        raise StaleForm(survey.slug)
    moment = rest[1] if len(rest) > 1 else None
    if not isinstance(moment, int) or isinstance(moment, bool):
        return Submission(key, None)
    return Submission(key, datetime.fromtimestamp(moment, UTC).replace(tzinfo=None))
