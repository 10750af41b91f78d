"""Handing a survey out: the QR code of its public link, for posters, WeChat groups and print
shops (invitation links are ``invitations``')."""

from __future__ import annotations

import base64
import io

import segno

QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}
# The A4 poster (title, issuer, period, QR code and link): to print, or to post as a picture.
POSTER_KINDS = {"pdf": "application/pdf", "png": "image/png"}
# What the QR code's link carries, so that a response records it came by the QR code (来源).
QR_MARKER = ("src", "qr")


def scanned(url: str) -> str:
    """``url`` as a QR code encodes it: marked as the QR code's."""
    name, value = QR_MARKER
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


def qr_code(url: str, kind: str) -> bytes:
    """The QR code of ``url`` (marked as scanned) as PNG or SVG. Error correction M still reads
    when a poster is creased or a phone photographs it at an angle; a 4-module quiet zone as
    the standard asks."""
    code = segno.make(scanned(url), error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "png":
        code.save(buffer, kind="png", scale=10, border=4)
    else:
        code.save(buffer, kind="svg", scale=10, border=4, title=url)
    return buffer.getvalue()


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` (as ``qr_code`` draws it) as an SVG data URI, for a page that must
    hold its pictures itself (the poster, printed without the app's routes)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_code(url, "svg")).decode("ascii")
