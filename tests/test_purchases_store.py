"""Purchases and organisations built from real documents: the Yichang notices (links.tsv), FDDC
announcements of one State Grid batch tender, the demo corpus through the CLI."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from tenderlens.cli import main
from tenderlens.executors import SerialExecutor
from tenderlens.pipeline import ingest
from tenderlens.purchases.score import score
from tenderlens.store import Store
from tenderlens.store.purchases import merges_path, rebuild

runner = CliRunner()
# Awards of one State Grid batch number (0711-17OTL03922000) to different companies, two announcements of
# one of them (海兴电力), and an award with the contract signed for it (山东路桥, ¥1,334,248,675).
FDDC = ["16027694", "16026811", "16116090", "16132376", "1033009", "988354"]


def run(*args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def _build(tmp_path_factory, name, paths):
    db = tmp_path_factory.mktemp(name) / f"{name}.db"
    store = Store(str(db))
    ingest([str(p) for p in paths], store, SerialExecutor())
    rebuild(store)
    store.close()
    return db


@pytest.fixture(scope="module")
def yichang_db(tmp_path_factory, eval_dir):
    return _build(tmp_path_factory, "yichang", [eval_dir / "yichang" / "html"])


@pytest.fixture(scope="module")
def fddc_db(tmp_path_factory, eval_dir):
    return _build(tmp_path_factory, "fddc", [eval_dir / "fddc" / "html" / f"{n}.html" for n in FDDC])


def _purchase_of(db, name):
    return db.execute("SELECT p.purchase_id FROM purchase_docs p JOIN sources s ON s.doc_id = p.doc_id"
                      " WHERE s.uri LIKE ?", (f"%/{name}.html",)).fetchone()[0]


def test_yichang_links_against_links_tsv(yichang_db, eval_dir):
    db = sqlite3.connect(yichang_db)
    r = score(db, eval_dir / "yichang" / "links.tsv")
    assert r["found"] == r["documents"] == 252
    assert r["precision"] >= 0.95, r["false"]
    # Every shortlist-award pair of links.tsv shares a project number: once analysis reads the numbers
    # (标段(包)编号), recall must reach the target.
    if db.execute("SELECT 1 FROM facts WHERE key = 'project_number' LIMIT 1").fetchone():
        assert r["recall"] >= 0.95, r["missed"]
    n = db.execute("SELECT count(*) FROM purchases").fetchone()[0]
    assert 245 <= n + (r["gold_pairs"] - len(r["missed"])) <= 252


def test_every_link_keeps_its_reason_and_ids_are_stable(yichang_db, fddc_db):
    for path in (yichang_db, fddc_db):
        db = sqlite3.connect(path)
        before = db.execute("SELECT id, record FROM purchases ORDER BY id").fetchall()
        orgs = db.execute("SELECT id, name FROM organisations ORDER BY id").fetchall()
        assert not db.execute("SELECT 1 FROM purchase_docs d JOIN purchases p ON p.id = d.purchase_id"
                              " WHERE p.n_docs > 1 AND d.reasons = '[]'").fetchone()
        store = Store(str(path))
        rebuild(store)
        store.close()
        assert db.execute("SELECT id, record FROM purchases ORDER BY id").fetchall() == before
        assert db.execute("SELECT id, name FROM organisations ORDER BY id").fetchall() == orgs


def test_a_batch_number_links_one_winner_s_notices_only(fddc_db):
    db = sqlite3.connect(fddc_db)
    hexing = {_purchase_of(db, n) for n in ("16026811", "16116090")}
    assert len(hexing) == 1                                            # 海兴电力: prompt and final notice
    assert _purchase_of(db, "16027694") not in hexing                  # 三星医疗 won another lot
    assert _purchase_of(db, "1033009") == _purchase_of(db, "988354")   # award and its contract
    purchase = json.loads(db.execute("SELECT record FROM purchases WHERE id = ?", (_purchase_of(db, "988354"),))
                          .fetchone()[0])
    assert [d["stage"] for d in purchase["documents"]] == ["award", "contract"]
    assert purchase["amount"] == 1334248675.0 and purchase["currency"] == "CNY"
    assert all(d["reasons"] == ["parties_price: 1334248675.00"] for d in purchase["documents"])


def test_merges_file_applies_on_rebuild(yichang_db, tmp_path):
    db = tmp_path / "y.db"
    db.write_bytes(yichang_db.read_bytes())
    con = sqlite3.connect(db)
    a, b = [r[0] for r in con.execute("SELECT buyer FROM purchases WHERE buyer IS NOT NULL GROUP BY buyer"
                                      " ORDER BY count(*) DESC LIMIT 2")]
    name_a, name_b = [con.execute("SELECT name FROM organisations WHERE id = ?", (i,)).fetchone()[0] for i in (a, b)]
    merges_path(str(db)).write_text(f"merge:\n  - [{name_a}, {name_b}]\nrename:\n  {a}: 合并后的名称\n", encoding="utf-8")
    res = run("link", "--db", db)
    assert res.exit_code == 0, res.output
    org = json.loads(run("orgs", "show", name_b, "--json", "--db", db).output)
    assert org["name"] == "合并后的名称" and {x["name"] for x in org["aliases"]} >= {name_a, name_b}
    merges_path(str(db)).write_text("merge: [oops]\n", encoding="utf-8")
    res = run("link", "--db", db)
    assert res.exit_code == 2 and "merge entry" in res.output


def test_purchases_and_orgs_commands(yichang_db):
    out = json.loads(run("purchases", "--json", "--limit", 0, "--db", yichang_db).output)
    assert out["overall"]["purchases"] == len(out["purchases"])
    assert abs(sum(p["amount"] or 0 for p in out["purchases"]) - out["overall"]["totals"]["CNY"]) < 1
    top = out["purchases"][0]
    assert top["amount"] == max(p["amount"] or 0 for p in out["purchases"]) and top["buyer_name"]
    grouped = json.loads(run("purchases", "--group-by", "buyer", "--json", "--limit", 0, "--db", yichang_db).output)
    assert sum(g["purchases"] for g in grouped["groups"]) == out["overall"]["purchases"]
    assert abs(sum(g["share_of_totals"].get("CNY", 0) for g in grouped["groups"]) - 1) < 0.01
    buyer = grouped["groups"][0]
    mine = json.loads(run("purchases", "--buyer", buyer["key"], "--json", "--db", yichang_db).output)
    assert mine["overall"]["purchases"] == buyer["purchases"]
    assert all(p["buyer"] == buyer["key"] for p in mine["purchases"])
    part = buyer["label"][2:6]
    assert json.loads(run("purchases", "--buyer", part, "--json", "--db", yichang_db).output)["overall"]["purchases"] \
        >= buyer["purchases"]
    by_supplier = json.loads(run("purchases", "--group-by", "supplier", "--json", "--db", yichang_db).output)
    assert by_supplier["groups"][0]["label"]
    org = json.loads(run("orgs", "show", buyer["key"], "--json", "--db", yichang_db).output)
    assert len(org["bought"]) == buyer["purchases"] and org["counterparties"]
    assert org["totals_by_year"] and sum(v["CNY"] for v in org["totals_by_year"].values()) == pytest.approx(
        buyer["totals"]["CNY"])
    listed = json.loads(run("orgs", "--json", "--limit", 0, "--db", yichang_db).output)
    assert {o["kind"] for o in listed} <= {"public_body", "company", "other"}
    assert run("orgs", "show", "org-nothing", "--db", yichang_db).exit_code == 2
    stats = json.loads(run("stats", "--json", "--db", yichang_db).output)
    assert stats["purchases"]["purchases"] == out["overall"]["purchases"] <= stats["documents"]


def test_exports_of_purchases_and_organisations(yichang_db, tmp_path):
    import pyarrow.parquet as pq
    for table in ("purchases", "organisations"):
        out = tmp_path / f"{table}.parquet"
        assert run("export", "--table", table, "--format", "parquet", "--out", out, "--db", yichang_db).exit_code == 0
        rows = pq.read_table(out).to_pylist()
        assert rows and rows[0]["id"].startswith("pur-" if table == "purchases" else "org-")
        csv_out = run("export", "--table", table, "--format", "csv", "--db", yichang_db).output.splitlines()
        assert len(csv_out) == len(rows) + 1
    assert run("export", "--table", "purchases", "--format", "parquet", "--db", yichang_db).exit_code == 2


def test_reanalysis_keeps_purchase_and_organisation_ids(fddc_db, tmp_path):
    db = tmp_path / "f.db"
    db.write_bytes(fddc_db.read_bytes())
    con = sqlite3.connect(db)
    ids = lambda: (con.execute("SELECT group_concat(id) FROM (SELECT id FROM purchases ORDER BY id)").fetchone(),  # noqa: E731
                   con.execute("SELECT group_concat(id) FROM (SELECT id FROM organisations ORDER BY id)").fetchone())
    before = ids()
    res = run("analyze", "--engine", "serial", "--db", db)
    assert res.exit_code == 0, res.output
    assert "purchases" in res.output and ids() == before
