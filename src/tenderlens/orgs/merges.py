"""The merges file: decisions a person made about organisations, applied on every re-resolution.

YAML, like the codebook:

    merge:                       # these names (or organisation ids) are one organisation
      - [宜昌市公安局交通警察支队, 宜昌市交警支队]
    split:                       # this name is never merged with anything by a rule
      - 大华会计师事务所
    rename:                      # the name shown for an organisation (given by any alias or its id)
      宜昌市公安局: 宜昌市公安局 (Yichang Public Security Bureau)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


class MergesError(Exception):
    """A merges file that cannot be applied: the message names the file and what is wrong."""


@dataclass
class Merges:
    merge: list[list[str]] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    rename: dict[str, str] = field(default_factory=dict)


def load(path: str | Path | None) -> Merges:
    """The merges file at `path`; no path or a missing file is no decisions."""
    if not path or not Path(path).is_file():
        return Merges()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise MergesError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict) or set(data) - {"merge", "split", "rename"}:
        raise MergesError(f"{path}: expected the keys merge, split and rename only")
    merge, split, rename = data.get("merge") or [], data.get("split") or [], data.get("rename") or {}
    if not all(isinstance(g, list) and len(g) >= 2 and all(isinstance(n, str) for n in g) for g in merge):
        raise MergesError(f"{path}: each merge entry is a list of two or more names or ids")
    if not all(isinstance(n, str) for n in split) or not isinstance(rename, dict):
        raise MergesError(f"{path}: split is a list of names, rename a mapping of name or id to new name")
    return Merges([list(g) for g in merge], list(split), {str(k): str(v) for k, v in rename.items()})
