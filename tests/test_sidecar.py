"""The Tantivy search sidecar answers exactly what SQLite answers, and never serves a stale index.

The store is the real ingest of the labelled documents and the Yichang notices (tests/dev_store.py).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest
from click.testing import CliRunner

from tenderlens import codebook, pipeline
from tenderlens.cli import main
from tenderlens.records import facts_of
from tenderlens.store import Store, sidecar
from tenderlens.store import facet_tokens as ft
from tenderlens.store.fts import parse_query
from tenderlens.web.filters import conditions
from tenderlens.web.results import select
from tenderlens.web.state import SearchState

# 1, 2 and 4 characters, English words and a phrase, OR: all answered by the sidecar.
QUERIES = ["监", "公司", "视频监控", "采购项目", "camera", '"video surveillance"', "系统", "监控 OR camera",
           "人脸 OR 卡口 OR 雪亮", '"招标 公告"', "2019"]
# All terms on one page, or a term excluded from it: FTS5 tests pages, the sidecar documents, so SQLite answers.
PAGE_BOUND = ["监控 公司", "监控 -人脸", "公司 -监控", "camera -video"]
KINDS = (ft.CATEGORY, ft.FAMILY, ft.SURVEILLANCE, ft.NOTICE_TYPE, ft.YEAR, ft.PROVINCE, ft.PREFECTURE,
         ft.COUNTY, ft.REGION_CODE, ft.BUYER, ft.VENDOR, ft.FORMAT)


@pytest.fixture(scope="module")
def indexed(notices_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("sidecar") / "notices.db"
    shutil.copy(notices_db, db)
    store = Store(str(db))
    sidecar.rebuild(store)
    store.close()
    return db


def _result(store: Store, state: SearchState, use_sidecar: bool, monkeypatch) -> set[str]:
    """The documents of the web app's result, found by the sidecar or by SQLite alone."""
    with monkeypatch.context() as m:
        if not use_sidecar:
            m.setattr(sidecar, "fill_hits", lambda *a: False)
        select(store, state, conditions(state))
    return {r[0] for r in store.db.execute("SELECT doc_id FROM temp.result")}


def _states(store: Store) -> list[SearchState]:
    """Every query alone, and the keyword 监 under every value of every facet the index carries."""
    q = store.db.execute
    states = [SearchState(q=query) for query in QUERIES]
    states += [SearchState(q="监", cat=[c]) for (c,) in q("SELECT DISTINCT category FROM doc_tags")]
    for column in ("province", "prefecture", "county", "buyer", "notice_type"):
        states += [SearchState(q="公司", **{column: v}) for (v,) in
                   q(f"SELECT DISTINCT {column} FROM doc_summary WHERE {column} IS NOT NULL")]
    states += [SearchState(q="监控", year=str(y)) for (y,) in q("SELECT DISTINCT year FROM doc_summary WHERE year")]
    states += [SearchState(q="系统", surv=s) for s in ("0", "1")]
    states += [SearchState(q="公司", vendor=v) for (v,) in q("SELECT DISTINCT key FROM facts WHERE kind='vendor'")]
    states += [SearchState(q="采购", format=f) for (f,) in q("SELECT DISTINCT format FROM documents")]
    states.append(SearchState(q="监控 OR camera", cat=["tech.video_surveillance"], surv="1", province="广东省"))
    return states


def test_sidecar_and_sqlite_return_the_same_documents(indexed, monkeypatch):
    store = Store(str(indexed), readonly=True)
    assert sidecar.open_current(store) is not None
    states = _states(store)
    assert len(states) > 60
    nonempty = 0
    for state in states:
        by_sqlite = _result(store, state, False, monkeypatch)
        by_sidecar = _result(store, state, True, monkeypatch)
        # The sidecar fills temp.hits without pages; SQLite always with one.
        assert store.db.execute("SELECT count(*) FROM temp.hits WHERE page IS NULL").fetchone()[0] == len(
            store.db.execute("SELECT * FROM temp.hits").fetchall()), state
        assert by_sidecar == by_sqlite, state
        nonempty += bool(by_sqlite)
    assert nonempty > len(states) * 2 // 3


def test_page_bound_queries_stay_with_sqlite(indexed, monkeypatch):
    store = Store(str(indexed), readonly=True)
    for query in PAGE_BOUND:
        assert not sidecar.page_independent(sidecar.parse_match(parse_query(query)[0]))
        assert not sidecar.fill_hits(store, parse_query(query)[0], [])
    for query in QUERIES:
        assert sidecar.page_independent(sidecar.parse_match(parse_query(query)[0])), query


def test_facet_counts_are_document_counts(indexed):
    """Every facet value's count from the sidecar equals the count of result documents carrying it in SQLite."""
    store = Store(str(indexed), readonly=True)
    side = sidecar.open_current(store)
    checked = 0
    for query in QUERIES:
        match, _ = parse_query(query)
        docs = {r[0] for r in store.db.execute(
            "SELECT DISTINCT p.doc_id FROM pages_fts f JOIN pages p ON p.id = f.rowid WHERE pages_fts MATCH ?",
            (match,))}
        expected = Counter(t for (d, tokens) in store.db.execute("SELECT doc_id, facet_index FROM doc_summary")
                           if d in docs for t in (tokens or "").split())
        q = side.restricted(match)
        assert side.count(q) == len(docs), query
        for kind in KINDS:
            got = side.facet_counts(q, kind)
            assert got == {t: n for t, n in expected.items() if t.startswith(kind)}, (query, kind)
            checked += len(got)
    assert checked > 200


