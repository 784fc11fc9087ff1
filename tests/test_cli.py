"""The command line: help with examples, JSON output, exit codes, one-line errors."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from tenderlens.cli import main

runner = CliRunner()


def run(*args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    res = run("demo", "--db", db)
    assert res.exit_code == 0, res.output
    return db


def test_every_command_has_help_with_an_example():
    for name, cmd in main.commands.items():
        res = run(name, "--help")
        assert res.exit_code == 0
        assert "Example" in res.output, f"`tenderlens {name} --help` shows no example"


def test_demo_prints_summary_and_searches(demo_db):
    res = run("demo", "--db", demo_db)  # second time: everything already stored
    assert res.exit_code == 0
    assert "already stored" in res.output and "tenderlens search 雪亮" in res.output


def test_search_json_schema(demo_db):
    res = run("search", "人脸识别", "--json", "--limit", 0, "--db", demo_db)
    hits = json.loads(res.output)
    assert hits and {"doc_id", "page", "source", "snippet", "hits", "sources", "title", "format", "score"} <= set(hits[0])
    assert all("人脸识别" in h["snippet"] for h in hits)
    assert any(h["source"].endswith("zh-face-award-gbk.html") for h in hits)


def test_english_phrase_and_archive_member(demo_db):
    res = run("search", '"gunshot detection"', "--json", "--db", demo_db)
    hits = json.loads(res.output)
    assert [h["source"].rsplit("!/", 1)[-1] for h in hits] == ["2025/en-gunshot-renewal.html"]


def test_show_page_json_and_prefix(demo_db):
    hit = json.loads(run("search", "大数据平台", "--json", "--db", demo_db).output)[0]
    res = run("show", hit["doc_id"][:10], "--page", 2, "--json", "--db", demo_db)
    doc = json.loads(res.output)
    assert doc["id"] == hit["doc_id"] and doc["format"] == "pdf" and doc["n_pages"] == 2
    assert [p["n"] for p in doc["pages"]] == [2] and "一人一档" in doc["pages"][0]["text"]
    assert run("show", hit["doc_id"], "--page", 9, "--db", demo_db).exit_code == 2


def test_stats_json(demo_db):
    st = json.loads(run("stats", "--json", "--db", demo_db).output)
    assert st["documents"] >= 12 and st["by_status"].get("ok") == st["documents"]
    assert {"html", "pdf", "docx", "xlsx", "json", "text"} <= set(st["by_format"])
    assert st["runs"][0]["status"] == "completed"


def test_demo_links_a_tender_its_shortlist_and_award_into_one_purchase(demo_db):
    out = json.loads(run("purchases", "--json", "--limit", 0, "--db", demo_db).output)
    stages = {p["id"]: sorted(d["stage"] for d in p["documents"]) for p in out["purchases"]}
    assert sorted(stages.values(), key=len)[-1] == ["award", "shortlist", "tender"]
    three = next(p for p in out["purchases"] if len(p["documents"]) == 3)
    award_notice = next(d["doc_id"] for d in three["documents"] if d["stage"] == "award")
    # the award is quoted from the award notice, not from the shortlist's first price
    assert three["amounts"]["award"]["doc_id"] == award_notice
    assert [b["rank"] for b in three["bidders"]] == [1, 2, 3] and all(b["price"] for b in three["bidders"])
    assert out["overall"]["purchases"] == len(out["purchases"]) < json.loads(
        run("stats", "--json", "--db", demo_db).output)["documents"]


def test_exit_codes(tmp_path, eval_dir):
    assert run("ingest", tmp_path / "missing", "--db", tmp_path / "x.db").exit_code == 2
    assert run("search", "x", "--db", tmp_path / "none.db").exit_code == 2
    assert run("search", '"unbalanced', "--db", tmp_path / "none.db").exit_code == 2
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "junk.pdf").write_bytes(b"%PDF-1.4 not really")
    (folder / "a.html").write_bytes((eval_dir / "fddc" / "html" / "1021549.html").read_bytes())
    res = runner.invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "x.db"), "--engine", "serial"])
    assert res.exit_code == 1 and "1 documents failed" in res.output
    assert run("ingest", folder, "--db", tmp_path / "no-such-dir" / "x.db").exit_code == 2


def test_locked_database_is_one_clear_line(tmp_path, eval_dir):
    db = tmp_path / "busy.db"
    run("ingest", eval_dir / "fddc" / "html" / "1021549.html", "--db", db, "--engine", "serial")
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        res = runner.invoke(main, ["ingest", str(eval_dir / "fddc" / "html" / "1081953.html"),
                                   "--db", str(db), "--engine", "serial"])
    finally:
        holder.rollback()
        holder.close()
    assert res.exit_code == 3  # EXIT_LOCKED
    assert "locked by another tenderlens process" in res.output
    assert "Traceback" not in res.output


def test_personal_numbers_are_masked_by_default(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "n.txt").write_text("项目联系人 手机 13912345678 身份证 110101199003071234 采购人 示例局", encoding="utf-8")
    db = tmp_path / "m.db"
    run("ingest", folder, "--db", db, "--engine", "serial")
    shown = run("search", "采购人", "--json", "--db", db).output
    assert "13912345678" not in shown and "139********" in shown and "110101199003071234" not in shown
    assert "13912345678" in run("search", "采购人", "--json", "--no-mask", "--db", db).output
    doc_id = json.loads(shown)[0]["doc_id"]
    assert "13912345678" not in run("show", doc_id, "--db", db).output
