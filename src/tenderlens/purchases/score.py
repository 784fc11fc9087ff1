"""Pairwise precision and recall of "same purchase" against a links file (purchase_id TAB doc, the doc
a path relative to the evaluation folder, as ../shared/eval/yichang/links.tsv)."""
from __future__ import annotations

import csv
import sqlite3
from collections import defaultdict
from itertools import combinations
from pathlib import Path


def _pairs(group_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for doc, group in group_of.items():
        members[group].append(doc)
    return {tuple(sorted(p)) for docs in members.values() for p in combinations(docs, 2)}


def score(db: sqlite3.Connection, links_path: str | Path) -> dict:
    """Scores the stored purchases of the documents the links file names (found by where they were read)."""
    with open(links_path, encoding="utf-8") as f:
        gold = {row["doc"]: row["purchase_id"] for row in csv.DictReader(f, delimiter="\t")}
    purchase_of = {}
    for uri, pid in db.execute("SELECT s.uri, p.purchase_id FROM sources s JOIN purchase_docs p ON p.doc_id = s.doc_id"):
        for doc in gold:
            if uri.endswith("/" + doc):
                purchase_of[doc] = pid
    # A document in no purchase (read as no procurement notice at all) is a purchase of its own.
    predicted = {doc: purchase_of.get(doc, "none:" + doc) for doc in gold}
    want, got = _pairs(gold), _pairs(predicted)
    tp = len(want & got)
    return {"documents": len(gold), "found": len(purchase_of), "gold_pairs": len(want), "predicted_pairs": len(got),
            "precision": tp / len(got) if got else 1.0, "recall": tp / len(want) if want else 1.0,
            "missed": sorted(want - got), "false": sorted(got - want)}
