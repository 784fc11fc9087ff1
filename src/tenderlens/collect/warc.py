"""Documents captured in WARC files (web crawls of procurement portals), via warcio.

Each HTTP response or resource record becomes one RawDoc whose source is the
captured URL, so a fact can be traced to the page as it was served.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator

from ..model import RawDoc
from . import Budget, BoundExceeded, Limits


def members(raw: RawDoc, fmt: str, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    count = 0
    for record in ArchiveIterator(io.BytesIO(raw.data)):
        if record.rec_type not in ("response", "resource"):
            continue
        if record.http_headers is not None and record.http_headers.get_statuscode() not in ("200", None):
            continue
        count += 1
        if count > limits.max_members:
            raise BoundExceeded(f"over the {limits.max_members}-record bound")
        url = record.rec_headers.get_header("WARC-Target-URI") or f"{raw.source}#record{count}"
        data = record.content_stream().read(limits.max_file_bytes + 1)
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if len(data) > limits.max_file_bytes:
            yield RawDoc(url, b"", name, f"record over the {limits.max_file_bytes}-byte bound")
            continue
        budget.take(len(data), url)
        yield RawDoc(url, data, name)
