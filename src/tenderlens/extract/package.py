"""Bounds on the parts inside Word and Excel 2007+ files (zip packages of XML), checked before opening.

Python's zipfile never produces more than a part's declared size (a part that lies
fails its CRC check), so checking the declared sizes bounds what python-docx and
openpyxl decompress. python-docx reads every part into memory and parses the body
whole, so one part is held to a bound well under the document bound: a 1.5 MB file
whose body XML declares 1.5 GiB is refused before any of it is decompressed.
"""
from __future__ import annotations

import io
import zipfile

from ..model import ExtractionError

MAX_PART_BYTES = 128 << 20      # one decompressed part (a body, a sheet, shared strings, an image)
MAX_PACKAGE_BYTES = 512 << 20   # all parts together
MAX_PARTS = 10_000


def check_package(data: bytes, kind: str) -> None:
    """Raise ExtractionError when the package would expand past its bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ExtractionError(f"unreadable {kind}: {type(e).__name__}: {e}") from e
    if len(infos) > MAX_PARTS:
        raise ExtractionError(f"{kind} has {len(infos)} parts, over the {MAX_PARTS}-part bound")
    total = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise ExtractionError(f"{kind} part {info.filename} expands to {info.file_size} bytes,"
                                  f" over the {MAX_PART_BYTES}-byte bound for one part")
        total += info.file_size
    if total > MAX_PACKAGE_BYTES:
        raise ExtractionError(f"{kind} parts expand to {total} bytes, over the {MAX_PACKAGE_BYTES}-byte bound")
