"""The page a withdrawn publication leaves in its place (结果反馈 and 意见采纳情况 alike, and
their previews in review): its title, when and why it was withdrawn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template


def withdrawn_page(
    title: str, issuer: str, withdrawn_at: datetime, reason: str, **context: Any
) -> str:
    return render_template(
        "publishing/withdrawn.html",
        title=title, issuer=issuer, withdrawn_at=withdrawn_at, reason=reason, **context,
    )  # fmt: skip
