"""Collect: folders, files, archives and WARC captures become a stream of RawDocs.

Every RawDoc keeps the URI it came from: a file path, `outer.zip!/inner/file.pdf`
for archive members (nested archives chain the `!/`), or the captured URL for WARC
records. Archives are expanded in memory within `Limits`; going past a bound
yields a RawDoc with `error` set, so the store records it and the batch goes on.
"""
from __future__ import annotations

import os
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
    max_ratio: int = 250                   # expanded / compressed, for members over 1 MiB (zip bombs)


class BoundExceeded(Exception):
    pass


class Budget:
    """Bytes left to expand for one top-level archive, shared by nested ones."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.left = limits.max_expanded_bytes

    def take(self, n: int, where: str) -> None:
        self.left -= n
        if self.left < 0:
            raise BoundExceeded(
                f"archive expands past {self.limits.max_expanded_bytes} bytes at {where}")


def iter_raw(paths: Iterable[str], limits: Limits = Limits(), skip: frozenset[str] = frozenset()) -> Iterator[RawDoc]:
    """Yield every document under `paths` (files, folders, archives), in a stable order.

    `skip` holds absolute paths never to read: the database being written to, when
    a user ingests the folder it sits in.
    """
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if os.path.abspath(full) not in skip:
                        yield from _from_file(full, limits)
        else:
            yield from _from_file(path, limits)


def _from_file(path: str, limits: Limits) -> Iterator[RawDoc]:
    source = os.path.abspath(path)
    name = os.path.basename(path)
    try:
        size = os.path.getsize(path)
        if size > limits.max_file_bytes:
            yield RawDoc(source, b"", name, f"file is {size} bytes, over the {limits.max_file_bytes}-byte bound")
            return
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        yield RawDoc(source, b"", name, f"cannot read: {e.strerror or e}")
        return
    yield from expand(RawDoc(source, data, name), limits, Budget(limits), depth=0)


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
        yield RawDoc(raw.source, b"", raw.name_hint,
                     f"archive nested deeper than {limits.max_depth} levels")
        return
    from . import archives, warc  # archive readers only load when an archive shows up

    reader = warc.members if fmt == "warc" else archives.members
    try:
        for member in reader(raw, fmt, limits, budget):
            if member.error:
                yield member
            else:
                yield from expand(member, limits, budget, depth + 1)
    except BoundExceeded as e:
        yield RawDoc(raw.source, b"", raw.name_hint, f"archive bound: {e}")
    except Exception as e:  # a corrupt archive: keep what was read, record the rest
        yield RawDoc(raw.source, raw.data, raw.name_hint,
                     f"unreadable {fmt} archive: {type(e).__name__}: {e}")
