"""Secrets are never shown: a URL's user:password@ and query values, and every secret this run was handed (an
Admin key, object-storage keys, a catalog's password), are taken out of stored names, messages, output and
tracebacks alike."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

MASK = "***"
# environment variables whose values are secrets wherever they turn up
SECRET_ENV = ("OPENAI_ADMIN_KEY", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PGPASSWORD",
              "AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS")  # fmt: skip
_CREDENTIALS = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<user>[^/\s@:]*)(?::(?P<password>[^/\s@]*))?@", re.IGNORECASE
)
# a query runs to the first character a URL in text ends at (a space, a quote, a bracket, a table's edge)
_QUERY = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s?#\"'<>|]*\?)([^\s#\"'<>|)\]]*)", re.IGNORECASE)
_DSN_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
_known: set[str] = set()
MIN_SECRET = 4  # shorter values would mask ordinary words


def remember(secret: str | None) -> None:
    """A secret this run was handed: it is masked wherever it would be shown."""
    if secret and len(secret) >= MIN_SECRET:
        _known.add(secret)


def remember_environment() -> None:
    """The secrets the environment holds for costcap's libraries (an Admin key, storage keys), and only those: a
    new command starts from them."""
    _known.clear()
    for name in SECRET_ENV:
        remember(os.environ.get(name))


def url(given: str) -> str:
    """A URL as costcap shows and stores it: no user or password, no query values (a signature, a token)."""
    shown = _CREDENTIALS.sub(lambda m: m["scheme"], given)
    return _QUERY.sub(lambda m: m[1] + _masked_query(m[2]), shown)


def _masked_query(query: str) -> str:
    return "&".join(part.split("=", 1)[0] + ("=" + MASK if "=" in part else "") for part in query.split("&"))


def text(message: str) -> str:
    """Free text with every URL's credentials and query values, DSN passwords and remembered secrets masked."""
    for secret in sorted(_known, key=len, reverse=True):
        if secret in message:
            message = message.replace(secret, MASK)
    if "://" in message:
        message = url(message)
    if "password" in message.lower():
        message = _DSN_PASSWORD.sub(lambda m: m[1] + MASK, message)
    return message


def credentials(given: str) -> tuple[str | None, str | None]:
    """The user and password a URL carries (each remembered as a secret), or Nones."""
    found = _CREDENTIALS.search(given)
    if not found:
        return None, None
    user = unquote(found["user"]) if found["user"] else None
    password = unquote(found["password"]) if found["password"] is not None else None
    for secret in (found["password"], password):
        remember(secret)
    return user, password
