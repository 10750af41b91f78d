"""Handing a survey out: the QR code of its public link, for posters, WeChat groups and print
shops (invitation links are ``invitations``')."""

from __future__ import annotations

import io

import segno

QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}
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
