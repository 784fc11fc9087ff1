"""Names of categories, families and vendors from the codebook, in the reader's language."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..codebook import FAMILIES, Codebook
from .i18n import LANGS

FAMILY_LABELS = {
    "tech": ("技术能力", "Capabilities"),
    "target": ("针对对象", "Targeted groups"),
    "source": ("数据来源", "Data sources"),
    "exempt": ("豁免名单", "Exemption lists"),
}


@dataclass(frozen=True)
class Labels:
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (zh, en)
    vendors: dict[str, tuple[str, str]] = field(default_factory=dict)
    lang: str = "en"

    @classmethod
    def from_codebook(cls, book: Codebook) -> Labels:
        return cls({c.id: (c.label_zh, c.label_en) for c in book.categories.values()},
                   {v.id: (v.name_zh, v.name_en) for v in book.vendors.values()})

    def in_lang(self, lang: str) -> Labels:
        return self if lang == self.lang else replace(self, lang=lang)

    def _one(self, pair: tuple[str, str], fallback: str) -> str:
        """The name in the reader's language, else in the other one, else the id."""
        first = pair[LANGS.index(self.lang)]
        return first or pair[1 - LANGS.index(self.lang)] or fallback

    def category(self, cid: str) -> str:
        return self._one(self.categories.get(cid, ("", "")), cid)

    def vendor(self, vid: str) -> str:
        return self._one(self.vendors.get(vid, ("", "")), vid)

    def family(self, family: str) -> str:
        return self._one(FAMILY_LABELS.get(family, ("", "")), family)

    def family_order(self, family: str) -> int:
        return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
