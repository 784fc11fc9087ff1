"""Resolve party mentions to organisations: pure, mentions and evidence in, organisations out.

Names join one organisation, strongest evidence first: the same credit code, or a former
name a document states (（原…）, 更名为); the same normalised name (names.key); an alias the document itself defines (以下简称, only
inside that document); a name the codebook lists for a vendor; for English names only,
a near-identical name (rapidfuzz, within blocks of names sharing a word). Two names
printed with different credit codes are never joined, nor a subsidiary and the company a
document calls its parent; a branch (分公司, 分局) is its own organisation part of its
parent, and a consortium is its own organisation with its members. The merges file is applied last: its merges join, its splits stand alone.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import Alias, Mention, Organisation
from .evidence import Found
from .merges import Merges
from .names import consortium_members, is_chinese, key, kind, parent

# English names this similar (token set ratio, 0-100) are one: spelling slips, not other names.
FUZZY_MIN = 95
# A block (names sharing their rarest word) larger than this is too common a word to compare within.
BLOCK_MAX = 200


@dataclass
class Resolution:
    orgs: dict[str, Organisation]
    of: dict[tuple[str, str], str]         # (doc_id, name as written) -> organisation id
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (child id, parent id, branch|member)


class _Groups:
    """Union-find over name keys that refuses to join two different credit codes, or a subsidiary with
    its parent."""

    def __init__(self):
        self.up: dict[str, str] = {}
        self.code: dict[str, str] = {}
        self.why: dict[str, str] = {}
        self.apart: list[tuple[str, str]] = []

    def add(self, k: str) -> None:
        self.up.setdefault(k, k)

    def find(self, k: str) -> str:
        self.add(k)
        while self.up[k] != k:
            self.up[k] = self.up[self.up[k]]
            k = self.up[k]
        return k

    def join(self, a: str, b: str, reason: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self.code.get(ra), self.code.get(rb)
        if ca and cb and ca != cb:
            return False
        if any({self.find(x), self.find(y)} == {ra, rb} for x, y in self.apart):
            return False
        self.up[rb] = ra
        self.code[ra] = ca or cb
        self.why.setdefault(b, reason)
        return True


def _id(strongest: str) -> str:
    return "org-" + hashlib.sha1(strongest.encode("utf-8")).hexdigest()[:12]


def resolve(mentions: Iterable[Mention], defined: Iterable[Found] = (), codes: Iterable[Found] = (),
            vendors: Iterable[tuple[str, list[str]]] = (), merges: Merges | None = None,
            subsidiaries: Iterable[Found] = (), renames: Iterable[Found] = ()) -> Resolution:
    """Organisations for `mentions`. `defined`, `codes`, `subsidiaries` and `renames` come from
    orgs.evidence, `vendors` are (vendor id, names) from the codebook."""
    merges = merges or Merges()
    mentions = list(mentions)
    doc_names: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        doc_names[m.doc_id].add(m.name)
    # A short name a document defines stands, in that document, for the full name it defines.
    short: dict[tuple[str, str], str] = {}
    for f in defined:
        full = next((n for n in doc_names[f.doc_id] if f.name.endswith(n) and len(n) >= 4), f.name)
        if key(f.value) != key(full):
            short[(f.doc_id, f.value)] = full

    written: dict[str, Counter] = defaultdict(Counter)     # key -> names as written, counted
    docs_of: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    how: dict[tuple[str, str], str] = {}                    # (doc, name) -> key of the name it stands for
    for m in mentions:
        full = short.get((m.doc_id, m.name), m.name)
        k = key(full)
        if not k:
            continue
        how[(m.doc_id, m.name)] = k
        written[k][full] += 1
        docs_of[k][full].add(m.doc_id)
        if full != m.name:
            written[k][m.name] += 0
            docs_of[k][m.name].add(m.doc_id)
        for member in consortium_members(full):
            written[key(member)][member] += 1
            docs_of[key(member)][member].add(m.doc_id)

    groups = _Groups()
    split = {key(n) for n in merges.split}
    for k in written:
        groups.add(k)
    subsidiaries = [f for f in subsidiaries if key(f.name) in written and key(f.value) in written]
    groups.apart = [(key(f.name), key(f.value)) for f in subsidiaries]
    for f in codes:
        k = key(f.name)
        if k in written and k not in split:
            root = groups.find(k)
            if groups.code.get(root) in (None, f.value):
                groups.code[root] = f.value
    by_code: dict[str, str] = {}
    for k in list(written):
        code = groups.code.get(groups.find(k))
        if code and k not in split:
            groups.join(by_code.setdefault(code, k), k, "credit_code")
    for f in renames:   # a document that states a former name: as strong as a shared credit code
        now, old = key(f.name), key(f.value)
        if now in written and old in written and not split.intersection((now, old)):
            groups.join(now, old, "renamed")
    vendor_of: dict[str, str] = {}
    for vid, names in vendors:
        keys = [key(n) for n in names if key(n)]
        for k in keys:
            vendor_of.setdefault(k, vid)
        present = [k for k in keys if k in written and k not in split]
        for k in present[1:]:
            groups.join(present[0], k, "codebook")
    _fuzzy_english(groups, [k for k in written if k not in split and not is_chinese(k)])
    for names in merges.merge:
        keys = [_key_of(n, written) for n in names]
        keys = [k for k in keys if k]
        for k in keys[1:]:
            groups.up[groups.find(k)] = groups.find(keys[0])   # a person's decision overrides codes
            groups.why[k] = "merges"

    members: dict[str, list[str]] = defaultdict(list)
    for k in written:
        members[groups.find(k)].append(k)
    orgs: dict[str, Organisation] = {}
    org_of_key: dict[str, str] = {}
    for keys in sorted(sorted(ks) for ks in members.values()):
        code = groups.code.get(groups.find(keys[0]))
        vid = next((vendor_of[k] for k in keys if k in vendor_of), None)
        oid = _id("code:" + code if code else "vendor:" + vid if vid else "name:" + keys[0])
        if oid in orgs or split.intersection(keys):   # a name split off leaves the strong id to the rest
            oid = _id("name:" + keys[0])
        counts = Counter()
        for k in keys:
            counts.update(written[k])
        name = max(counts, key=lambda n: (counts[n], len(n), n))
        aliases = [Alias(n, groups.why.get(k, "name"), sorted(docs_of[k][n]))
                   for k in keys for n in sorted(written[k])]
        orgs[oid] = Organisation(oid, name, kind(name), credit_code=code, aliases=aliases)
        for k in keys:
            org_of_key[k] = oid
    keys_of: dict[str, list[str]] = defaultdict(list)
    for k, oid in org_of_key.items():
        keys_of[oid].append(k)
    for org in orgs.values():
        # A rename names the organisation by its id, by the id one of its names had before a merge, or by a name.
        ids = [org.id] + [_id("name:" + k) for k in sorted(keys_of[org.id])]
        rename = next((merges.rename[i] for i in ids if i in merges.rename), None) or next(
            (merges.rename[a.name] for a in org.aliases if a.name in merges.rename), None)
        if rename:
            org.name = rename

    relations = []
    for org in orgs.values():
        p = parent(org.name)
        if p and key(p) in org_of_key and org_of_key[key(p)] != org.id:
            org.part_of = org_of_key[key(p)]
            relations.append((org.id, org.part_of, "branch"))
        for member in consortium_members(org.name):
            if org_of_key.get(key(member)) not in (None, org.id):
                relations.append((org_of_key[key(member)], org.id, "member"))
    for f in subsidiaries:
        child, parent_id = org_of_key[key(f.name)], org_of_key[key(f.value)]
        if child != parent_id and (child, parent_id, "subsidiary") not in relations:
            relations.append((child, parent_id, "subsidiary"))
            res_org = orgs[child]
            res_org.part_of = res_org.part_of or parent_id
    of = {dk: org_of_key[k] for dk, k in how.items()}
    return Resolution(orgs, of, relations)


def _key_of(name_or_id: str, written: dict) -> str | None:
    k = key(name_or_id)
    return k if k in written else None


def _fuzzy_english(groups: _Groups, keys: list[str]) -> None:
    """Join English names that differ by a slip of spelling, comparing only names that share a word (blocking:
    a word shared by more than BLOCK_MAX names is too common to block on)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        ws = k.split()
        if len(ws) >= 2:
            for w in ws:
                blocks[w].append(k)
    seen: set[tuple[str, str]] = set()
    for block in blocks.values():
        if len(block) > BLOCK_MAX:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                digits = [w for w in a.split() if w.isdigit()] == [w for w in b.split() if w.isdigit()]
                if digits and fuzz.token_set_ratio(a, b) >= FUZZY_MIN and fuzz.ratio(a, b) >= FUZZY_MIN:
                    groups.join(a, b, "fuzzy")
