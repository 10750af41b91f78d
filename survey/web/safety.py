"""Request hygiene shared by every blueprint: local redirects only, no NUL characters."""

from __future__ import annotations

import re

from flask import abort, request

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


def reject_nul() -> None:
    """No honest form or link carries a NUL character, and PostgreSQL cannot store one."""
    # Only a POST has a form to read: request.values would parse an (empty) body on every GET.
    sources = [request.args, request.form] if request.method == "POST" else [request.args]
    if "\x00" in request.path or any(
        "\x00" in value for source in sources for _key, value in source.items(multi=True)
    ):
        abort(400)
