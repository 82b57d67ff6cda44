"""Inputs named by a URL: http(s) read with the standard library, object storage (s3://, gs://, az://, ... any
fsspec URL) through its filesystem library. Each object is fetched into the ingest's spool and is then an input like
any file: hashed, read once, stored in the one transaction, and known by its URL with no secret in it.

Every wait is bounded (costcap.toml's [network]: connect, read and total seconds) and a failure is one line naming
the server. Credentials come from the URL (user:password@, handed to the library, never shown or stored) or from the
library's usual sources (for S3: AWS_ACCESS_KEY_ID and the rest of the environment, ~/.aws, AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from costcap import redact
from costcap.errors import CostcapError
from costcap.waits import Limits, within

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_GLOB = re.compile(r"[*?\[]")
LIBRARY = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}
WEB = ("http", "https")
_CHUNK = 1 << 20


def is_url(given: str) -> bool:
    match = _SCHEME.match(given)
    return match is not None and match.group(1).lower() != "file"


def shown(url: str) -> str:
    """The URL as it is ever printed or stored: no user:password@, no query values."""
    return redact.url(url)


def fetch(url: str, spool_dir: Path, limits: Limits, name_ok) -> list[tuple[str, Path]]:
    """(shown URL, spooled file) for each object a URL names: one, a prefix's objects, or a glob's. `name_ok` says
    which object names are inputs (not docs, code or a store)."""
    user, password = redact.credentials(url)
    scheme = url.split("://", 1)[0].lower()  # a URL: _SCHEME matched it before it came here
    bare = re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", url, flags=re.IGNORECASE)
    server = _server(scheme, bare)

    def late() -> CostcapError:
        return CostcapError(f"{shown(url)}: no complete answer from {server} within {limits.total_s:g} s; try again "
                            "later, or raise [network] total_timeout in costcap.toml")  # fmt: skip

    if scheme in WEB:
        target = spool_dir / f"remote-{len(list(spool_dir.iterdir()))}{Path(urlsplit(bare).path).suffix}"
        within(lambda: _download(bare, target, user, password, limits, server), limits.total_s, late)
        return [(shown(url), target)]
    return within(lambda: _from_storage(url, bare, scheme, spool_dir, limits, (user, password), name_ok, server),
                  limits.total_s, late)  # fmt: skip


def _server(scheme: str, bare: str) -> str:
    if scheme in WEB:
        return urlsplit(bare).netloc or bare
    if scheme in ("s3", "s3a"):
        return redact.url(os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or "S3 (AWS)")
    return f"{scheme} storage"


def _download(url: str, target: Path, user: str | None, password: str | None, limits: Limits, server: str) -> None:
    """One http(s) object into the spool; each wait bounded by the read timeout (the connect one, too)."""
    request = urllib.request.Request(url, headers={"User-Agent": "costcap"})
    if user is not None or password is not None:
        token = base64.b64encode(f"{user or ''}:{password or ''}".encode()).decode()
        redact.remember(token)
        request.add_header("Authorization", f"Basic {token}")
    where = shown(url)
    try:
        with _opener(limits.read_s).open(request, timeout=limits.connect_s) as answer, open(target, "wb") as out:
            shutil.copyfileobj(answer, out, _CHUNK)
    except urllib.error.HTTPError as exc:
        raise CostcapError(f"{where}: {server} answered HTTP {exc.code} ({_http_advice(exc.code)})") from None
    except TimeoutError:
        raise CostcapError(f"{where}: no answer from {server} within {limits.read_s:g} s; try again later, or raise "
                           "[network] read_timeout in costcap.toml") from None  # fmt: skip
    except urllib.error.URLError as exc:
        raise CostcapError(f"{where}: cannot reach {server} ({_reason(exc.reason)})") from None
    except OSError as exc:
        raise CostcapError(f"{where}: reading from {server} failed ({_reason(exc)})") from None


def _opener(read_s: float) -> urllib.request.OpenerDirector:
    """urllib with the connect timeout for connecting and the read timeout for every read after it."""

    def timed(connection_class):
        class Timed(connection_class):
            def connect(self):
                super().connect()
                self.sock.settimeout(read_s)

        return Timed

    class Web(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(timed(http.client.HTTPConnection), req)

    class SecureWeb(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(timed(http.client.HTTPSConnection), req, context=self._context)

    return urllib.request.build_opener(Web(), SecureWeb())


def _http_advice(code: int) -> str:
    if code in (401, 403):
        return "access denied: check the credentials"
    if code == 404:
        return "no such object: check the URL"
    return "try again later" if code >= 500 else "check the URL"


def _reason(reason) -> str:
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return redact.text(text.splitlines()[0][:200])


def _from_storage(url, bare, scheme, spool_dir, limits, credentials, name_ok, server) -> list[tuple[str, Path]]:
    """The objects in object storage a URL names, each fetched to its own spool file."""
    fs, path = _filesystem(url, bare, scheme, limits, credentials)
    try:
        if _GLOB.search(path):
            keys = sorted(fs.glob(path))
        elif fs.isdir(path):
            keys = sorted(fs.find(path))
        else:
            keys = [path] if fs.exists(path) else []
        keys = [k for k in keys if name_ok(Path(k))]
        if not keys:
            raise CostcapError(f"{shown(url)}: no object matches (check the bucket, the prefix and the credentials)")
        found = []
        for n, key in enumerate(keys):
            target = spool_dir / f"remote-{n}{Path(key).suffix}"
            fs.get_file(key, str(target))
            found.append((shown(f"{scheme}://{key}"), target))
        return found
    except CostcapError:
        raise
    except PermissionError:
        raise CostcapError(f"{shown(url)}: {server} denied access (check the credentials)") from None
    except FileNotFoundError:
        raise CostcapError(f"{shown(url)}: no such bucket or object at {server}") from None
    except Exception as exc:  # noqa: BLE001  any failure of the storage library or the network is the server's, said in one line
        raise CostcapError(
            f"{shown(url)}: cannot be read from {server} ({type(exc).__name__}: {_reason(exc)})"
        ) from None


def _filesystem(url: str, bare: str, scheme: str, limits: Limits, credentials: tuple):
    try:
        import fsspec
    except ImportError:
        needed = LIBRARY.get(scheme, "its fsspec filesystem")
        extra = " (pip install 'costcap[s3]')" if needed == "s3fs" else f" (pip install {needed})"
        raise CostcapError(f"{shown(url)}: reading {scheme}:// needs {needed}{extra}") from None
    options = {}
    if scheme in ("s3", "s3a"):
        user, password = credentials
        options = {"config_kwargs": {"connect_timeout": limits.connect_s, "read_timeout": limits.read_s,
                                     "retries": {"max_attempts": 2, "mode": "standard"}}}  # fmt: skip
        if password is not None:
            options |= {"key": user, "secret": password}
    try:
        fs, path = fsspec.core.url_to_fs(bare, **options)
    except ImportError as exc:
        needed = LIBRARY.get(scheme, str(exc.name or "its fsspec filesystem"))
        extra = " (pip install 'costcap[s3]')" if needed == "s3fs" else f" (pip install {needed})"
        raise CostcapError(f"{shown(url)}: reading {scheme}:// needs {needed}{extra}") from None
    except (ValueError, TypeError) as exc:
        raise CostcapError(f"{shown(url)}: not a URL costcap can read ({_reason(exc)})") from None
    if scheme in ("s3", "s3a"):
        # s3fs tries each call 5 times over botocore's own attempts: 10 read timeouts (10 minutes by default) before
        # a silent server is said; botocore's 2 attempts are the bound
        fs.retries = 1
    return fs, path
