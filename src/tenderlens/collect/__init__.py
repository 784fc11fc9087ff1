"""Collect: folders, files, archives and WARC captures become a stream of RawDocs.

Every RawDoc keeps the URI it came from: a file path, `outer.zip!/inner/file.pdf`
for archive members (nested archives chain the `!/`), or the captured URL for WARC
records. A name that is not valid UTF-8 is shown with its bad bytes escaped (`\\xb9`)
and its raw bytes are kept beside it (`RawDoc.raw_source`).

Only regular files are read, each with a non-blocking open and at most the size
bound: a named pipe, a device or a socket is recorded as skipped, never waited on.
Links leading out of the folder being ingested are recorded, not followed, unless
asked for (`follow_links`). Archives are expanded in memory within `Limits`, counted
in bytes actually produced, not the sizes an archive declares; going past a bound
yields a RawDoc with `error` set, so the store records it and the batch goes on.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import RawDoc
from ..sniff import ARCHIVES, sniff


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 << 20        # one document, on disk or expanded
    max_expanded_bytes: int = 4 << 30      # all members of one top-level archive
    max_members: int = 100_000             # members of one archive
    max_depth: int = 4                     # archives inside archives
    max_ratio: int = 250                   # bytes produced / bytes of the top-level archive (zip bombs)


# Below this many bytes produced a high ratio is harmless (a page of blanks compresses 300:1).
RATIO_FLOOR = 1 << 20
READ_CHUNK = 1 << 20


class BoundExceeded(Exception):
    """The whole archive is past a bound: nothing more is read from it."""


class MemberTooBig(BoundExceeded):
    """One member is past a bound; the archive's other members are still read."""


class Budget:
    """Bytes produced by expanding one top-level archive of `packed` bytes, nested ones included."""

    def __init__(self, limits: Limits, packed: int):
        self.limits = limits
        self.packed = max(packed, 1)
        self.produced = 0

    def take(self, n: int, where: str) -> None:
        self.produced += n
        if self.produced > self.limits.max_expanded_bytes:
            raise BoundExceeded(f"archive expands past {self.limits.max_expanded_bytes} bytes at {where}")
        if self.produced > RATIO_FLOOR and self.produced > self.limits.max_ratio * self.packed:
            raise BoundExceeded(f"archive of {self.packed} bytes expands over the {self.limits.max_ratio}:1"
                                f" bound at {where} (zip bomb?)")


def read_bounded(f, name: str, limits: Limits, budget: Budget | None, packed: int = 0) -> bytes:
    """Read a stream in chunks, charging `budget` for every byte produced, up to the file bound.

    `packed`, the member's compressed size when known, adds a check on the member's own ratio.
    """
    parts, got = [], 0
    while chunk := f.read(READ_CHUNK):
        got += len(chunk)
        if budget is not None:
            budget.take(len(chunk), name)
        if got > limits.max_file_bytes:
            raise MemberTooBig(f"member {name} expands past the {limits.max_file_bytes}-byte bound")
        if packed and got > RATIO_FLOOR and got > limits.max_ratio * packed:
            raise MemberTooBig(f"member {name} expands over the {limits.max_ratio}:1 bound (zip bomb?)")
        parts.append(chunk)
    return b"".join(parts)


def shown_name(name: str | bytes) -> tuple[str, bytes | None]:
    """A name as text for display and storage, and its raw bytes when they are not valid UTF-8."""
    raw = name if isinstance(name, bytes) else _raw_bytes(name)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw


def _raw_bytes(name: str) -> bytes:
    # Python hands undecodable bytes of file names over as lone surrogates (PEP 383).
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogatepass")


def member(parent: RawDoc, name: str | bytes, data: bytes = b"", error: str | None = None,
           warnings: tuple[str, ...] = ()) -> RawDoc:
    """A RawDoc for a member of `parent` called `name` (a path inside the archive)."""
    shown, raw = shown_name(name)
    raw_source = None
    if raw is not None or parent.raw_source is not None:
        raw_source = (parent.raw_source or parent.source.encode()) + b"!/" + (raw or shown.encode())
    return RawDoc(f"{parent.source}!/{shown}", data, shown.rsplit("/", 1)[-1], error, raw_source, warnings)


def iter_raw(paths: Iterable[str], limits: Limits = Limits(), skip: frozenset[str] = frozenset(),
             follow_links: bool = False) -> Iterator[RawDoc]:
    """Yield every document under `paths` (files, folders, archives), in a stable order.

    `skip` holds absolute paths never to read: the database being written to, when
    a user ingests the folder it sits in. A path named here is read even if it is a
    link; links met inside a folder are followed only when they stay inside it,
    or with `follow_links`.
    """
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path, limits, skip, follow_links)
        else:
            yield from _from_file(path, limits, None)


