"""Request hygiene shared by every blueprint: local redirects only, no NUL characters, and
numbers in URLs within what the database holds."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, abort, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

# The largest id a database column holds (PostgreSQL's integer): a larger one in a URL is a
# page that cannot exist, not an error of the server.
LARGEST_ID = 2**31 - 1
LAST_PAGE = 100_000

# Browsers drop tabs and line breaks inside URLs and treat "\" like "/", so "/\t/evil.example"
# would leave the site: any control character, space or backslash disqualifies a target.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``."""
    if not target or _UNSAFE.search(target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    return target


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route, bounded by what an id column holds."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def bound_ids(app: Flask) -> None:
    """Before any route is added: ids in URLs within what the database holds."""
    app.url_map.converters["int"] = IdConverter


def page_number() -> int:
    """The ``page`` asked for, within 1 and ``LAST_PAGE``."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), LAST_PAGE)


def as_id(value: str) -> int | None:
    """The id written in posted or linked text, or None when none could exist: ASCII digits
    only (``str.isdigit()`` also takes "²", which ``int()`` refuses) and within the column."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(LARGEST_ID)):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def id_argument(name: str) -> int | None:
    """The id in parameter ``name``, or None when there is none that could exist."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= LARGEST_ID else None


def reject_nul() -> None:
    """No honest form or link carries a NUL character, and PostgreSQL cannot store one."""
    # Only a POST has a form to read: request.values would parse an (empty) body on every GET.
    sources = [request.args, request.form] if request.method == "POST" else [request.args]
    if "\x00" in request.path or any(
        "\x00" in value for source in sources for _key, value in source.items(multi=True)
    ):
        abort(400)


# Room for a file's form fields and the multipart framing around it.
FORM_ROOM = 64 * 1024


def room_for_uploads(
    limits: Mapping[str, int], permission: Any
) -> Callable[[str | None, dict[str, Any] | None], None]:
    """A blueprint's url_value_preprocessor letting staff who hold ``permission`` post a file
    as large as ``limits[endpoint]`` bytes to those endpoints. It runs before any hook reads
    the body (``reject_nul``, CSRF), which a limit set in the view would come too late for."""

    def preprocess(endpoint: str | None, _values: dict[str, Any] | None) -> None:
        limit = limits.get(endpoint or "")
        if limit and current_user.is_authenticated and current_user.can(permission):
            request.max_content_length = limit + FORM_ROOM

    return preprocess
