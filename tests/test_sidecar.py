"""The Tantivy search sidecar answers exactly what SQLite answers, and never serves a stale index.

The store is the real ingest of the labelled documents and the Yichang notices (tests/dev_store.py).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import asdict

import pytest
from click.testing import CliRunner

from tenderlens import codebook, pipeline
from tenderlens.cli import main
from tenderlens.records import facts_of
from tenderlens.store import Store, sidecar
from tenderlens.store.fts import parse_query
from tenderlens.web import results
from tenderlens.web.facets import facets
from tenderlens.web.filters import conditions
from tenderlens.web.i18n import Words
from tenderlens.web.labels import Labels
from tenderlens.web.results import select
from tenderlens.web.state import SearchState

# 1, 2 and 4 characters, English words and a phrase, OR: all answered by the sidecar.
QUERIES = ["监", "公司", "视频监控", "采购项目", "camera", '"video surveillance"', "系统", "监控 OR camera",
           "人脸 OR 卡口 OR 雪亮", '"招标 公告"', "2019"]
# All terms on one page, or a term excluded from it: FTS5 tests pages, the sidecar documents, so SQLite answers.
PAGE_BOUND = ["监控 公司", "监控 -人脸", "公司 -监控", "camera -video"]


@pytest.fixture(scope="module")
def indexed(notices_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("sidecar") / "notices.db"
    shutil.copy(notices_db, db)
    store = Store(str(db))
    sidecar.rebuild(store)
    store.close()
    return db


LABELS, WORDS = Labels.from_codebook(codebook.load()), Words()


def _page(store: Store, state: SearchState, use_sidecar: bool) -> dict:
    """What the search page shows: total, per-currency totals, every facet, and the rows in order."""
    terms = select(store, state, conditions(state), table=not use_sidecar)
    assert (results.answered(store) is not None) == use_sidecar, state
    rows = results.page_of_results(store, state, terms)
    return {"total": results.count(store), "totals": results.totals(store),
            "facets": [asdict(f) for f in facets(store, state, LABELS, WORDS)],
            "ids": [r.doc_id for r in rows],
            "order": [(r.summary["date"], r.summary["currency"], r.summary["amount"]) for r in rows]}


def _all_documents(store: Store, state: SearchState) -> set[str]:
    """Every document the sidecar finds for the state, not only the page shown."""
    side = sidecar.open_current(store)
    rowids = [r for r, _ in side.hits(side.restricted(parse_query(state.q)[0], results.sidecar_filters(state)))]
    found = store.db.execute("SELECT id FROM documents WHERE rowid IN (SELECT value FROM json_each(?))",
                             (json.dumps(rowids),))
    return {r[0] for r in found}


def _states(store: Store) -> list[SearchState]:
    """Every query alone, and a keyword under every value of every facet the page filters by."""
    q = store.db.execute
    states = [SearchState(q=query) for query in QUERIES]
    states += [SearchState(q="监", cat=(c,)) for (c,) in q("SELECT DISTINCT category FROM doc_tags")]
    for column in ("province", "prefecture", "county", "notice_type"):
        states += [SearchState(q="公司", **{column: v}) for (v,) in
                   q(f"SELECT DISTINCT {column} FROM doc_summary WHERE {column} IS NOT NULL")]
    states += [SearchState(q="监控", year=str(y)) for (y,) in q("SELECT DISTINCT year FROM doc_summary WHERE year")]
    states += [SearchState(q="系统", surv=s) for s in ("0", "1")]
    states += [SearchState(q="公司", vendor=v) for (v,) in q("SELECT DISTINCT key FROM facts WHERE kind='vendor'")]
    states += [SearchState(q="采购", format=f) for (f,) in q("SELECT DISTINCT format FROM documents")]
    states.append(SearchState(q="监控 OR camera", cat=("tech.video_surveillance",), surv="1", province="广东省"))
    return states


def test_sidecar_and_sqlite_give_the_same_page(indexed):
    store = Store(str(indexed), readonly=True)
    assert sidecar.open_current(store) is not None
    states = _states(store)
    assert len(states) > 60
    nonempty = 0
    for state in states:
        by_sqlite, by_sidecar = _page(store, state, False), _page(store, state, True)
        assert by_sidecar["total"] == by_sqlite["total"], state
        # Sums of the same amounts, added in another order: equal but for the last bits of a float.
        assert [(t["currency"], pytest.approx(t["amount"], rel=1e-12), t["documents"]) for t in by_sidecar["totals"]] \
            == [(t["currency"], t["amount"], t["documents"]) for t in by_sqlite["totals"]], state
        assert by_sidecar["facets"] == by_sqlite["facets"], state
        select(store, state, conditions(state))
        assert _all_documents(store, state) == {r[0] for r in store.db.execute("SELECT doc_id FROM temp.result")}
        nonempty += bool(by_sqlite["total"])
    assert nonempty > len(states) * 2 // 3


@pytest.mark.parametrize("sort", ["date", "amount"])
def test_sorted_pages_follow_the_same_order(indexed, sort):
    """Sorted by date or amount, every page holds the same dates or amounts in the same order (documents
    that tie may swap places: SQLite breaks ties by rank, the sidecar by its own order)."""
    store = Store(str(indexed), readonly=True)
    for query in ("公司", "监", "系统"):
        for n in (1, 2, 3):
            state = SearchState(q=query, sort=sort, page=n)
            by_sqlite, by_sidecar = _page(store, state, False), _page(store, state, True)
            assert len(by_sqlite["ids"]) == 20, state
            key = 0 if sort == "date" else slice(1, 3)
            assert [o[key] for o in by_sidecar["order"]] == [o[key] for o in by_sqlite["order"]], state


def test_filters_the_sidecar_does_not_decide_go_to_sqlite(indexed):
    store = Store(str(indexed), readonly=True)
    # Part of a buyer's or supplier's name, a date range, terms bound to one page: SQLite decides.
    for state in (SearchState(q="公司", date_from="2019"), SearchState(q="公司", date_to="2018-06"),
                  SearchState(q="监控 公司"), SearchState(q="公司 -监控"), SearchState(q="公司", buyer="公安"),
                  SearchState(q="公司", supplier="科技")):
        by_sqlite = _page(store, state, False)
        select(store, state, conditions(state), table=False)
        assert results.answered(store) is None, state
        assert results.count(store) == by_sqlite["total"] > 0, state
    assert results.sidecar_filters(SearchState(q="x", date_from="2019")) is None
    assert results.sidecar_filters(SearchState(q="x", cat=("a.b", "c.d"), year="2019")) == [
        ("category", "a.b"), ("category", "c.d"), ("year", "2019")]


def test_page_bound_queries_stay_with_sqlite(indexed):
    store = Store(str(indexed), readonly=True)
    for query in PAGE_BOUND:
        assert not sidecar.page_independent(sidecar.parse_match(parse_query(query)[0]))
        assert sidecar.page(store, parse_query(query)[0], [], "relevance", 0, 20) is None
    for query in QUERIES:
        assert sidecar.page_independent(sidecar.parse_match(parse_query(query)[0])), query


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
    rowids = {r for r, _ in side.hits(side.restricted(parse_query(query)[0], [("category", category)]))}
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
    assert sidecar.page(reader, parse_query("公司")[0], [], "relevance", 0, 20) is None
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


def test_a_change_without_sync_is_never_served(indexed, tmp_path):
    db = _store_with_sidecar(indexed, tmp_path)
    doc_id, category = _drop_category(db)
    reader = Store(db, readonly=True)
    assert sidecar.open_current(reader) is None
    state = SearchState(q="公司", cat=(category,))
    select(reader, state, conditions(state), table=False)
    assert results.answered(reader) is None  # SQLite answered, with the new analysis
    assert doc_id not in {r[0] for r in reader.db.execute("SELECT doc_id FROM temp.result")}


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


def test_a_sidecar_of_an_older_schema_is_rebuilt(indexed, tmp_path):
    db = _store_with_sidecar(indexed, tmp_path)
    path = db + ".tantivy"
    shutil.rmtree(path)
    shutil.copytree(str(indexed) + ".tantivy", path)
    meta = next(p for p in (tmp_path / "copy.db.tantivy").iterdir() if p.name == "meta.json")
    schema = json.loads(meta.read_text())
    schema["schema"] = schema["schema"][:-1]  # as if written before its last field was added
    meta.write_text(json.dumps(schema))
    reader = Store(db, readonly=True)
    assert sidecar.open_current(reader) is None
    assert sidecar.state(reader)["current"] is False
    writer = Store(db)
    assert sidecar.open_current(writer) is not None and sidecar.state(writer)["current"]


def test_a_store_without_a_sidecar_works_as_before(notices_db):
    store = Store(str(notices_db), readonly=True)
    assert not sidecar.exists(store) and sidecar.open_current(store) is None
    assert sidecar.page(store, parse_query("公司")[0], [], "relevance", 0, 20) is None
    select(store, SearchState(q="公司"), conditions(SearchState(q="公司")), table=False)
    assert results.answered(store) is None
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


def test_a_rebuild_in_worker_processes_indexes_the_same(indexed, tmp_path, monkeypatch):
    """Large rebuilds compute the entries in forked workers; they must index what one process indexes."""
    from tenderlens.store.sidecar import index
    db = _store_with_sidecar(indexed, tmp_path)
    monkeypatch.setattr(index, "PARALLEL_FROM", 1)
    monkeypatch.setattr(index, "BATCH", 40)  # several chunks, spread over the workers
    store = Store(db)
    sidecar.rebuild(store)
    store.close()
    one, many = Store(str(indexed), readonly=True), Store(db, readonly=True)
    for query in ("监", "公司", "系统"):
        a = sidecar.page(one, parse_query(query)[0], [], "date", 0, 1000)
        b = sidecar.page(many, parse_query(query)[0], [], "date", 0, 1000)
        assert a.total == b.total > 0 and a.counts == b.counts, query
        # The same amounts, summed segment by segment in another order.
        assert [(t["currency"], t["documents"], pytest.approx(t["amount"], rel=1e-12)) for t in a.totals] == [
            (t["currency"], t["documents"], t["amount"]) for t in b.totals], query
        assert sorted(a.hits) == sorted(b.hits), query


def test_the_search_page_and_api_ask_the_sidecar_and_the_map_does_not(indexed, monkeypatch):
    from fastapi.testclient import TestClient
    from tenderlens.web import create_app
    asked = []
    real = sidecar.page
    monkeypatch.setattr(sidecar, "page", lambda *a: asked.append(a[1]) or real(*a))
    client = TestClient(create_app(str(indexed)), base_url="http://127.0.0.1")
    state = SearchState(q="视频监控", cat=("tech.video_surveillance",))
    for path in ("/search", "/api/search", "/api/facets"):
        assert client.get(state.url(path)).status_code == 200, path
    assert len(asked) == 3
    by_sidecar = client.get(state.url("/api/search")).json()
    monkeypatch.setattr(sidecar, "page", lambda *a: None)
    by_sqlite = client.get(state.url("/api/search")).json()
    assert 0 < by_sidecar["total"] == by_sqlite["total"] <= 20  # one page: the same documents, in any order
    assert sorted(r["doc_id"] for r in by_sidecar["results"]) == sorted(r["doc_id"] for r in by_sqlite["results"])
    assert all(r["snippet"] and r["page"] for r in by_sidecar["results"])
    for path in ("/map", "/api/map", "/api/timeline", "/export.csv"):
        assert client.get(state.url(path)).status_code == 200, path
    assert len(asked) == 4  # the map, timeline and exports read the SQLite result table
