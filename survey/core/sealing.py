"""Secrets the platform must read back (a webhook's signing secret cannot be hashed), kept in
the database sealed with AES-GCM under the installation's data key, so that a copy of the
database alone does not give them away."""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"  # of the sealed form, so that a later key rotation can tell old from new
_NONCE_BYTES = 12


class SealingError(Exception):
    """A sealed value that does not open with this key (another key, or damaged)."""


def new_key() -> str:
    """A new data key: 32 random bytes, base64 (what SURVEY_DATA_KEY holds)."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


@cache  # one per key: building it costs more than sealing a short value
def _cipher(key: str) -> AESGCM:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except ValueError as error:
        raise SealingError("the data key is not base64") from error
    if len(raw) != 32:
        raise SealingError("the data key must be 32 bytes")
    return AESGCM(raw)


def seal(key: str, plain: str, context: str) -> str:
    """``plain`` sealed for storage; ``context`` (the row it belongs to) is authenticated with
    it, so a sealed value copied to another row does not open there."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(key).encrypt(nonce, plain.encode(), context.encode())
    return f"{_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(key: str, sealed: str, context: str) -> str:
    """What ``seal`` sealed with this key and context."""
    version, _sep, body = sealed.partition(":")
    if version != _VERSION:
        raise SealingError(f"unknown sealed form {version!r}")
    raw = base64.urlsafe_b64decode(body.encode())
    try:
        plain = _cipher(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
    except Exception as error:  # cryptography's InvalidTag, or a value too short to hold one
        raise SealingError("the sealed value does not open with this key") from error
    return plain.decode()


def unseal_any(keys: Sequence[str], sealed: str, context: str) -> str:
    """What ``seal`` sealed with one of ``keys`` (the current key first, then those it replaced:
    while ``rotate-data-key`` reseals, values under either open)."""
    for key in keys[:-1]:
        try:
            return unseal(key, sealed, context)
        except SealingError:
            continue
    return unseal(keys[-1], sealed, context)
