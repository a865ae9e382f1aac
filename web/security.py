"""What every response and every rendered document field must respect.

Document fields are untrusted (they come from the files analysts drop in
seeds/): autoescaping covers text, but not a link's scheme, so URLs pass an
allow-list; and the headers below make the browser refuse inline script,
foreign assets and framing even if some markup slipped through.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from werkzeug.routing import BaseConverter

# The page's own files only: no inline script or style, no CDN, no framing.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

# A link target must start with http:// or https:// exactly (no leading blank, no
# control character anywhere: browsers drop tabs and newlines inside a scheme).
_SAFE_URL = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """`url` when it is an http(s) URL a link may point to, else None (show it as text)."""
    return url if url and _SAFE_URL.fullmatch(url) else None


def add_security_headers(response):
    """Flask `after_request` hook: the headers above on every response."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class DocumentIdConverter(BaseConverter):
    """`/documents/<docid:doc_id>`: any id, newlines and slashes included
    (ids come from file names); links quote every reserved character."""

    regex = r"[\s\S]+"
    part_isolating = False

    def to_url(self, value: str) -> str:
        return quote(value, safe="")