def _walk(top: str, limits: Limits, skip: frozenset[str], follow_links: bool) -> Iterator[RawDoc]:
    inside = None if follow_links else os.path.realpath(top)
    seen_dirs = {os.path.realpath(top)}
    for root, dirs, files in os.walk(top, followlinks=follow_links):
        dirs.sort()
        kept = []
        for d in dirs:
            full = os.path.join(root, d)
            real = os.path.realpath(full)
            if os.path.islink(full) and inside is not None and not _within(real, inside):
                yield _skipped(full, f"link leads out of the input folder (to {real}); not followed"
                                     " (use --follow-links)")
            elif real not in seen_dirs:  # a link back up the tree would loop forever
                seen_dirs.add(real)
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.abspath(full) not in skip:
                yield from _from_file(full, limits, inside)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _skipped(path: str, reason: str) -> RawDoc:
    source, raw = shown_name(os.path.abspath(path))
    return RawDoc(source, b"", source.rsplit("/", 1)[-1], reason, raw)


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _from_file(path: str, limits: Limits, inside: str | None) -> Iterator[RawDoc]:
    """One file as a RawDoc (or the documents in it). `inside`: the folder links must stay in, if any."""
    source, raw_source = shown_name(os.path.abspath(path))
    name = source.rsplit("/", 1)[-1]

    def failed(reason: str) -> RawDoc:
        return RawDoc(source, b"", name, reason, raw_source)

    try:
        if inside is not None and os.path.islink(path):
            real = os.path.realpath(path)
            if not _within(real, inside):
                yield failed(f"link leads out of the input folder (to {shown_name(real)[0]}); not read"
                             " (use --follow-links)")
                return
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # sockets cannot even be opened: say what it is first
            yield failed(f"skipped: {_kind(st.st_mode)}, not a regular file")
            return
        # Non-blocking, so a file swapped for a named pipe since returns at once; it is checked again once open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        yield failed(f"cannot read: {e.strerror or e}")
        return
    with os.fdopen(fd, "rb", buffering=0) as f:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                yield failed(f"skipped: {_kind(st.st_mode)}, not a regular file")
                return
            if st.st_size > limits.max_file_bytes:
                yield failed(f"file is {st.st_size} bytes, over the {limits.max_file_bytes}-byte bound")
                return
            data = f.read(limits.max_file_bytes + 1)  # the file may grow while it is read
        except OSError as e:
            yield failed(f"cannot read: {e.strerror or e}")
            return
    if len(data) > limits.max_file_bytes:
        yield failed(f"file grew past the {limits.max_file_bytes}-byte bound while it was read")
        return
    yield from expand(RawDoc(source, data, name, None, raw_source), limits, Budget(limits, len(data)), depth=0)


# Every archive format we open starts with one of these signatures (tar: "ustar" at 257).
# Checking them first keeps libmagic, a quarter of a millisecond a call, off the single
# collecting process for the plain documents that make up nearly every corpus; the
# workers sniff those anyway.
_ARCHIVE_HEADS = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"WARC/")


def _maybe_archive(data: bytes) -> bool:
    return data.startswith(_ARCHIVE_HEADS) or data[257:262] == b"ustar"


def expand(raw: RawDoc, limits: Limits, budget: Budget, depth: int) -> Iterator[RawDoc]:
    """Yield `raw` itself, or, if it is an archive, the documents inside it."""
    fmt = sniff(raw.data, raw.name_hint)[0] if _maybe_archive(raw.data) else None
    if fmt not in ARCHIVES:
        yield raw
        return
    if depth >= limits.max_depth:
        yield RawDoc(raw.source, b"", raw.name_hint, f"archive nested deeper than {limits.max_depth} levels",
                     raw.raw_source)
        return
    from . import archives, warc  # archive readers only load when an archive shows up

    reader = warc.members if fmt == "warc" else archives.members
    try:
        for m in reader(raw, fmt, limits, budget):
            if m.error:
                yield m
            else:
                yield from expand(m, limits, budget, depth + 1)
    except BoundExceeded as e:
        yield RawDoc(raw.source, b"", raw.name_hint, f"archive bound: {e}", raw.raw_source)
    except Exception as e:  # a corrupt archive: keep what was read, record the rest
        yield RawDoc(raw.source, raw.data, raw.name_hint, f"unreadable {fmt} archive: {type(e).__name__}: {e}",
                     raw.raw_source)
