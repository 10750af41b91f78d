"""The staff's summary (调查结论, or the note of an 意见采纳情况): Markdown rendered to sanitised
HTML. It is the staff's own text, signed off in review, so it is published as written, their
signature and contact lines included; only what it quotes (a ``>`` quotation: a respondent's
words) has personal data masked, as the respondents' answers have."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

from survey.core.masking import mask_personal

SUMMARY_MAX_LENGTH = 20_000
SUMMARY_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "table",
                "thead", "tbody", "tr", "th", "td", "hr"}  # fmt: skip
# Raw HTML in the summary is escaped by the Markdown parser; nh3 then keeps only plain tags.
# A line break is kept as one: staff type a signature or contact details line by line.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table")
QUOTE_TAG = re.compile(r"</?blockquote>")


def render_summary(markdown: str) -> str:
    """The staff's Markdown as sanitised HTML, personal data masked in its quotations ("" for
    an empty one)."""
    if not markdown.strip():
        return ""
    html = nh3.clean(_MARKDOWN.render(markdown), tags=SUMMARY_TAGS, attributes={}, link_rel=None)
    return _mask_quotations(html)


def _mask_quotations(html: str) -> str:
    """``html`` with personal data masked inside its <blockquote>s. Masked after rendering: the
    masks' asterisks would otherwise read as Markdown emphasis. The cleaned HTML has balanced
    tags and no attributes, and text cannot hold a tag (it is escaped), so masking can only
    touch quoted text."""
    pieces, depth, start = [], 0, 0
    for tag in QUOTE_TAG.finditer(html):
        text = html[start : tag.start()]
        pieces += [mask_personal(text) if depth else text, tag.group()]
        depth += -1 if tag.group().startswith("</") else 1
        start = tag.end()
    pieces.append(html[start:])
    return "".join(pieces)
