"""What a response is recognised by, for 防重复 and the flags of suspected duplicates: keyed
hashes of the browser's device id, of its network address and of the answers given. Keyed
(HMAC under the installation's secret key), so that the table does not give addresses away:
the IPv4 addresses are few enough to hash them all."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from functools import cache

from survey.surveys.questions import AnswerRow


@cache
def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"survey.fingerprints", hashlib.sha256).digest()


def _hash(secret_key: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(_key(secret_key), message, hashlib.sha256).hexdigest()[:32]


def device_hash(secret_key: str, device: str) -> str | None:
    return _hash(secret_key, "device", device) if device else None


def address_hash(secret_key: str, address: str) -> str | None:
    return _hash(secret_key, "address", address) if address else None


# Fewer answers than this are the same in many honest responses (a one-question survey has a
# handful of possible answer sets): no digest, no flag.
IDENTICAL_MIN_ANSWERS = 5


def answers_digest(secret_key: str, answers: list[AnswerRow]) -> str | None:
    """The same for two responses that gave the same answers (None: too few to tell)."""
    if len(answers) < IDENTICAL_MIN_ANSWERS:
        return None
    given = sorted(repr(tuple(answer)) for answer in answers)
    return _hash(secret_key, "answers", *given)


def once_key(policy: str, device: str | None, address: str | None, day: date) -> str | None:
    """What a response under the 防重复 ``policy`` must not share with an earlier one: its
    device, or its address on the office's ``day`` (None: nothing, or not known)."""
    if policy == "device":
        return f"d:{device}" if device else None
    if policy == "address":
        return f"a:{address}:{day.isoformat()}" if address else None
    return None
