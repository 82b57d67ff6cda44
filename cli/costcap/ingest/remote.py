"""Files in object storage (s3://, gs://, az://, ... any fsspec URL): listed and fetched into the ingest's spool.

A fetched object is then an input like any file: hashed, read once, stored in the one transaction, and known by
its URL. Credentials come from the filesystem library's usual sources (for S3: AWS_ACCESS_KEY_ID and the rest of
the environment, ~/.aws, AWS_ENDPOINT_URL for an S3-compatible server) and are never printed or stored.
"""

from __future__ import annotations

import re
from pathlib import Path

from costcap.errors import CostcapError

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_GLOB = re.compile(r"[*?\[]")
LIBRARY = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}


def is_url(given: str) -> bool:
    match = _SCHEME.match(given)
    return match is not None and match.group(1).lower() != "file"


def shown(url: str) -> str:
    """The URL without any user:password@ part, the only form ever printed or stored."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", url, flags=re.IGNORECASE)


def _filesystem(url: str):
    scheme = _SCHEME.match(url).group(1).lower()
    try:
        import fsspec

        return fsspec.core.url_to_fs(url)
    except ImportError as exc:
        needed = LIBRARY.get(scheme, str(exc.name or "its fsspec filesystem"))
        extra = " (pip install 'costcap[s3]')" if needed == "s3fs" else f" (pip install {needed})"
        raise CostcapError(f"{shown(url)}: reading {scheme}:// needs {needed}{extra}") from None
    except ValueError as exc:
        raise CostcapError(f"{shown(url)}: {exc}") from None


def fetch(url: str, spool_dir: Path) -> list:
    """The objects a URL names (one, a prefix's objects, or a glob's), each fetched to its own spool file."""
    from costcap.ingest.files import _may_be_input, input_of

    fs, path = _filesystem(url)
    scheme = _SCHEME.match(url).group(1)
    try:
        if _GLOB.search(path):
            keys = sorted(fs.glob(path))
        elif fs.isdir(path):
            keys = sorted(fs.find(path))
        else:
            keys = [path] if fs.exists(path) else []
        keys = [k for k in keys if _may_be_input(Path(k), is_file=True)]
        if not keys:
            raise CostcapError(f"{shown(url)}: no object matches (check the bucket, the prefix and the credentials)")
        found = []
        for n, key in enumerate(keys):
            target = spool_dir / f"remote-{n}{Path(key).suffix}"
            fs.get_file(key, str(target))
            name = f"{scheme}://{key}"
            found.append(input_of(name, target, url=name))
        return found
    except CostcapError:
        raise
    except PermissionError:
        raise CostcapError(f"{shown(url)}: access denied (check the credentials in the environment)") from None
    except FileNotFoundError:
        raise CostcapError(f"{shown(url)}: no such bucket or object") from None
    except OSError as exc:
        raise CostcapError(f"{shown(url)}: cannot be read ({type(exc).__name__}: {_short(exc)})") from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else "no detail"
