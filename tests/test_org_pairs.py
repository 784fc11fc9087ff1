"""Organisation resolution scored on labelled pairs of real names from the dev documents
(tests/data/org_pairs.tsv): a false merge is worse than a missed one."""
from __future__ import annotations

from pathlib import Path

from tenderlens.orgs.score import score

PAIRS = Path(__file__).with_name("data") / "org_pairs.tsv"


def test_pairwise_precision_and_recall(eval_dir):
    r = score(PAIRS, eval_dir)
    assert r["pairs"] >= 150 and r["same"] >= 35
    assert r["precision"] >= 0.99, r["errors"]
    # Renames no document states (国家电网公司 -> 国家电网有限公司) are for the merges file; every other
    # kind of same pair is found.
    assert r["recall"] >= 0.85, r["errors"]
    missed = {e["case"] for e in r["errors"] if e["error"] == "fn"}
    assert missed <= {"renamed", "variant"}, r["errors"]
    for case in ("branch", "subsidiary", "consortium", "similar_name", "similar_english"):
        assert r["by_case"][case].get("fp", 0) == 0
