"""`tenderlens export` and `tenderlens eval` end to end: real documents ingested, scored against both gold formats."""
from __future__ import annotations

import csv
import hashlib
import json
import re

import pytest
from click.testing import CliRunner

from tenderlens.cli import main
from tenderlens.evaluate import canon

N_FDDC = 30


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def corpus(eval_dir, tmp_path_factory):
    """A store of the labels.jsonl documents and the first FDDC documents of the contract gold,
    with a gold TSV of just those (documents linked beside it, as the format expects)."""
    tmp = tmp_path_factory.mktemp("evalcli")
    gold_rows = list(csv.DictReader(open(eval_dir / "fddc" / "gold_contracts.tsv", encoding="utf-8"), delimiter="\t"))
    ids = list(dict.fromkeys(r["id"] for r in gold_rows))[:N_FDDC]
    (tmp / "fddc" / "html").mkdir(parents=True)
    for id in ids:
        (tmp / "fddc" / "html" / f"{id}.html").symlink_to(eval_dir / "fddc" / "html" / f"{id}.html")
    gold = tmp / "fddc" / "gold.tsv"
    with open(gold, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(gold_rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(r for r in gold_rows if r["id"] in ids)
    labels = [json.loads(line) for line in open(eval_dir / "labels.jsonl", encoding="utf-8")]
    db = str(tmp / "eval.db")
    run("ingest", str(tmp / "fddc" / "html"), *[str(eval_dir / g["doc"]) for g in labels], "--db", db,
        "--engine", "local:2", "--follow-links")
    export = tmp / "export.jsonl"
    run("export", "--db", db, "--out", str(export))
    records = [json.loads(line) for line in open(export, encoding="utf-8")]
    files = {p.resolve() for p in (tmp / "fddc" / "html").iterdir()} | {(eval_dir / g["doc"]).resolve() for g in labels}
    return {"db": db, "gold": str(gold), "n_files": len(files), "rows": [r for r in gold_rows if r["id"] in ids], "export": str(export),
            "records": records, "tmp": tmp, "labels": labels}


def test_export_has_the_labels_fields(corpus):
    assert len(corpus["records"]) == corpus["n_files"]
    for rec in corpus["records"]:
        for key in ("doc_id", "sources", "is_surveillance", "notice_type", "date", "buyer", "contract_party",
                    "suppliers", "amount_cny", "region", "tags"):
            assert key in rec
        assert rec["sources"]
        for tag in rec["tags"]:
            assert set(tag) == {"id", "quote", "page", "start", "end"}
        if rec["region"]:
            assert set(rec["region"]) >= {"province", "prefecture", "county", "code", "lat", "lon"}


def test_fddc_eval_counts_what_the_export_says(corpus):
    result = json.loads(run("eval", corpus["gold"], "--db", corpus["db"], "--json").output)
    assert result["documents"] == result["matched"] == N_FDDC
    # The same counts, worked out here from the export and the gold rows.
    by_source = {s.rsplit("/", 1)[-1][:-5]: r for r in corpus["records"] for s in r["sources"]}
    golds: dict[str, list[dict]] = {}
    for row in corpus["rows"]:
        golds.setdefault(row["id"], []).append(row)
    party_a_hits = winner_hits = 0
    for id, rows in golds.items():
        rec = by_source[id]
        found = canon(rec["contract_party"] or rec["buyer"])
        party_a_hits += found is not None and found in {canon(r["party_a_buyer"]) for r in rows}
        winner_hits += bool({canon(s) for s in rec["suppliers"]} & {canon(r["party_b_winner"]) for r in rows})
    assert result["fields"]["party_a"]["tp"] == party_a_hits
    assert result["fields"]["winner"]["tp"] == winner_hits
    assert result["fields"]["winner"]["n"] == N_FDDC
    for s in result["fields"].values():
        assert s["tp"] + s["fn"] == s["n"]
    # Scoring the export file gives the same numbers as scoring the database.
    again = json.loads(run("eval", corpus["gold"], "--export", corpus["export"], "--json").output)
    assert again["fields"] == result["fields"]


def test_labels_eval_scores_fields_and_categories(eval_dir, corpus):
    result = json.loads(run("eval", str(eval_dir / "labels.jsonl"), "--db", corpus["db"], "--json").output)
    assert result["matched"] == result["documents"] == len(corpus["labels"])
    assert {"is_surveillance", "buyer", "suppliers", "notice_type", "date", "region_code", "amount_cny"} <= set(
        result["fields"])
    assert "tech" in result["families"] and "micro" in result["families"]["tech"]
    gold_tech = {t["id"] for g in corpus["labels"] for t in g["tags"] if t["id"].startswith("tech.")}
    assert gold_tech <= set(result["categories"])
    for miss in result["misses"]:
        assert miss["doc"] and "quote" in miss
    text = run("eval", str(eval_dir / "labels.jsonl"), "--db", corpus["db"]).output
    assert "is_surveillance" in text and "tech.* micro" in text


def test_floors_set_the_exit_code(corpus):
    below = run("eval", corpus["gold"], "--db", corpus["db"], "--min", "fields.winner.recall=1.01", ok=False)
    assert below.exit_code == 1 and "fields.winner.recall" in below.output
    run("eval", corpus["gold"], "--db", corpus["db"], "--min", "fields.winner.recall=0", "--min-f1", "0")
    bad = run("eval", corpus["gold"], "--db", corpus["db"], "--min", "winner", ok=False)
    assert bad.exit_code == 2
    unknown = run("eval", corpus["gold"], "--db", corpus["db"], "--min", "fields.nothing.f1=0.5", ok=False)
    assert unknown.exit_code == 1 and "no such measure" in unknown.output


def test_bad_gold_and_bad_export_are_usage_errors(corpus):
    bad_gold = corpus["tmp"] / "bad.jsonl"
    bad_gold.write_text('{"no_doc": 1}\n', encoding="utf-8")
    assert run("eval", str(bad_gold), "--db", corpus["db"], ok=False).exit_code == 2
    bad_export = corpus["tmp"] / "bad-export.jsonl"
    bad_export.write_text("not json\n", encoding="utf-8")
    assert run("eval", corpus["gold"], "--export", str(bad_export), ok=False).exit_code == 2
    assert run("eval", corpus["gold"], ok=False).exit_code == 2  # neither --db nor --export


def test_masking_leaves_document_ids_alone(eval_dir, tmp_path):
    # This file's SHA-256 holds the digits 13004754761, which look like a mobile number.
    path = eval_dir / "fddc" / "html" / "258594.html"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert re.search(r"1[3-9]\d{9}", sha)
    db = str(tmp_path / "ids.db")
    run("ingest", str(path), "--db", db, "--engine", "serial")
    out = tmp_path / "ids.jsonl"
    run("export", "--db", db, "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["doc_id"] == sha


def test_export_formats_and_masking(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text("某某县公安局治安卡口采购项目中标公告\n项目编号：13912345678\n采购人：某某县公安局\n"
                      "中标供应商：某某科技有限公司\n中标金额：人民币1,280,000.00元\n", encoding="utf-8")
    db = str(tmp_path / "m.db")
    run("ingest", str(notice), "--db", db, "--engine", "serial")
    masked = json.loads(run("export", "--db", db).output)
    unmasked = json.loads(run("export", "--db", db, "--no-mask").output)
    assert unmasked["project_number"] == "13912345678"
    assert unmasked["evidence"]["project_number"]["quote"] == "13912345678"
    assert "13912345678" not in json.dumps(masked, ensure_ascii=False)
    assert masked["evidence"]["project_number"]["quote"].startswith("139")
    assert unmasked["amount_cny"] == 1_280_000 and unmasked["suppliers"] == ["某某科技有限公司"]
    as_json = json.loads(run("export", "--db", db, "--format", "json").output)
    assert as_json == [masked]
    out = tmp_path / "e.csv"
    run("export", "--db", db, "--format", "csv", "--out", str(out))
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert len(rows) == 1 and rows[0]["buyer"] == "某某县公安局" and rows[0]["amount_role"] == "award"


def test_yichang_gold_is_scored_in_halves_from_a_database(eval_dir, tmp_path):
    """The portal-table gold (yichang) read by `tenderlens eval`: shortlists and awards, the seeded halves disjoint."""
    lines = [json.loads(l) for l in open(eval_dir / "yichang" / "gold.jsonl", encoding="utf-8")]
    chosen = [g for g in lines if g["stage"] == "shortlist"][:6] + [g for g in lines if g["stage"] == "award"][:14]
    (tmp_path / "yichang" / "html").mkdir(parents=True)
    for g in chosen:
        (tmp_path / g["doc"]).symlink_to(eval_dir / g["doc"])
    gold = tmp_path / "yichang" / "gold.jsonl"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in chosen), encoding="utf-8")
    db = str(tmp_path / "y.db")
    run("ingest", str(tmp_path / "yichang" / "html"), "--db", db, "--engine", "serial", "--follow-links")
    result = json.loads(run("eval", str(gold), "--db", db, "--json").output)
    assert result["matched"] == 20
    fields = result["fields"]
    assert fields["notice_type"]["n"] == 20 and fields["bidders"]["n"] == 6 and fields["buyer"]["n"] == 14
    for name in ("notice_type", "buyer", "agent", "project_number", "suppliers", "bidders"):
        assert fields[name]["recall"] >= 0.9 and fields[name]["precision"] >= 0.9, (name, fields[name])
    halves = [json.loads(run("eval", str(gold), "--db", db, "--json", "--part", p).output) for p in ("read", "scored")]
    assert sum(h["documents"] for h in halves) == 20 and all(h["documents"] for h in halves)
    export = tmp_path / "y.jsonl"
    run("export", "--db", db, "--out", str(export))
    records = [json.loads(l) for l in open(export, encoding="utf-8")]
    shortlist = next(r for r in records if r["notice_type"] == "shortlist")
    assert shortlist["bidders"] and set(shortlist["bidders"][0]) == {"name", "price", "price_text", "rank"}
    assert all({"method", "consortium", "amounts", "title", "bidders"} <= set(r) for r in records)
