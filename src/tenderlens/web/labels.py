"""Chinese and English labels for categories, families and vendors, from the codebook."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..codebook import FAMILIES, Codebook

FAMILY_LABELS = {
    "tech": "技术 · capability",
    "target": "对象 · targeted groups",
    "source": "数据来源 · data sources",
    "exempt": "豁免名单 · exemption lists",
}


@dataclass
class Labels:
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (zh, en)
    vendors: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_codebook(cls, book: Codebook) -> Labels:
        return cls({c.id: (c.label_zh, c.label_en) for c in book.categories.values()},
                   {v.id: (v.name_zh, v.name_en) for v in book.vendors.values()})

    @staticmethod
    def _both(pair: tuple[str, str], fallback: str) -> str:
        zh, en = pair
        return f"{zh} · {en}" if zh and en and zh != en else (zh or en or fallback)

    def category(self, cid: str) -> str:
        return self._both(self.categories.get(cid, ("", "")), cid)

    def vendor(self, vid: str) -> str:
        return self._both(self.vendors.get(vid, ("", "")), vid)

    def family(self, family: str) -> str:
        return FAMILY_LABELS.get(family, family)

    def family_order(self, family: str) -> int:
        return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
