"""Scoring an export against gold labels: what `tenderlens eval` prints.

Both sides are document records in the field names of labels.jsonl. Gold comes as
a labels.jsonl file (document paths relative to its folder) or as the FDDC contract
gold (gold_contracts.tsv; documents at html/<id>.html beside it). Gold documents are
matched to records by doc_id, the SHA-256 of the file's bytes, so any store that
ingested those files can be scored.

Names are compared after folding width and removing whitespace (（集团） equals
(集团)). A field counts a true positive when the record equals the gold value, a
false positive when it states a different value or one the gold leaves null, a
false negative when it misses or differs from a gold value. In the FDDC gold an
empty column means "not labelled" and is not scored; a document there may list
several contracts: party A and the winner match any of them, the amount matches
any contract's amount or their sum.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from .analyze.fields.labels import consortium_members
from .summary import FAMILIES, amount_value

AMOUNT_TOLERANCE = 0.005
SPLIT_SEED = 11


class GoldError(Exception):
    """A gold file that cannot be read."""


@dataclass
class GoldDoc:
    path: str
    doc_id: str | None
    fields: dict                      # field -> gold value, or list of accepted values (FDDC)
    tags: set[str] | None = None      # None: categories not labelled
    # FDDC records a foreign-currency contract amount unconverted when the announcement gives no
    # yuan figure (its instructions: 涉及外币的未进行转换, 原文折合成人民币的优先抽取人民币金额).
    amount_as_written: bool = False


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    n: int = 0                        # documents with a gold value

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"n": self.n, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


@dataclass
class Report:
    gold: str
    documents: int
    matched: int
    fields: dict[str, Score] = field(default_factory=dict)
    categories: dict[str, Score] = field(default_factory=dict)
    misses: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        families = {}
        for fam in FAMILIES:
            cats = {k: s for k, s in self.categories.items() if k.startswith(fam + ".")}
            if not cats:
                continue
            micro = Score(sum(s.tp for s in cats.values()), sum(s.fp for s in cats.values()),
                          sum(s.fn for s in cats.values()), sum(s.n for s in cats.values())).as_dict()
            scored = [s.as_dict() for s in cats.values() if s.n or s.fp]
            macro = sum(d["f1"] for d in scored) / len(scored) if scored else 0.0
            families[fam] = {"micro": micro, "macro_f1": round(macro, 4)}
        return {"gold": self.gold, "documents": self.documents, "matched": self.matched,
                "fields": {k: s.as_dict() for k, s in self.fields.items()},
                "categories": {k: s.as_dict() for k, s in sorted(self.categories.items())},
                "families": families, "misses": self.misses}


def canon(name) -> str | None:
    if not name:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name))).lower()


def file_id(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def load_gold(path: str) -> list[GoldDoc]:
    try:
        if path.endswith(".tsv"):
            return _load_fddc(path)
        return _load_labels(path)
    except (OSError, UnicodeDecodeError) as e:
        raise GoldError(f"cannot read gold file {path}: {e}") from e


def _load_labels(path: str) -> list[GoldDoc]:
    base = os.path.dirname(os.path.abspath(path))
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                g = json.loads(line)
                doc = g["doc"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise GoldError(f"{path} line {n}: not a gold record ({e})") from e
            if "stage" in g:
                docs.append(_portal_table_gold(g, base))
                continue
            region = g.get("region") or {}
            fields = {"is_surveillance": g.get("is_surveillance"), "notice_type": g.get("notice_type"),
                      "date": g.get("date"), "buyer": g.get("buyer"), "suppliers": g.get("suppliers"),
                      "amount_cny": g.get("amount_cny"), "region_code": region.get("code")}
            docs.append(GoldDoc(doc, file_id(_resolve(base, doc)), fields,
                                {t["id"] for t in g.get("tags") or []}))
    return docs


def _portal_table_gold(g: dict, base: str) -> GoldDoc:
    """A notice of yichang/gold.jsonl: fields scraped from the notice's own table, its type from the
    portal's title. Null there means not labelled (tags None: not scored)."""
    doc = g["doc"]
    path = _resolve(base, doc)
    winner = g.get("winner")
    fields = {"notice_type": g.get("stage"), "buyer": g.get("buyer"), "agent": g.get("agent"),
              "project_number": g.get("project_number"),
              "suppliers": (consortium_members(winner) or [winner]) if winner else None,
              "amount_cny": g.get("amount_cny"), "bidders": g.get("bidders"),
              "bidder_ranks": [b.get("rank") for b in g["bidders"]] if g.get("bidders") else None}
    return GoldDoc(doc, file_id(path), fields)


