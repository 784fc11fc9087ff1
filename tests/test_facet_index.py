"""Facet tokens in the full-text index: they narrow what FTS5 returns and never change a result.

The store is built by the real pipeline from the labelled documents of ../shared/eval.
"""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tenderlens import codebook, pipeline
from tenderlens.records import facts_of
from tenderlens.store import Store
from tenderlens.store import facet_tokens as ft
from tenderlens.store.fts import index_text, parse_query
from tenderlens.store.search import match_with
from tenderlens.web.filters import conditions
from tenderlens.web.results import select
from tenderlens.web.state import SearchState

WORD = "公司"  # on nearly every labelled page, so the keyword alone keeps every document


@pytest.fixture(scope="module")
def labelled(eval_dir, tmp_path_factory):
    paths = [str(eval_dir / json.loads(line)["doc"]) for line in open(eval_dir / "labels.jsonl", encoding="utf-8")]
    db = tmp_path_factory.mktemp("facets") / "labelled.db"
    store = Store(str(db))
    pipeline.ingest(paths, store)
    store.close()
    return db


def _result(store: Store, state: SearchState) -> set[str]:
    select(store, state, conditions(state))
    return {r[0] for r in store.db.execute("SELECT doc_id FROM temp.result")}


def _states(store: Store) -> list[SearchState]:
    """One state per value of every facet the index carries a token for, plus two combinations."""
    q = store.db.execute
    states = [SearchState(q=WORD, cat=[c]) for (c,) in q("SELECT DISTINCT category FROM doc_tags")]
    for column in ("province", "prefecture", "county", "buyer", "notice_type"):
        states += [SearchState(q=WORD, **{column: v}) for (v,) in
                   q(f"SELECT DISTINCT {column} FROM doc_summary WHERE {column} IS NOT NULL")]
    states += [SearchState(q=WORD, year=str(y)) for (y,) in q("SELECT DISTINCT year FROM doc_summary WHERE year")]
    states += [SearchState(q=WORD, surv=s) for s in ("0", "1")]
    states += [SearchState(q=WORD, vendor=v) for (v,) in q("SELECT DISTINCT key FROM facts WHERE kind='vendor'")]
    states += [SearchState(q=WORD, format=f) for (f,) in q("SELECT DISTINCT format FROM documents")]
    states += [SearchState(q=WORD, cat=["tech.video_surveillance"], surv="1", province="广东省"),
               SearchState(q="监控 OR camera", cat=["tech.video_surveillance", "tech.face_recognition"])]
    return states


def test_tokens_narrow_the_index_and_results_stay_those_of_sql(labelled):
    store = Store(str(labelled), readonly=True)
    assert store.facet_index
    states = _states(store)
    assert len(states) > 40
    everything = _result(store, SearchState(q=WORD))
    narrowed = 0
    for state in states:
        with_tokens = _result(store, state)
        store.facet_index = False
        by_sql = _result(store, state)
        store.facet_index = True
        assert with_tokens == by_sql, state
        # What the index alone returns under the tokens: already the documents the filters keep.
        match = match_with(store, parse_query(state.q)[0], conditions(state))
        from_index = {r[0] for r in store.db.execute(
            "SELECT DISTINCT p.doc_id FROM pages_fts f JOIN pages p ON p.id = f.rowid WHERE pages_fts MATCH ?",
            (match,))}
        assert by_sql <= from_index
        narrowed += from_index < everything
    assert narrowed > len(states) // 2


def test_reanalysis_moves_a_document_between_facets_in_the_index(labelled, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(labelled, db)
    store = Store(str(db))
    version = codebook.load().version
    doc_id, category = store.db.execute(
        "SELECT doc_id, category FROM doc_tags WHERE category LIKE 'tech.%' LIMIT 1").fetchone()
    facts = facts_of(store, doc_id)
    state = SearchState(q=WORD, cat=[category])
    rows_of = lambda token: {r[0] for r in store.db.execute(  # noqa: E731
        "SELECT rowid FROM pages_fts WHERE pages_fts MATCH ?", (f"facets : {token}",))}
    pages = {r[0] for r in store.db.execute("SELECT id FROM pages WHERE doc_id=? AND text != ''", (doc_id,))}
    token = ft.token(ft.CATEGORY, category)
    assert pages <= rows_of(token) and doc_id in _result(store, state)

    store.begin()
    store.replace_facts(doc_id, version, [f for f in facts if f.kind not in codebook.FAMILIES])
    store.commit()
    assert not pages & rows_of(token), "the old facet token must leave the index with the old analysis"
    assert doc_id not in _result(store, state)

    store.begin()
    store.replace_facts(doc_id, version, facts)
    store.commit()
    assert pages <= rows_of(token) and doc_id in _result(store, state)

    store.begin()
    store.delete_document(doc_id)
    store.commit()
    assert not pages & rows_of(token) and not pages & rows_of(ft.token(ft.FORMAT, "html"))
    store.db.execute("INSERT INTO pages_fts (pages_fts) VALUES ('integrity-check')")
    store.close()


def test_a_store_from_schema_1_is_upgraded_on_open(labelled, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(labelled, db)
    # Schema 1 as tenderlens 0.1 wrote it: one indexed column, no facet_index.
    old = sqlite3.connect(db)
    old.executescript("""
        DROP TABLE pages_fts;
        CREATE VIRTUAL TABLE pages_fts USING fts5(body, content='', tokenize='unicode61 remove_diacritics 2');
        ALTER TABLE doc_summary DROP COLUMN facet_index;
        UPDATE meta SET value = '1' WHERE key = 'schema_version';
    """)
    old.executemany("INSERT INTO pages_fts (rowid, body) VALUES (?, ?)",
                    [(i, index_text(t)) for i, t in old.execute("SELECT id, text FROM pages WHERE text != ''")])
    old.commit()
    old.close()

    readonly = Store(str(db), readonly=True)
    assert not readonly.facet_index  # still searchable, by SQL filters alone
    state = SearchState(q=WORD, cat=["tech.video_surveillance"])
    before = _result(readonly, state)
    readonly.close()

    Store(str(db)).close()
    upgraded = Store(str(db), readonly=True)
    assert upgraded.facet_index
    assert _result(upgraded, state) == before == _result(Store(str(labelled), readonly=True), state)
    for state in _states(upgraded)[:25]:
        assert _result(upgraded, state) == _result(Store(str(labelled), readonly=True), state)
