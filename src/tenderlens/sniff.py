"""What a file is, decided by its bytes (libmagic), with the name only as a tie-break.

Portals serve .htm files that are really Word documents, attachments named
`download.do`, and HTML fragments with no <html> tag. Both collect (is this an
archive?) and extract (which format module?) ask here.
"""
from __future__ import annotations

import gzip
import io
import os
import re
import zlib

import magic

_MAGIC = magic.Magic(mime=True)
_HTML_HINT = re.compile(rb"<(html|body|head|table|div|p|section|span|meta|br|td|tr|h[1-6])[\s>/]", re.I)

# libmagic MIME type -> tenderlens format
_BY_MIME = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/json": "json",
    "text/csv": "csv",
    "application/csv": "csv",
    "text/plain": "text",
    "application/zip": "zip",
    "application/x-tar": "tar",
    "application/gzip": "gzip",
    "application/x-gzip": "gzip",
    "application/x-ndjson": "text",
    "application/warc": "warc",
    "application/x-7z-compressed": "7z",
}
_BY_EXT = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc",
    ".xlsx": "xlsx", ".xls": "xls", ".json": "json", ".csv": "csv", ".txt": "text",
    ".zip": "zip", ".tar": "tar", ".tgz": "gzip", ".gz": "gzip", ".warc": "warc",
    ".7z": "7z",
}
ARCHIVES = ("zip", "tar", "gzip", "warc", "7z")


def sniff(data: bytes, name: str = "") -> tuple[str, str]:
    """Return (format, mime) for these bytes."""
    # 64 KiB is enough for libmagic's tests (OOXML member names, text encodings); more only costs time.
    mime = _MAGIC.from_buffer(data[:1 << 16]) if data else "application/x-empty"
    ext = os.path.splitext(name.lower())[1]
    fmt = _BY_MIME.get(mime)
    if mime.startswith("image/"):
        return "image", mime
    if fmt == "gzip":
        return _gzip_inner(data), mime
    if fmt == "zip" and ext in (".docx", ".xlsx"):
        fmt = _BY_EXT[ext]                       # OOXML written without the usual member order
    elif mime in ("application/CDFV2", "application/x-ole-storage") or fmt in ("doc", "xls"):
        fmt = _BY_EXT.get(ext) if ext in (".doc", ".wps", ".xls") else (fmt or "doc")
    elif fmt in (None, "text") and mime.startswith("text/"):
        head = data[:4096]
        # A scraped record ({"content": "<div>…"}) holds HTML but is JSON; an HTML page never opens with { or [.
        if head.lstrip()[:1] in (b"{", b"[") and ext not in (".txt", ".csv"):
            fmt = "json"
        elif _HTML_HINT.search(head):
            fmt = "html"
        elif ext in (".csv", ".json"):
            fmt = _BY_EXT[ext]
        elif mime in ("text/xml", "application/xml") and _HTML_HINT.search(head):
            fmt = "html"
        else:
            fmt = "text"
    elif data[:5] == b"WARC/":
        fmt = "warc"
    if fmt is None:
        fmt = _BY_EXT.get(ext, "unknown") if mime == "application/octet-stream" else "unknown"
    return fmt, mime


def _gzip_inner(data: bytes) -> str:
    """A .gz holds a tar, a WARC, or one plain file; peek at its first bytes."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
            head = g.read(512)
    except (OSError, EOFError, zlib.error):  # a damaged stream: the archive reader records why
        return "gzip"
    if head[:5] == b"WARC/":
        return "warc"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return "gzip"
