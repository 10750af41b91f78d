"""A published document as one self-contained HTML page (styles inline, charts as SVG
drawings), from the app's templates, for Chromium to print without a server."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app, render_template

from survey.publishing import images
from survey.publishing.documents import OpinionFeedback, ResultFeedback


def printable_styles() -> list[str]:
    """The page's stylesheets, to inline in a page printed without a server."""
    static = Path(current_app.static_folder or "")
    return [(static / "css" / name).read_text("utf-8") for name in ("site.css", "print.css")]


def printable_html(document: ResultFeedback, published_at: datetime) -> str:
    """The 结果反馈 to print, with its charts drawn (as the published page shows them)."""
    drawings = images.of_document(document) or {}
    return render_template(
        "publishing/print.html",
        document=document,
        published_at=published_at,
        drawings=drawings,
        styles=printable_styles(),
    )


def printable_opinions_html(document: OpinionFeedback, published_at: datetime | None) -> str:
    """The 意见采纳情况 as a page to print; without ``published_at``, marked as a working copy."""
    return render_template(
        "publishing/opinions_print.html",
        document=document,
        published_at=published_at,
        styles=printable_styles(),
    )
