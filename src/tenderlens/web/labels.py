"""Chinese and English labels for categories and families, from the codebook."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..summary import FAMILIES

FAMILY_LABELS = {
    "tech": "技术 · capability",
    "target": "对象 · targeted groups",
    "source": "数据来源 · data sources",
    "exempt": "豁免 · exemption lists",
}


@dataclass
class Labels:
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (zh, en)

    def category(self, cid: str) -> str:
        zh, en = self.categories.get(cid, ("", ""))
        return f"{zh} · {en}" if zh and en else (zh or en or cid)

    def family(self, family: str) -> str:
        return FAMILY_LABELS.get(family, family)

    def family_order(self, family: str) -> int:
        return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
