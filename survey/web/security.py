"""Security headers on every response, and the Content-Security-Policy they carry: the app
serves every asset itself, so nothing may be loaded from another origin or frame it. Staff
pages, the API and exports are never stored by a cache."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self' 'unsafe-inline'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(**changes: str) -> str:
    """The policy, with some directives changed (``frame_ancestors="'self'"``)."""
    policy = {**_POLICY, **{key.replace("_", "-"): value for key, value in changes.items()}}
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


CONTENT_SECURITY_POLICY = content_security_policy()
# The designer shows the answer page in a frame of its own, whose form posts nowhere.
PREVIEW_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": content_security_policy(
        form_action="'none'", frame_ancestors="'self'"
    ),
}
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    # No page of the platform uses these: a script injected anywhere cannot ask for them.
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
# Staff pages, the API and exports carry personal data: no browser or proxy keeps a copy.
PRIVATE_PREFIXES = ("/admin", "/api/")
PRIVATE_CACHE_CONTROL = ("Cache-Control", "no-store")


class SecurityHeaders:
    """Adds the security headers to every response that does not set its own (the designer's
    preview allows framing by the same site). A WSGI wrapper, as it appends to the header list
    the server gets: cheaper than editing each response's headers."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        private = environ.get("PATH_INFO", "").startswith(PRIVATE_PREFIXES)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if private:
                headers = [h for h in headers if h[0].lower() != "cache-control"]
                headers.append(PRIVATE_CACHE_CONTROL)
            present = {name.lower() for name, _value in headers}
            headers.extend(h for h in SECURITY_HEADERS if h[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
