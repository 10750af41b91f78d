"""The app's own assets (static/, and Plotly for the staff report) under content-hashed URLs,
cached for a year and sent compressed; the public's pages compressed as they are sent.

``url_for("static", filename=...)`` adds ``v=<hash of the file>``: a changed file gets a new
URL, so a browser may keep each one for a year without asking again. The files are few and
small: each is read, hashed and compressed once per process, when first asked for (and again
when it changes on disk, for development).

Pages are compressed by Flask-Compress, the public's only: a staff page carries a session's
CSRF token beside text a visitor can put there, the combination that BREACH reads through
compression; staff work on office networks, where the bytes matter less."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
from flask import Flask, Response, abort, request
from flask_compress import Compress
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
STAFF_PREFIXES = ("/admin", "/api")
BROTLI_BEST_BELOW = 1_000_000  # bytes

compress = Compress()


@dataclass(frozen=True)
class Asset:
    mimetype: str
    digest: str  # first 12 hex digits of its SHA-256
    modified: float
    body: bytes
    encoded: dict[str, bytes]  # {"br": ..., "gzip": ...}, where smaller than the body


_assets: dict[Path, Asset] = {}
_lock = threading.Lock()


def asset(path: Path) -> Asset | None:
    """The file as served (None when there is none)."""
    try:
        modified = path.stat().st_mtime
    except OSError:
        return None
    known = _assets.get(path)
    if known is not None and known.modified == modified:
        return known
    with _lock:
        body = path.read_bytes()
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        encoded = {}
        if mimetype.startswith(COMPRESSIBLE):
            # Brotli's best takes 11 s on Plotly's 4.8 MB (for 10% fewer bytes than at 5).
            quality = 11 if len(body) < BROTLI_BEST_BELOW else 5
            packed_ways = (
                ("br", brotli.compress(body, quality=quality)),
                ("gzip", gzip.compress(body)),
            )
            for name, packed in packed_ways:
                if len(packed) < len(body):
                    encoded[name] = packed
        made = Asset(mimetype, hashlib.sha256(body).hexdigest()[:12], modified, body, encoded)
        _assets[path] = made
        return made


def send(path: Path) -> Response:
    """The file at ``path``, in the encoding the browser accepts; for a year when asked for
    under its hash (``?v=``), else revalidated each time through its ETag."""
    found = asset(path)
    if found is None:
        abort(404)
    accepted = request.accept_encodings
    encoding = next((name for name in found.encoded if accepted[name]), None)
    body = found.encoded[encoding] if encoding else found.body
    response = Response(body, mimetype=found.mimetype)
    response.vary.add("Accept-Encoding")
    if encoding:
        response.content_encoding = encoding
    response.set_etag(f"{found.digest}-{encoding or 'identity'}")
    if request.args.get("v") == found.digest:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.make_conditional(request)
    return response


def static_url(path: Path) -> str:
    """The hash that versions the file at ``path`` in its URL ("" when there is none)."""
    found = asset(path)
    return found.digest if found else ""


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder or "")

    def serve_static(filename: str) -> Response:
        path = safe_join(str(folder), filename)
        if path is None:
            abort(404)
        return send(Path(path))

    def versioned(endpoint: str | None, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            path = safe_join(str(folder), values["filename"])
            if path is not None:
                values["v"] = static_url(Path(path))

    app.view_functions["static"] = serve_static
    app.url_defaults(versioned)

    app.config.update(
        COMPRESS_REGISTER=False,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_STREAMS=False,  # exports stream as they are made
        COMPRESS_MIMETYPES=["text/html", "application/json", "application/atom+xml"],
    )
    compress.init_app(app)

    @app.after_request
    def compressed(response: Response) -> Response:
        if request.path.startswith(STAFF_PREFIXES) or response.direct_passthrough:
            return response
        return compress.after_request(response)
