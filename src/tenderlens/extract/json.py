"""JSON notices, as scrapers and portals' APIs write them.

Every string value becomes a `key: value` line; values that hold HTML (the usual
`content` field) are turned to text by block like an HTML page.
"""
from __future__ import annotations

import json as jsonlib
import re

from ..model import ExtractionError
from . import Extracted
from .encoding import decode
from .html import html_to_text

_LOOKS_HTML = re.compile(r"<(p|div|table|tr|td|br|span|section|html|body)[\s>/]", re.I)
_TITLE_KEYS = ("title", "name", "project_name", "标题")


def extract(data: bytes, name: str = "") -> Extracted:
    text, _, warning = decode(data)
    try:
        obj = jsonlib.loads(text)
    except ValueError as e:
        raise ExtractionError(f"invalid JSON: {e}") from e
    title = None
    if isinstance(obj, dict):
        key = next((k for k in _TITLE_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
        if key:
            # The title opens the text, as it opens a page, wherever the record keeps it.
            title = obj[key]
            obj = {key: title, **{k: v for k, v in obj.items() if k != key}}
    lines: list[str] = []
    warnings = [warning] if warning else []
    _walk(obj, "", lines, warnings)
    return Extracted(["\n\n".join(lines)], title, warnings=warnings)


def _walk(obj, key: str, lines: list[str], warnings: list[str]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _walk(v, f"{key}.{k}" if key else str(k), lines, warnings)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, key, lines, warnings)
    elif isinstance(obj, str):
        if not obj.strip():
            return
        if _LOOKS_HTML.search(obj):
            body, _ = html_to_text(obj, warnings)
            lines.append(f"{key}:\n{body}")
        else:
            lines.append(f"{key}: {obj}")
    elif obj is not None:
        lines.append(f"{key}: {obj}")