def _resolve(base: str, doc: str) -> str:
    """A document path relative to the gold file's folder or, for a gold file kept in a
    subfolder of its collection (ccgp-titles/labels.jsonl naming ccgp-titles/docs/...), to
    the nearest folder above it where the path exists."""
    folder = base
    while True:
        path = os.path.join(folder, doc)
        if os.path.exists(path) or os.path.dirname(folder) == folder:
            return path if os.path.exists(path) else os.path.join(base, doc)
        folder = os.path.dirname(folder)


def _load_fddc(path: str) -> list[GoldDoc]:
    base = os.path.dirname(os.path.abspath(path))
    rows: dict[str, list[dict]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        need = {"id", "party_a_buyer", "party_b_winner", "amount_upper_cny"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise GoldError(f"{path}: expected the FDDC columns {sorted(need)}")
        for r in reader:
            rows[r["id"]].append(r)
    docs = []
    for id, rs in rows.items():
        doc = os.path.join("html", f"{id}.html")
        # A contract listed twice (same project, same amount) is one contract in the sum.
        contracts = {(r["project"], r["contract"], r["amount_upper_cny"]) for r in rs if r["amount_upper_cny"]}
        amounts = [float(a) for _, _, a in sorted(contracts)]
        fields = {"party_a": [r["party_a_buyer"] for r in rs if r["party_a_buyer"]] or None,
                  "winner": [r["party_b_winner"] for r in rs if r["party_b_winner"]] or None,
                  "amount_cny": (amounts + ([sum(amounts)] if len(amounts) > 1 else [])) or None}
        docs.append(GoldDoc(doc, file_id(os.path.join(base, doc)), fields, amount_as_written=True))
    return docs


def _amount_ok(pred, gold) -> bool:
    golds = gold if isinstance(gold, list) else [gold]
    return pred is not None and any(abs(float(pred) - g) <= AMOUNT_TOLERANCE * abs(g) for g in golds)


def _predicted(name: str, rec: dict):
    if name == "party_a":
        return rec.get("contract_party") or rec.get("buyer")
    if name == "winner":
        return rec.get("suppliers") or None
    if name == "region_code":
        return (rec.get("region") or {}).get("code")
    if name == "bidder_ranks":
        return [b.get("rank") for b in rec.get("bidders") or []] or None
    return rec.get(name)


def _as_written(rec: dict):
    """The record's amount in the currency the document states it in, when that is not the yuan:
    compared with gold that records such amounts unconverted; amount_cny itself stays empty."""
    value = rec.get("amount") or {}
    return None if value.get("currency", "CNY") == "CNY" else amount_value(value)


def _equal(name: str, pred, gold) -> bool:
    if name == "amount_cny":
        return _amount_ok(pred, gold)
    if name == "winner":   # FDDC names one winner per contract (consortium partners dropped)
        return bool({canon(p) for p in pred} & {canon(g) for g in gold})
    if name == "party_a":
        return canon(pred) in {canon(g) for g in gold}
    if name == "suppliers":
        return {canon(p) for p in pred or []} == {canon(g) for g in gold or []}
    if name in ("buyer", "agent", "project_number"):
        return canon(pred) == canon(gold)
    if name == "bidders":
        return _same_bidders(pred, gold)
    return pred == gold


def _same_bidders(pred: list[dict], gold: list[dict]) -> bool:
    """Every gold bidder found, none added, each with its price as printed (or within 0.5% in yuan)."""
    found = {canon(b.get("name")): b for b in pred}
    if set(found) != {canon(b.get("name")) for b in gold}:
        return False
    for g in gold:
        p = found[canon(g.get("name"))]
        printed = canon(g.get("price_text"))
        if printed != canon(p.get("price_text")) and not (
                p.get("price") is not None and _number(printed) is not None and _amount_ok(p["price"], _number(printed))):
            return False
    return True


def _number(text: str | None) -> float | None:
    try:
        return float(text.replace(",", "")) if text else None
    except ValueError:
        return None


def part_of(path: str, seed: int = SPLIT_SEED) -> str:
    """'read' or 'scored': a fixed, seeded half of a gold file's documents. Rules are written from the
    read half; the scored half is only ever scored, so the figure on it shows what rules do on unseen text."""
    digest = hashlib.sha256(f"{seed}:{path}".encode()).digest()
    return "read" if digest[0] % 2 == 0 else "scored"


def _evidence(rec: dict, name: str) -> dict | None:
    key = {"party_a": "contract_party" if rec.get("contract_party") else "buyer", "winner": "suppliers",
           "region_code": "region", "bidder_ranks": "bidders",
           "amount_cny": "amount"}.get(name, name)
    return (rec.get("evidence") or {}).get(key)


def score(gold: list[GoldDoc], records: dict[str, dict], gold_name: str = "") -> Report:
    report = Report(gold_name, len(gold), 0)
    for g in gold:
        rec = records.get(g.doc_id) if g.doc_id else None
        if rec is None:
            reason = "document not in the export" if g.doc_id else "gold document file not found"
            report.misses.append({"doc": g.path, "field": "*", "gold": None, "predicted": None,
                                  "quote": None, "reason": reason})
        else:
            report.matched += 1
        rec = rec or {}
        for name, gv in g.fields.items():
            s = report.fields.setdefault(name, Score())
            pv = _predicted(name, rec)
            if name == "amount_cny" and pv is None and g.amount_as_written:
                pv = _as_written(rec)
            empty_gold = gv in (None, [], "")
            if name == "is_surveillance":
                gv, pv = bool(gv), bool(pv)
                s.n += gv
                s.tp += gv and pv
                s.fp += pv and not gv
                s.fn += gv and not pv
                ok = gv == pv
            elif empty_gold:
                if g.tags is None:   # FDDC: an empty column is unlabelled
                    continue
                ok = not pv
                s.fp += not ok
            else:
                s.n += 1
                ok = pv not in (None, [], "") and _equal(name, pv, gv)
                s.tp += ok
                s.fp += (not ok) and pv not in (None, [], "")
                s.fn += not ok
            if not ok and rec:
                ev = _evidence(rec, name)
                report.misses.append({"doc": g.path, "field": name, "gold": gv, "predicted": pv,
                                      "quote": ev["quote"] if ev else None})
        if g.tags is not None:
            pred_tags: dict[str, str] = {}
            for t in rec.get("tags") or []:
                pred_tags.setdefault(t["id"], t.get("quote"))
            for cat in g.tags | set(pred_tags):
                s = report.categories.setdefault(cat, Score())
                gold_has, pred_has = cat in g.tags, cat in pred_tags
                s.n += gold_has
                s.tp += gold_has and pred_has
                s.fp += pred_has and not gold_has
                s.fn += gold_has and not pred_has
                if gold_has != pred_has and rec:
                    report.misses.append({"doc": g.path, "field": cat, "gold": gold_has, "predicted": pred_has,
                                          "quote": pred_tags.get(cat)})
    return report


def check_floors(result: dict, min_f1: float | None, floors: dict[str, float]) -> list[str]:
    """Measures below their floor, as messages. Keys of `floors` are paths such as
    'fields.buyer.recall' or 'families.tech.micro.f1'."""
    failed = []
    if min_f1 is not None:
        for name, s in result["fields"].items():
            if s["n"] and s["f1"] < min_f1:
                failed.append(f"fields.{name}.f1 = {s['f1']} < {min_f1}")
        for fam, s in result["families"].items():
            if s["micro"]["f1"] < min_f1:
                failed.append(f"families.{fam}.micro.f1 = {s['micro']['f1']} < {min_f1}")
    for path, floor in floors.items():
        node = result
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, (int, float)):
            failed.append(f"{path}: no such measure")
        elif node < floor:
            failed.append(f"{path} = {node} < {floor}")
    return failed
