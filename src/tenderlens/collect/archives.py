"""Members of zip, tar(.gz), 7z and single-file gzip archives, read within bounds."""
from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from collections.abc import Iterator

from ..model import RawDoc
from . import Budget, BoundExceeded, Limits


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
        yield RawDoc(raw.source, raw.data, raw.name_hint, f"unsupported archive format: {fmt}")


def _uri(raw: RawDoc, name: str) -> str:
    return f"{raw.source}!/{name}"


def _check(raw: RawDoc, name: str, size: int, packed: int, limits: Limits) -> str | None:
    if size > limits.max_file_bytes:
        return f"member {name} declares {size} bytes, over the {limits.max_file_bytes}-byte bound"
    if size > 1 << 20 and packed and size / packed > limits.max_ratio:
        return f"member {name} expands {size // packed}:1, over the {limits.max_ratio}:1 bound (zip bomb?)"
    return None


def _read_bounded(f, name: str, limits: Limits, budget: Budget) -> bytes:
    # Declared sizes can lie; never read more than the bound allows.
    data = f.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise BoundExceeded(f"member {name} expands past {limits.max_file_bytes} bytes")
    budget.take(len(data), name)
    return data


def _zip(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    with zipfile.ZipFile(io.BytesIO(raw.data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            raise BoundExceeded(f"{len(infos)} members, over the {limits.max_members}-member bound")
        for info in infos:
            name = _decode_name(info)
            problem = _check(raw, name, info.file_size, info.compress_size, limits)
            if problem:
                yield RawDoc(_uri(raw, name), b"", name, problem)
                continue
            try:
                with zf.open(info) as f:
                    data = _read_bounded(f, name, limits, budget)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as e:
                # RuntimeError: encrypted member; NotImplementedError: unknown compression
                yield RawDoc(_uri(raw, name), b"", name, f"unreadable zip member: {e}")
                continue
            yield RawDoc(_uri(raw, name), data, name.rsplit("/", 1)[-1])


def _decode_name(info: zipfile.ZipInfo) -> str:
    """Chinese Windows zips store names in GBK without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _tar(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    with tarfile.open(fileobj=io.BytesIO(raw.data), mode="r:*") as tf:
        count = 0
        for m in tf:
            if not m.isfile():
                continue
            count += 1
            if count > limits.max_members:
                raise BoundExceeded(f"over the {limits.max_members}-member bound")
            problem = _check(raw, m.name, m.size, 0, limits)
            if problem:
                yield RawDoc(_uri(raw, m.name), b"", m.name, problem)
                continue
            f = tf.extractfile(m)
            data = _read_bounded(f, m.name, limits, budget) if f else b""
            yield RawDoc(_uri(raw, m.name), data, m.name.rsplit("/", 1)[-1])


def _gzip(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    name = raw.name_hint[:-3] if raw.name_hint.lower().endswith(".gz") else raw.name_hint + ".out"
    with gzip.GzipFile(fileobj=io.BytesIO(raw.data)) as g:
        data = _read_bounded(g, name, limits, budget)
    if len(data) > 1 << 20 and len(data) / max(len(raw.data), 1) > limits.max_ratio:
        raise BoundExceeded(f"{name} expands over the {limits.max_ratio}:1 bound")
    yield RawDoc(_uri(raw, name), data, name)


def _sevenzip(raw: RawDoc, limits: Limits, budget: Budget) -> Iterator[RawDoc]:
    import py7zr
    from py7zr.io import BytesIOFactory

    with py7zr.SevenZipFile(io.BytesIO(raw.data)) as archive:
        if archive.needs_password():
            raise ValueError("the 7z archive is encrypted")
        infos = [i for i in archive.list() if not i.is_directory]
        if len(infos) > limits.max_members:
            raise BoundExceeded(f"{len(infos)} members, over the {limits.max_members}-member bound")
        wanted = []
        for info in infos:
            problem = _check(raw, info.filename, info.uncompressed, info.compressed or 0, limits)
            if problem:
                yield RawDoc(_uri(raw, info.filename), b"", info.filename, problem)
            else:
                wanted.append(info)
        # Solid 7z blocks decode in one go, so the budget is charged up front from declared sizes.
        budget.take(sum(i.uncompressed for i in wanted), raw.source)
        factory = BytesIOFactory(limits.max_file_bytes + 1)
        archive.extract(targets=[i.filename for i in wanted], factory=factory)
    for info in wanted:
        product = factory.products.get(info.filename)
        if product is None:
            yield RawDoc(_uri(raw, info.filename), b"", info.filename, "7z member could not be decoded")
            continue
        product.seek(0)
        data = product.read()
        if len(data) > limits.max_file_bytes:
            yield RawDoc(_uri(raw, info.filename), b"", info.filename,
                         f"member expands past the {limits.max_file_bytes}-byte bound")
            continue
        yield RawDoc(_uri(raw, info.filename), data, info.filename.rsplit("/", 1)[-1])
