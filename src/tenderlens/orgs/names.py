"""Organisation names: the key two spellings of one name share, the kind a name tells, branches and consortia.

Pure functions over strings and the word lists of names.yaml. Normalisation is NFKC
(full-width letters and brackets), one bracket style, no spaces or layout marks, and
for English names the case-folded words without filler, in sorted order. Legal forms are
kept as written: 有限公司 and 股份有限公司 can be two different companies.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

_DATA = Path(__file__).with_name("names.yaml")
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9]+")
_NOISE = re.compile(r"[\s\u3000\u200b·•\"'“”‘’「」『』《》]+")


@lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load(_DATA.read_text(encoding="utf-8"))


def is_chinese(name: str) -> bool:
    return bool(_HAN.search(name))


@lru_cache(maxsize=200_000)
def key(name: str) -> str:
    """The comparison key of a name: equal keys are the same name."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = text.replace("(", "(").replace(")", ")").replace("[", "(").replace("]", ")")
    text = text.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    if is_chinese(text):
        return _NOISE.sub("", text).lower()
    filler = set(words()["en_filler"])
    # Legal forms are kept as words; punctuation between words says nothing.
    tokens = [w for w in _WORD.findall(text.lower()) if w not in filler]
    return " ".join(sorted(set(tokens)))


def kind(name: str) -> str:
    """public_body, company or other, from the words a name ends with (Chinese) or contains (English)."""
    w = words()
    text = unicodedata.normalize("NFKC", name).strip()
    if consortium_members(text):
        return "other"
    if is_chinese(text):
        bare = re.sub(r"\([^)]*\)$", "", text.replace("（", "(").replace("）", ")"))
        if any(bare.endswith(s) for s in w["company"]["zh"]):
            return "company"
        if any(bare.endswith(s) for s in w["public_body"]["zh"]):
            return "public_body"
        return "other"
    tokens = set(_WORD.findall(text.lower()))
    if tokens & set(w["company"]["en"]):
        return "company"
    if tokens & set(w["public_body"]["en"]):
        return "public_body"
    return "other"


def parent(name: str) -> str | None:
    """The organisation a branch belongs to, named by the start of its name: 中国移动通信集团湖北有限公司宜昌分公司
    -> 中国移动通信集团湖北有限公司; 宜昌市公安局西陵区分局 -> 宜昌市公安局. None when the name is no branch or
    its start names no organisation of a known kind."""
    text = unicodedata.normalize("NFKC", name).strip()
    if not is_chinese(text) or not any(text.endswith(b) for b in words()["branch_zh"]):
        return None
    heads = words()["company"]["zh"] + words()["public_body"]["zh"]
    # The longest start of the name that ends like an organisation, leaving a branch name after it.
    for cut in range(len(text) - 2, 3, -1):
        head = text[:cut]
        if any(head.endswith(h) for h in heads) and len(head) >= 4 and head[-2:] not in ("分公", "分局"):
            rest = text[cut:]
            if len(rest) >= 2 and not any(rest == b for b in ("有限公司", "股份有限公司")):
                return head
    return None


def consortium_members(name: str) -> list[str]:
    """The members of a consortium named as one string (A、B联合体), or [] for any other name."""
    w = words()
    text = name.strip()
    if not text.endswith(w["consortium_zh"]):
        return []
    body = text[: -len(w["consortium_zh"])].rstrip("（(：:")
    members = re.split("|".join(map(re.escape, w["consortium_split"])), body)
    members = [m.strip() for m in members if len(m.strip()) >= 4]
    return members if len(members) >= 2 else []