def test_one_character_queries_are_ranked(indexed):
    store = Store(str(indexed), readonly=True)
    side = sidecar.open_current(store)
    scores = [s for _, s in side.hits(side.restricted(parse_query("监")[0]))]
    assert len(scores) > 5 and len(set(scores)) > 3, "an expanded prefix, not a constant score"
    assert side.hits(side.restricted(parse_query("监")[0]), limit=0) == []  # search(limit=0) would raise


def test_translation_of_fts_expressions():
    node = sidecar.parse_match(parse_query('监 "video surveillance" OR 人脸识别 -camera')[0])
    assert node.op == "not" and node.kids[1] == sidecar.Node("phrase", ("camera",))
    left = node.kids[0]
    assert left.op == "and" and left.kids[0] == sidecar.Node("prefix", ("监",))
    assert left.kids[1] == sidecar.Node("or", kids=(sidecar.Node("phrase", ("video", "surveillance")),
                                                    sidecar.Node("phrase", ("人脸", "脸识", "识别"))))
    with pytest.raises(sidecar.SidecarError):
        sidecar.parse_match('"unclosed')


def _store_with_sidecar(indexed, tmp_path) -> str:
    db = tmp_path / "copy.db"
    shutil.copy(indexed, db)
    shutil.copytree(str(indexed) + ".tantivy", str(db) + ".tantivy")
    return str(db)


def _drop_category(db: str) -> tuple[str, str]:
    """Re-analyse one document without its categories, as `analyze` does; returns (doc, category)."""
    store = Store(db)
    doc_id, category = store.db.execute(
        "SELECT doc_id, category FROM doc_tags WHERE category LIKE 'tech.%' LIMIT 1").fetchone()
    store.begin()
    store.replace_facts(doc_id, codebook.load().version,
                        [f for f in facts_of(store, doc_id) if f.kind not in codebook.FAMILIES])
    store.commit()
    store.close()
    return doc_id, category


def _sidecar_docs(store: Store, query: str, category: str) -> set[str]:
    side = sidecar.Sidecar(sidecar.path_of(store))
    rowids = {r for r, _ in side.hits(side.restricted(parse_query(query)[0], [(ft.token(ft.CATEGORY, category),)]))}
    return {d for r, d in store.db.execute("SELECT rowid, id FROM documents") if r in rowids}


def test_a_kill_between_the_two_commits_is_repaired_on_open(indexed, tmp_path):
    db = _store_with_sidecar(indexed, tmp_path)
    doc_id, category = _drop_category(db)
    # Tantivy commits, then the process dies before the store records the new generation.
    script = ("import os, sys; from tenderlens.store import Store, sidecar;"
              "sidecar._settle = lambda *a: os._exit(9);"
              "sidecar.sync(Store(sys.argv[1]))")
    assert subprocess.run([sys.executable, "-c", script, db]).returncode == 9

    reader = Store(db, readonly=True)
    assert doc_id in [r[0] for r in reader.db.execute("SELECT doc_id FROM sidecar_dirty")]
    assert sidecar.open_current(reader) is None, "a reader must not trust a sidecar one commit ahead"
    assert not sidecar.fill_hits(reader, parse_query("公司")[0], [])
    reader.close()

    writer = Store(db)
    assert sidecar.open_current(writer) is not None  # repaired: the marked documents indexed again
    assert not writer.db.execute("SELECT count(*) FROM sidecar_dirty").fetchone()[0]
    state = sidecar.state(writer)
    assert state["current"] and state["indexed"] == writer.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    writer.close()
    reader = Store(db, readonly=True)
    assert doc_id not in _sidecar_docs(reader, "公司", category)
    assert sidecar.open_current(reader) is not None


def test_a_change_without_sync_is_never_served(indexed, tmp_path, monkeypatch):
    db = _store_with_sidecar(indexed, tmp_path)
    doc_id, category = _drop_category(db)
    reader = Store(db, readonly=True)
    assert sidecar.open_current(reader) is None
    state = SearchState(q="公司", cat=[category])
    docs = _result(reader, state, True, monkeypatch)
    assert doc_id not in docs  # SQLite answered, with the new analysis


def test_ingest_updates_an_existing_sidecar(indexed, tmp_path, eval_dir):
    db = _store_with_sidecar(indexed, tmp_path)
    store = Store(db)
    before = sidecar.state(store)["indexed"]
    new = sorted((eval_dir / "fddc" / "html").glob("*.html"))[:3]
    pipeline.ingest([str(p) for p in new], store)
    state = sidecar.state(store)
    documents = store.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert documents > before and state["current"] and state["indexed"] == documents
    store.close()


def test_a_store_without_a_sidecar_works_as_before(notices_db, monkeypatch):
    store = Store(str(notices_db), readonly=True)
    assert not sidecar.exists(store) and sidecar.open_current(store) is None
    assert not sidecar.fill_hits(store, parse_query("公司")[0], [])
    select(store, SearchState(q="公司"), conditions(SearchState(q="公司")))
    assert store.db.execute("SELECT count(*) FROM temp.hits WHERE page IS NOT NULL").fetchone()[0] > 10


def test_index_command(indexed, tmp_path):
    runner = CliRunner()
    db = tmp_path / "copy.db"
    shutil.copy(indexed, db)
    assert "Example" in runner.invoke(main, ["index", "--help"]).output
    res = runner.invoke(main, ["index", "--db", str(db), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["present"] is False
    res = runner.invoke(main, ["index", "--rebuild", "--db", str(db)])
    assert res.exit_code == 2 and "no sidecar is built" in res.output
    res = runner.invoke(main, ["index", "--rebuild", "--force", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    state = json.loads(res.output)
    assert state["current"] and state["indexed"] == state["documents"] > 50
