"""Plain text and CSV notices: decoded as they are, one page."""
from __future__ import annotations

from . import Extracted
from .encoding import decode


def extract(data: bytes, name: str = "") -> Extracted:
    got = decode(data)
    return Extracted([got.text], meta={"encoding": got.encoding}, warnings=[got.warning] if got.warning else [])
