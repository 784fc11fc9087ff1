"""Plain text and CSV notices: decoded as they are, one page."""
from __future__ import annotations

from . import Extracted
from .encoding import decode


def extract(data: bytes, name: str = "") -> Extracted:
    text, encoding = decode(data)
    return Extracted([text], meta={"encoding": encoding})
