"""Members of zip, tar(.gz), 7z and single-file gzip archives, read one at a time within bounds.

Every byte a decompressor produces is charged to the archive's Budget as it comes,
skipped bytes included, so an archive that lies about its sizes stops at the bound
instead of at the end of memory.
"""
from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

from ..model import RawDoc
from . import Budget, BoundExceeded, Limits, MemberTooBig, member, read_bounded


def members(raw: RawDoc, fmt: str, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    if fmt == "zip":
        yield from _zip(raw, limits, budget)
    elif fmt == "tar":
        yield from _tar(raw, limits, budget)
    elif fmt == "gzip":
        yield from _gzip(raw, limits, budget)
    elif fmt == "7z":
        yield from _sevenzip(raw, limits, budget)
    else:
        yield RawDoc(raw.source, raw.data, raw.name_hint, f"unsupported archive format: {fmt}", raw.raw_source)


def _declared(name: str, size: int, packed: int, limits: Limits) -> str | None:
    """Refuse early what the archive itself says is too big (what it produces is checked too)."""
    if size > limits.max_file_bytes:
        return f"member {name} declares {size} bytes, over the {limits.max_file_bytes}-byte bound"
    if size > 1 << 20 and packed and size / packed > limits.max_ratio:
        return f"member {name} expands {size // packed}:1, over the {limits.max_ratio}:1 bound (zip bomb?)"
    return None


class Inflated(io.RawIOBase):
    """The decompressed bytes of a gzip stream (members one after another), each charged to the budget.

    zlib, not gzip.GzipFile: a stream cut short then ends where its data ends (`truncated` is
    set) and everything before the cut is delivered, where GzipFile raises and loses what it
    had decompressed of the read.
    """

    def __init__(self, data: bytes, budget: Budget, where: str):
        self.data, self.pos = memoryview(data), 0
        self.budget, self.where = budget, where
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        out = b""
        while not out:
            if self.inflate.eof:  # the next member, if any
                rest = self.inflate.unused_data
                if not rest and self.pos >= len(self.data):
                    return 0
                self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out = self.inflate.decompress(rest, len(b))
                continue
            if self.inflate.unconsumed_tail:
                out = self.inflate.decompress(self.inflate.unconsumed_tail, len(b))
            elif self.pos < len(self.data):
                chunk = self.data[self.pos:self.pos + (1 << 16)]
                self.pos += len(chunk)
                out = self.inflate.decompress(chunk, len(b))
            else:
                self.truncated = True
                return 0
        self.budget.take(len(out), self.where)
        b[:len(out)] = out
        return len(out)


def _zip(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    with zipfile.ZipFile(io.BytesIO(raw.data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            raise BoundExceeded(f"{len(infos)} members, over the {limits.max_members}-member bound")
        for info in infos:
            name = _zip_name(info)
            problem = _declared(name, info.file_size, info.compress_size, limits)
            if problem:
                yield member(raw, name, error=problem)
                continue
            try:
                with zf.open(info) as f:
                    data = read_bounded(f, name, limits, budget, packed=info.compress_size)
            except MemberTooBig as e:
                yield member(raw, name, error=str(e))
                continue
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as e:
                # RuntimeError: encrypted member; NotImplementedError: unknown compression
                yield member(raw, name, error=f"unreadable zip member: {e}")
                continue
            yield member(raw, name, data)


def _zip_name(info: zipfile.ZipInfo) -> str | bytes:
    """Chinese Windows zips store names in GBK without the UTF-8 flag; other bytes are kept as they are."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw


def _tar(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    # Streamed ("r|"): members are read in order, and skipping one decompresses it, charged to the budget.
    stream = io.BytesIO(raw.data)
    if raw.data[:2] == b"\x1f\x8b":
        stream = io.BufferedReader(Inflated(raw.data, budget, raw.name_hint), 1 << 16)
    with tarfile.open(fileobj=stream, mode="r|") as tf:
        count = 0
        for m in tf:
            if not m.isfile():
                continue
            count += 1
            if count > limits.max_members:
                raise BoundExceeded(f"over the {limits.max_members}-member bound")
            problem = _declared(m.name, m.size, 0, limits)
            if problem:
                yield member(raw, m.name, error=problem)
                continue
            f = tf.extractfile(m)
            # The gzip layer already charged these bytes; only the file bound applies here.
            data = read_bounded(f, m.name, limits, None) if f else b""
            yield member(raw, m.name, data)


def _gzip(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    name = raw.name_hint[:-3] if raw.name_hint.lower().endswith(".gz") else raw.name_hint + ".out"
    stream = Inflated(raw.data, budget, name)
    try:
        data = read_bounded(io.BufferedReader(stream, 1 << 16), name, limits, None)  # Inflated charges the budget
    except MemberTooBig as e:
        yield member(raw, name, error=str(e))
        return
    cut = (f"gzip stream is truncated: the end of the file is missing; {len(data)} bytes read from it",)
    yield member(raw, name, data, warnings=cut if stream.truncated else ())


class _Members:
    """py7zr writer factory: members of one batch kept in memory, every byte charged to the budget."""

    def __init__(self, budget: Budget, limits: Limits, where: str):
        self.budget, self.limits, self.where = budget, limits, where
        self.products: dict[str, _Member] = {}

    def create(self, filename: str) -> _Member:
        product = self.products[filename] = _Member(self, filename)
        return product


class _Member:
    def __init__(self, factory: _Members, filename: str):
        self.factory, self.filename = factory, filename
        self.buffer = io.BytesIO()
        self.produced = 0

    def write(self, s) -> int:
        self.factory.budget.take(len(s), f"{self.factory.where}!/{self.filename}")
        self.produced += len(s)
        if self.produced <= self.factory.limits.max_file_bytes:  # past it the member is dropped below
            self.buffer.write(s)
        return len(s)

    def read(self, size=None) -> bytes:
        return self.buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buffer.seek(offset, whence)

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self.produced

    def close(self) -> None:
        pass


def _sevenzip(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    import py7zr

    with py7zr.SevenZipFile(io.BytesIO(raw.data)) as archive:
        if archive.needs_password():
            raise ValueError("the 7z archive is encrypted")
        infos = [i for i in archive.list() if not i.is_directory]
        if len(infos) > limits.max_members:
            raise BoundExceeded(f"{len(infos)} members, over the {limits.max_members}-member bound")
        wanted = []
        for info in infos:
            problem = _declared(info.filename, info.uncompressed, info.compressed or 0, limits)
            if problem:
                yield member(raw, info.filename, error=problem)
            else:
                wanted.append(info)
        # Members are decoded in batches of at most one file bound each (by declared size; what
        # is produced is charged as it comes), so memory holds one batch, not the whole archive.
        # A solid block is decoded again from its start for each batch: time, not memory.
        for batch in _batches(wanted, limits.max_file_bytes):
            factory = _Members(budget, limits, raw.name_hint)
            archive.reset()
            archive.extract(targets=[i.filename for i in batch], factory=factory)
            for info in batch:
                product = factory.products.pop(info.filename, None)
                if product is None:
                    yield member(raw, info.filename, error="7z member could not be decoded")
                elif product.produced > limits.max_file_bytes:
                    yield member(raw, info.filename,
                                 error=f"member expands past the {limits.max_file_bytes}-byte bound")
                else:
                    yield member(raw, info.filename, product.buffer.getvalue())


def _batches(infos: list, bound: int) -> Iterator[list]:
    batch, size = [], 0
    for info in infos:
        if batch and size + info.uncompressed > bound:
            yield batch
            batch, size = [], 0
        batch.append(info)
        size += info.uncompressed
    if batch:
        yield batch
