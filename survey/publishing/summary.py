"""The staff's summary (调查结论) of a publication: Markdown rendered to sanitised HTML with
personal data masked."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

from survey.core.masking import mask_personal

SUMMARY_MAX_LENGTH = 20_000
SUMMARY_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "table",
                "thead", "tbody", "tr", "th", "td", "hr"}  # fmt: skip
# Raw HTML in the summary is escaped by the Markdown parser; nh3 then keeps only plain tags.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_summary(markdown: str) -> str:
    """The staff's Markdown as sanitised HTML, personal data masked ("" for an empty one).
    Masked after rendering: the masks' asterisks would otherwise read as Markdown emphasis. The
    cleaned HTML has no attributes, so masking can only touch text."""
    if not markdown.strip():
        return ""
    html = nh3.clean(_MARKDOWN.render(markdown), tags=SUMMARY_TAGS, attributes={}, link_rel=None)
    return mask_personal(html)
