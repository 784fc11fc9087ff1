"""Pairwise precision and recall of organisation resolution against labelled name pairs.

The pairs file (tests/data/org_pairs.tsv) holds names as the dev documents write them, each pair
labelled same or different. All names are resolved together, as one corpus: a pair with a
document is resolved with what that document's own text says (its 以下简称 clauses, credit codes,
subsidiaries, read from the real file); the others as names alone, with the codebook's vendors.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from .. import codebook
from ..extract import extract_document
from ..model import Mention, RawDoc
from . import evidence
from .resolve import resolve


def read_pairs(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        rows = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t"))


def score(pairs_path: str | Path, eval_dir: str | Path) -> dict:
    pairs = read_pairs(pairs_path)
    mentions, defined, codes, owned, renamed = [], [], [], [], []
    pages_of: dict[str, list[tuple[int, str]]] = {}
    for i, p in enumerate(pairs):
        if p["doc"] and p["doc"] not in pages_of:
            path = Path(eval_dir) / p["doc"]
            doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
            pages_of[p["doc"]] = [(page.n, page.text) for page in doc.pages]
        for side in ("a", "b"):
            where = p["doc"] or f"pair-{i}-{side}"
            mentions.append(Mention(where, "party", p[side]))
    for doc, pages in pages_of.items():
        names = [m.name for m in mentions if m.doc_id == doc]
        found = evidence.defined_aliases(doc, pages)
        defined += found
        codes += evidence.credit_codes(doc, pages, names)
        owned += evidence.subsidiaries(doc, pages, names, found)
        renamed += evidence.renames(doc, pages)
    book = codebook.load()
    res = resolve(mentions, defined, codes, [(v.id, list(v.names)) for v in book.vendors.values()],
                  subsidiaries=owned, renames=renamed)
    counts: Counter = Counter()
    by_case: dict[str, Counter] = {}
    wrong = []
    for i, p in enumerate(pairs):
        a = res.of[(p["doc"] or f"pair-{i}-a", p["a"])]
        b = res.of[(p["doc"] or f"pair-{i}-b", p["b"])]
        said, truth = a == b, p["same"] == "1"
        outcome = {(True, True): "tp", (True, False): "fp", (False, True): "fn", (False, False): "tn"}[(said, truth)]
        counts[outcome] += 1
        by_case.setdefault(p["case"], Counter())[outcome] += 1
        if outcome in ("fp", "fn"):
            wrong.append({"a": p["a"], "b": p["b"], "case": p["case"], "error": outcome})
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {"pairs": len(pairs), "same": tp + fn, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0, "counts": dict(counts),
            "by_case": {k: dict(v) for k, v in sorted(by_case.items())}, "errors": wrong}
