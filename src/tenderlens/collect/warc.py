"""Documents captured in WARC files (web crawls of procurement portals), via warcio.

Each HTTP response or resource record becomes one RawDoc whose source is the
captured URL, so a fact can be traced to the page as it was served. A .warc.gz is
decompressed here, not by warcio, so every byte produced, skipped records included,
is charged to the archive's budget; a record cut short (a truncated download) keeps
what was captured and says so in a warning.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator

from ..model import RawDoc
from . import READ_CHUNK, Budget, BoundExceeded, Limits, shown_name
from .archives import Inflated


def members(raw: RawDoc, fmt: str, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    stream = io.BytesIO(raw.data)
    gzipped = raw.data[:2] == b"\x1f\x8b"
    if gzipped:
        stream = io.BufferedReader(Inflated(raw.data, budget, raw.name_hint), 1 << 16)
    count = 0
    for record in ArchiveIterator(stream):
        if record.rec_type not in ("response", "resource"):
            continue
        if record.http_headers is not None and record.http_headers.get_statuscode() not in ("200", None):
            continue
        count += 1
        if count > limits.max_members:
            raise BoundExceeded(f"over the {limits.max_members}-record bound")
        url = record.rec_headers.get_header("WARC-Target-URI") or f"{raw.source}#record{count}"
        url = shown_name(url)[0]
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        data, cut = _content(record, limits)
        if len(data) > limits.max_file_bytes:
            yield RawDoc(url, b"", name, f"record over the {limits.max_file_bytes}-byte bound")
            continue
        if not gzipped:
            budget.take(len(data), url)  # a plain .warc: the gzip layer did not charge these bytes
        warnings = (f"WARC record is cut short (truncated capture): {len(data)} bytes kept",) if cut else ()
        yield RawDoc(url, data, name, None, None, warnings)
        if cut:
            return


def _content(record, limits: Limits) -> tuple[bytes, bool]:
    """The record's payload up to the bound, and whether the capture ended before the record did."""
    stream, parts, got = record.content_stream(), [], 0
    try:
        while got <= limits.max_file_bytes and (chunk := stream.read(READ_CHUNK)):
            parts.append(chunk)
            got += len(chunk)
    except (OSError, ValueError, EOFError):  # a cut chunked or compressed HTTP body
        return b"".join(parts), True
    cut = got <= limits.max_file_bytes and record.raw_stream.limit > 0
    return b"".join(parts), cut
