"""The surveillance codebook: categories, their cues and vendors, as data.

The codebook lives in YAML files in this folder (or any folder a researcher
points `load` at): codebook.yaml holds the version and the context words every
family shares, tech/target/source/exempt.yaml one family each, vendors.yaml the
canonical vendors. The schema below is the single definition of what those files
may hold; `load` validates them against it and says which file and entry is wrong.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

FAMILIES = ("tech", "target", "source", "exempt")
FILES = ("codebook.yaml", *(f"{f}.yaml" for f in FAMILIES), "vendors.yaml")
RECHECK_SECONDS = 1.0
_checked: dict[str, tuple[float, str, tuple]] = {}  # path as given -> (checked at, folder, file stamps)
DEFAULT_DIR = Path(__file__).parent
Needs = Literal["none", "government", "security"]
_SUFFIXES = {"inc", "ltd", "co", "llc", "corp", "limited", "有限公司", "股份有限公司"}


class CodebookError(Exception):
    """A codebook file that cannot be used, with the file and entry at fault."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Strict):
    text: str = Field(min_length=1)
    near: tuple[str, ...] = ()          # counts only with one of these in the same sentence,
    within: int | None = Field(None, ge=0, le=200)  # at most this many characters away (default: context window)
    needs: Needs | None = None          # None: the family's default


class Fixtures(_Strict):
    positive: tuple[str, ...] = Field(min_length=1)
    negative: tuple[str, ...] = Field(min_length=1)


class Category(_Strict):
    id: str = Field(pattern=r"^(tech|target|source|exempt)\.[a-z][a-z_]*$")
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    definition: str = Field(min_length=20)
    needs: Needs | None = None          # default for this category's cues; None: the family's default
    cues: tuple[Cue, ...] = Field(min_length=1)
    counter_cues: tuple[str, ...] = ()
    # Without a public-security context, one of these anywhere in the document switches the category off
    # (cameras in a water-quality or forest-fire project watch water and trees, not people).
    domain_counter_cues: tuple[str, ...] = ()
    fixtures: Fixtures

    @field_validator("cues", mode="before")
    @classmethod
    def _plain_strings(cls, v):
        return [{"text": c} if isinstance(c, str) else c for c in v]

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


class FamilyFile(_Strict):
    family: Literal["tech", "target", "source", "exempt"]
    default_needs: Needs = "government"
    categories: tuple[Category, ...] = Field(min_length=1)


class Vendor(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_en: str
    name_zh: str
    legal_names: tuple[str, ...] = Field(min_length=1)
    stock_names: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()       # for reference; too short to match safely
    aliases: tuple[str, ...] = ()
    counter_cues: tuple[str, ...] = ()

    @field_validator("legal_names", "stock_names", "aliases")
    @classmethod
    def _whole_names(cls, v):
        for name in v:
            if len(name.strip()) < 2 or name.strip().lower().rstrip(".") in _SUFFIXES:
                raise ValueError(f"{name!r} is not a name (a comma inside a YAML list splits a name: quote it)")
        return v

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that resolves to this vendor, longest first."""
        seen = dict.fromkeys([self.name_en, self.name_zh, *self.legal_names, *self.stock_names, *self.aliases])
        return tuple(sorted(seen, key=len, reverse=True))


class VendorsFile(_Strict):
    vendors: tuple[Vendor, ...] = Field(min_length=1)


class Context(_Strict):
    window: int = Field(ge=1, le=200)
    negation: tuple[str, ...]
    negation_lookalikes: tuple[str, ...] = ()
    incidental: tuple[str, ...]
    standard_title_endings: tuple[str, ...] = ()
    organisation_endings: tuple[str, ...] = ()
    name_breakers: tuple[str, ...] = ()
    security: tuple[str, ...]
    security_lookalikes: tuple[str, ...] = ()
    government: tuple[str, ...]
    government_body_endings: tuple[str, ...] = ()
    upkeep: tuple[str, ...] = ()
    facilities: tuple[str, ...] = ()


class IndexFile(_Strict):
    version: str = Field(min_length=1)
    context: Context


@dataclass(eq=False)
class Codebook:
    """A loaded, validated codebook. Compare codebooks by `version`."""

    version: str
    categories: dict[str, Category]
    vendors: dict[str, Vendor]
    context: Context
    default_needs: dict[str, str]
    path: Path
    _cache: dict = field(default_factory=dict, repr=False)

    def needs(self, category: Category, cue: Cue) -> str:
        return cue.needs or category.needs or self.default_needs[category.family]

    def family(self, name: str) -> list[Category]:
        return [c for c in self.categories.values() if c.family == name]

    def __getstate__(self):
        # Compiled matchers are rebuilt in each worker process, not pickled.
        return {**self.__dict__, "_cache": {}}


def _read(path: Path, model: type[BaseModel]):
    if not path.is_file():
        raise CodebookError(f"codebook file missing: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise CodebookError(f"{path}: not valid YAML: {e}") from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        lines = [f"{path}: does not follow the codebook schema:"]
        for err in e.errors():
            where = ".".join(str(p) for p in err["loc"])
            lines.append(f"  {where}: {err['msg']}")
        raise CodebookError("\n".join(lines)) from e


def load(path: str | Path | None = None) -> Codebook:
    """Load and validate the codebook in folder `path` (default: the one shipped with tenderlens).

    Loads are cached per process; an edited file is read again (its size and time
    are checked at most once a second, so a worker calling this per document pays nothing).
    """
    now = time.monotonic()
    seen = _checked.get(str(path))
    if seen is None or now - seen[0] > RECHECK_SECONDS:
        folder = Path(path or DEFAULT_DIR).resolve()
        stamp = []
        for name in FILES:
            try:
                st = os.stat(folder / name)
                stamp.append((st.st_mtime_ns, st.st_size))
            except OSError:
                stamp.append(None)  # _load says which file is missing
        seen = _checked[str(path)] = (now, str(folder), tuple(stamp))
    return _load(seen[1], seen[2])


@lru_cache(maxsize=8)  # one load per process and version of the files: workers analyse many documents
def _load(folder_name: str, stamp: tuple) -> Codebook:
    folder = Path(folder_name)
    index = _read(folder / "codebook.yaml", IndexFile)
    categories: dict[str, Category] = {}
    default_needs: dict[str, str] = {}
    for family in FAMILIES:
        f = _read(folder / f"{family}.yaml", FamilyFile)
        if f.family != family:
            raise CodebookError(f"{folder / f'{family}.yaml'}: says family {f.family!r}, expected {family!r}")
        default_needs[family] = f.default_needs
        for cat in f.categories:
            if cat.family != family:
                raise CodebookError(f"{folder / f'{family}.yaml'}: category {cat.id} belongs in {cat.family}.yaml")
            if cat.id in categories:
                raise CodebookError(f"{folder / f'{family}.yaml'}: category {cat.id} defined twice")
            categories[cat.id] = cat
    vendors: dict[str, Vendor] = {}
    for v in _read(folder / "vendors.yaml", VendorsFile).vendors:
        if v.id in vendors:
            raise CodebookError(f"{folder / 'vendors.yaml'}: vendor {v.id} defined twice")
        vendors[v.id] = v
    return Codebook(index.version, categories, vendors, index.context, default_needs, folder)
