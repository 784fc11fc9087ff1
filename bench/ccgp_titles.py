"""Categories on real ccgp.gov.cn notice titles: is_surveillance F1 and tech.* micro-F1,
on the whole set and on each half of the seeded split (tenderlens.holdout): the half the
codebook's cues were read from, and the half only scored.

    .venv/bin/python bench/ccgp_titles.py                # figures for all, read, scored
    .venv/bin/python bench/ccgp_titles.py --misses read  # and the misses of the read half

Each title goes through the real extraction and analysis (extract_document, analyze,
summarise), as `tenderlens ingest` runs them, without a database.
"""
from __future__ import annotations

import argparse
import json
import pathlib

from tenderlens import codebook
from tenderlens.analyze import analyze
from tenderlens.evaluate import load_gold, score
from tenderlens.extract import doc_id, extract_document
from tenderlens.holdout import split
from tenderlens.model import RawDoc
from tenderlens.summary import summarise

EVAL = pathlib.Path(__file__).resolve().parents[2] / "shared" / "eval"
GOLD = EVAL / "ccgp-titles" / "labels.jsonl"


def halves() -> dict[str, set[str]]:
    """Gold document paths of each side, as `load_gold` names them."""
    labels = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    titles = {g["doc"]: (EVAL / g["doc"]).read_text(encoding="utf-8") for g in labels}
    strata = {g["doc"]: "1" if g["is_surveillance"] else "0" for g in labels}
    read, scored = split(titles, strata)
    return {"all": set(titles), "read": read, "scored": scored}


def records(book: codebook.Codebook) -> dict[str, dict]:
    out = {}
    for path in sorted((EVAL / "ccgp-titles" / "docs").glob("*.txt")):
        raw = RawDoc(str(path), path.read_bytes(), path.name)
        doc = extract_document(raw, doc_id(raw))
        out[doc.id] = summarise(doc.id, analyze(doc, book), [str(path)])
    return out


def figures(side: set[str], recs: dict[str, dict]) -> dict:
    gold = [g for g in load_gold(str(GOLD)) if g.path in side]
    return score(gold, recs, str(GOLD)).as_dict()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--misses", choices=("all", "read", "scored"), help="list the misses of this side")
    args = ap.parse_args()
    recs = records(codebook.load())
    for name, side in halves().items():
        r = figures(side, recs)
        s, t = r["fields"]["is_surveillance"], r["families"]["tech"]["micro"]
        print(f"{name:<7} n={len(side):>4}  is_surveillance P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}"
              f"   tech.* micro P {t['precision']:.3f} R {t['recall']:.3f} F1 {t['f1']:.3f}")
        if args.misses == name:
            for m in r["misses"]:
                if m["field"] == "is_surveillance" or m["field"].startswith(("tech.", "source.")):
                    title = (EVAL / m["doc"]).read_text(encoding="utf-8")
                    print(f"  {m['field']:<28} gold {m['gold']!s:<5} found {m['predicted']!s:<5} {title}"
                          f"  «{m.get('quote') or ''}»")


if __name__ == "__main__":
    main()
