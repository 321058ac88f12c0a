"""Secrets out of everything we print, record or log; document text safe for a terminal.

A server may echo the request (``Authorization: Bearer sk-…``) in an error body, and a base URL may carry
``user:password@``. Every message that leaves the process passes through ``redact``. Text from documents,
file names and model answers is shown with ``terminal_safe``: no escape sequences reach the terminal.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

_PATTERNS = (
    # Authorization / api-key headers as an SDK or a server prints them, quoted or not
    re.compile(
        r"(?i)((?:authorization|proxy-authorization)['\"]?\s*[:=]\s*['\"]?\s*(?:bearer|basic|token)?\s*)[^\s'\",}]+"
    ),
    re.compile(r"(?i)((?:api[-_]?key|x-api-key|access[-_]?token|secret)['\"]?\s*[:=]\s*['\"]?)[^\s'\",}&]+"),
    re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # keys of common providers, wherever they appear
    re.compile(r"()\b(?:sk|pk|rk)-[A-Za-z0-9_-]{12,}"),
    # credentials inside a URL: scheme://user:pass@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"),
    # key-like query parameters
    re.compile(r"(?i)([?&](?:key|api_key|apikey|token|access_token)=)[^&\s]+"),
)

_known: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Redact this exact value (an API key from the environment) wherever it shows up."""
    if value and len(value) >= 4:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """``text`` with credentials masked."""
    for secret in _known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(
            lambda m: f"{m.group(1)}{MASK}@" if m.group(0).endswith("@") else f"{m.group(1)}{MASK}", text
        )
    return text


def safe_url(url: str | None) -> str | None:
    """A URL without its user:password part (what we record and print of an endpoint)."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# C0 controls but tab and newline, DEL, C1 controls: escape sequences (colours, hyperlinks, cursor moves)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Document, file-name or model text made inert for a terminal: control characters shown as '?'."""
    return _CONTROLS.sub("?", text)


class RedactingFilter(logging.Filter):
    """Masks credentials in every log record (libraries log request headers and URLs at debug level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
