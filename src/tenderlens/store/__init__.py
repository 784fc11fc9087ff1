"""The embedded store: one SQLite file a user can copy, query, and open in Datasette.

Tables
  documents  one row per distinct file (id = SHA-256 of its bytes), with status and reason
  sources    every path, archive member or URL a document was seen at
  pages      normalised page text, the offset map back to the extracted text, OCR details
  pages_fts  contentless FTS5 index of pages (CJK bigrams, see fts.py) and of their document's
             facet values (facet_tokens.py); rowid = pages.id
  facts      analysis results, each with its evidence (page, span, quote) and codebook version
  doc_summary  one row per analysed document: its facts folded by summary.summarise, for facets
  doc_tags   the categories a document carries (from the same summary), for facets
  runs       one row per command that wrote to the store

Writes happen in batched transactions; a document, its pages and its index rows
always land together, so a run killed at any instant leaves whole documents only.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from ..model import Document, Fact, Page
from ..summary import summarise
from .facet_tokens import document_tokens
from .fts import index_text
from .rows import Prepared, page_rows, prepare

SCHEMA_VERSION = 3
PAGES_FTS = ("CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5("
             "body, facets, content='', tokenize='unicode61 remove_diacritics 2')")
# Facet tokens only filter: ranking reads the page text alone.
RANK_PAGE_TEXT = "INSERT INTO pages_fts (pages_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)')"

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    mime TEXT,
    size INTEGER,
    title TEXT,
    language TEXT,
    status TEXT NOT NULL,
    error TEXT,
    n_pages INTEGER NOT NULL DEFAULT 0,
    meta TEXT
);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE TABLE IF NOT EXISTS sources (
    doc_id TEXT NOT NULL REFERENCES documents(id),
    uri TEXT NOT NULL,
    PRIMARY KEY (doc_id, uri)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sources_uri ON sources(uri);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id),
    n INTEGER NOT NULL,
    text TEXT NOT NULL,
    offsets TEXT NOT NULL,
    needs_ocr INTEGER NOT NULL DEFAULT 0,
    ocr TEXT,
    UNIQUE (doc_id, n)
);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    page INTEGER,
    start INTEGER,
    end INTEGER,
    quote TEXT,
    codebook_version TEXT NOT NULL,
    extractor TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id, codebook_version);
CREATE INDEX IF NOT EXISTS facts_key ON facts(kind, key);
-- A document's facts of one kind without reading the rows (vendor facets, fact listings).
CREATE INDEX IF NOT EXISTS facts_doc_kind ON facts(doc_id, kind, key);
CREATE TABLE IF NOT EXISTS doc_summary (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id),
    is_surveillance INTEGER NOT NULL DEFAULT 0,
    notice_type TEXT,
    date TEXT,
    year INTEGER,
    amount_cny REAL,
    buyer TEXT,
    contract_party TEXT,
    province TEXT,
    prefecture TEXT,
    county TEXT,
    region_code TEXT,
    lat REAL,
    lon REAL,
    codebook_version TEXT NOT NULL,
    facet_index TEXT NOT NULL DEFAULT ''  -- the facet tokens its pages are indexed with
);
CREATE INDEX IF NOT EXISTS doc_summary_surveillance ON doc_summary(is_surveillance);
CREATE INDEX IF NOT EXISTS doc_summary_year ON doc_summary(year);
CREATE INDEX IF NOT EXISTS doc_summary_region ON doc_summary(region_code);
CREATE INDEX IF NOT EXISTS doc_summary_province ON doc_summary(province, prefecture, county);
CREATE INDEX IF NOT EXISTS doc_summary_buyer ON doc_summary(buyer);
CREATE INDEX IF NOT EXISTS doc_summary_amount ON doc_summary(amount_cny);
CREATE TABLE IF NOT EXISTS doc_tags (
    doc_id TEXT NOT NULL REFERENCES documents(id),
    category TEXT NOT NULL,
    family TEXT NOT NULL,
    PRIMARY KEY (doc_id, category)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_tags_category ON doc_tags(category, doc_id);
CREATE INDEX IF NOT EXISTS doc_tags_family ON doc_tags(family, doc_id);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    codebook_version TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    counts TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


class StoreError(Exception):
    """A store problem worth one clear line to the user (bad path, locked, not a store)."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str, readonly: bool = False, timeout: float = 5.0):
        self.path = path
        self.readonly = readonly
        if readonly:
            if not os.path.isfile(path):
                raise StoreError(f"no tenderlens database at {path}")
            uri = f"file:{os.path.abspath(path)}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None,
                                      check_same_thread=False)
            try:
                version = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{path} is not a tenderlens database: {e}") from e
            # A store from before schema 2 is searched without facet tokens until it is opened for writing.
            self.facet_index = version is not None and int(version[0]) >= 2
        else:
            folder = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(folder):
                raise StoreError(f"folder for the database does not exist: {folder}")
            try:
                self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
                self.db.row_factory = sqlite3.Row
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(SCHEMA)
                self.db.execute(PAGES_FTS)
                self._upgrade()
                self.facet_index = True
            except sqlite3.OperationalError as e:
                raise _explain(e, path) from e
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{path} is not a tenderlens database: {e}") from e
        self.db.row_factory = sqlite3.Row
        self._in_tx = False

    def _upgrade(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute(RANK_PAGE_TEXT)
        elif int(row[0]) < SCHEMA_VERSION:
            from .upgrade import upgrade  # a one-off, for stores written by tenderlens before 0.2
            upgrade(self, int(row[0]))

    # -- transactions -------------------------------------------------------
    def begin(self) -> None:
        if not self._in_tx:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise _explain(e, self.path) from e
            self._in_tx = True

    def commit(self) -> None:
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False

    def rollback(self) -> None:
        if self._in_tx:
            self.db.execute("ROLLBACK")
            self._in_tx = False

    def close(self) -> None:
        self.rollback()
        self.db.close()

    # -- runs ---------------------------------------------------------------
    def start_run(self, command: str, tool_version: str, codebook_version: str | None = None) -> int:
        try:  # the first write of a command: where a store locked by another process shows
            # A run still marked running was killed: only one command writes at a time.
            self.db.execute("UPDATE runs SET status='interrupted' WHERE status='running'")
            cur = self.db.execute(
                "INSERT INTO runs (command, tool_version, codebook_version, started_at, status) VALUES (?,?,?,?,?)",
                (command, tool_version, codebook_version, _now(), "running"))
        except sqlite3.OperationalError as e:
            raise _explain(e, self.path) from e
        return cur.lastrowid

    def finish_run(self, run_id: int, status: str, counts: dict) -> None:
        self.db.execute("UPDATE runs SET finished_at=?, status=?, counts=? WHERE id=?",
                        (_now(), status, json.dumps(counts, sort_keys=True), run_id))

    # -- writes -------------------------------------------------------------
    def status_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT status FROM documents WHERE id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def add_source(self, doc_id: str, uri: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (doc_id, uri))

    def write_document(self, doc: Document, sources: Iterable[str], replace: bool = False,
                       facts: list[Fact] | None = None, codebook_version: str | None = None,
                       prepared: Prepared | None = None) -> None:
        """Insert a document with its pages and index rows (inside a batch), and its facts and summary when
        `facts` are given; `replace` drops a stored one first. `prepared` is rows.prepare(doc, facts), done
        by a worker, or here when not given."""
        prepared = prepared or prepare(doc, facts)
        if replace:
            self.delete_document(doc.id, keep_sources=True)
        self.db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.format, doc.mime, doc.size, doc.title, doc.language, doc.status, doc.error,
             len(doc.pages), json.dumps(doc.meta, ensure_ascii=False, sort_keys=True, default=str)))
        for uri in sources:
            self.add_source(doc.id, uri)
        for page, index, offsets in zip(doc.pages, prepared.index, prepared.offsets):
            self._write_page(doc.id, page, index, offsets, prepared.facets)
        if facts is not None:
            self._write_facts(doc.id, codebook_version, facts)
            self._write_summary(doc.id, codebook_version, prepared.record, prepared.facets)

    def _write_page(self, doc_id: str, page: Page, index: str, offsets: str, facets: str) -> None:
        cur = self.db.execute(
            "INSERT INTO pages (doc_id, n, text, offsets, needs_ocr, ocr) VALUES (?,?,?,?,?,?)",
            (doc_id, page.n, page.text, offsets,
             int(page.needs_ocr), json.dumps(page.ocr, ensure_ascii=False) if page.ocr else None))
        if index:
            self.db.execute("INSERT INTO pages_fts (rowid, body, facets) VALUES (?, ?, ?)",
                            (cur.lastrowid, index, facets))

    def _indexed_facets(self, doc_id: str) -> str:
        row = self.db.execute("SELECT facet_index FROM doc_summary WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else ""

    def replace_page(self, doc_id: str, page: Page) -> None:
        """Swap in new text for one page (after OCR), keeping the index in step."""
        facets = self._indexed_facets(doc_id)
        row = self.db.execute("SELECT id, text FROM pages WHERE doc_id=? AND n=?", (doc_id, page.n)).fetchone()
        if row:
            self._unindex(row["id"], row["text"], facets)
            self.db.execute("DELETE FROM pages WHERE id=?", (row["id"],))
        self._write_page(doc_id, page, *page_rows(page), facets)

    def _unindex(self, rowid: int, text: str, facets: str) -> None:
        if text:  # a contentless table forgets a row when given the exact values it indexed
            self.db.execute("INSERT INTO pages_fts (pages_fts, rowid, body, facets) VALUES ('delete', ?, ?, ?)",
                            (rowid, index_text(text), facets))

    def _reindex(self, doc_id: str, old: str, new: str) -> None:
        """Index a document's pages under new facet tokens (its analysis changed)."""
        for row in self.db.execute("SELECT id, text FROM pages WHERE doc_id=?", (doc_id,)).fetchall():
            if row["text"]:
                index = index_text(row["text"])
                self.db.execute("INSERT INTO pages_fts (pages_fts, rowid, body, facets) VALUES ('delete', ?, ?, ?)",
                                (row["id"], index, old))
                self.db.execute("INSERT INTO pages_fts (rowid, body, facets) VALUES (?, ?, ?)",
                                (row["id"], index, new))

    def delete_document(self, doc_id: str, keep_sources: bool = False) -> None:
        facets = self._indexed_facets(doc_id)
        for row in self.db.execute("SELECT id, text FROM pages WHERE doc_id=?", (doc_id,)).fetchall():
            self._unindex(row["id"], row["text"], facets)
        self.db.execute("DELETE FROM pages WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM facts WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM doc_summary WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM doc_tags WHERE doc_id=?", (doc_id,))
        if not keep_sources:
            self.db.execute("DELETE FROM sources WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def replace_facts(self, doc_id: str, codebook_version: str, facts: Iterable[Fact]) -> None:
        """Facts of one codebook version for one document: replaced whole, so re-analysis is idempotent.

        The document's summary and tag rows are rewritten from the same facts, and its pages are
        indexed again when their facet tokens change."""
        facts = list(facts)
        record = summarise(doc_id, facts)
        row = self.db.execute("SELECT format FROM documents WHERE id=?", (doc_id,)).fetchone()
        facets = document_tokens(record, row[0] if row else "unknown", facts)
        old = self._indexed_facets(doc_id)
        if facets != old:
            self._reindex(doc_id, old, facets)
        self._write_facts(doc_id, codebook_version, facts)
        self._write_summary(doc_id, codebook_version, record, facets)

    def _write_facts(self, doc_id: str, codebook_version: str, facts: list[Fact]) -> None:
        self.db.execute("DELETE FROM facts WHERE doc_id=? AND codebook_version=?", (doc_id, codebook_version))
        self.db.executemany(
            "INSERT INTO facts (doc_id, kind, key, value, page, start, end, quote, codebook_version, extractor)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(f.doc_id, f.kind, f.key, json.dumps(f.value, ensure_ascii=False, sort_keys=True), f.page,
              f.start, f.end, f.quote, f.codebook_version, f.extractor) for f in facts])

    def _write_summary(self, doc_id: str, codebook_version: str, rec: dict, facets: str) -> None:
        region = rec.get("region") or {}
        date = rec.get("date")
        year = int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None
        self.db.execute(
            "INSERT OR REPLACE INTO doc_summary VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc_id, int(rec["is_surveillance"]), rec.get("notice_type"), date, year, rec.get("amount_cny"),
             rec.get("buyer"), rec.get("contract_party"), region.get("province"), region.get("prefecture"),
             region.get("county"), region.get("code"), region.get("lat"), region.get("lon"), codebook_version,
             facets))
        self.db.execute("DELETE FROM doc_tags WHERE doc_id=?", (doc_id,))
        self.db.executemany("INSERT OR IGNORE INTO doc_tags VALUES (?,?,?)",
                            [(doc_id, t["id"], t["id"].split(".")[0]) for t in rec["tags"]])

    # -- reads --------------------------------------------------------------
    def document(self, doc_id: str) -> sqlite3.Row | None:
        """A document by full id or by an unambiguous prefix of at least 6 characters."""
        row = self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None and len(doc_id) >= 6:
            rows = self.db.execute("SELECT * FROM documents WHERE id LIKE ? LIMIT 2", (doc_id + "%",)).fetchall()
            if len(rows) == 1:
                row = rows[0]
        return row

    def load_document(self, doc_id: str) -> Document | None:
        """A stored document with its pages, as extraction returned it (for re-analysis)."""
        row = self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        pages = [Page(p["n"], p["text"], json.loads(p["offsets"]), bool(p["needs_ocr"]),
                      json.loads(p["ocr"]) if p["ocr"] else None) for p in self.pages(doc_id)]
        return Document(row["id"], row["format"], row["mime"], row["size"], pages, row["title"], row["language"],
                        row["status"], row["error"], json.loads(row["meta"] or "{}"))

    def sources(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT uri FROM sources WHERE doc_id=? ORDER BY uri", (doc_id,))]

    def pages(self, doc_id: str) -> Iterator[sqlite3.Row]:
        return iter(self.db.execute("SELECT * FROM pages WHERE doc_id=? ORDER BY n", (doc_id,)).fetchall())

    def page(self, doc_id: str, n: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM pages WHERE doc_id=? AND n=?", (doc_id, n)).fetchone()

    def facts(self, doc_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM facts WHERE doc_id=? ORDER BY page, start, kind, key", (doc_id,)).fetchall()

    def stats(self) -> dict:
        q = self.db.execute
        by = lambda sql: {r[0]: r[1] for r in q(sql)}  # noqa: E731
        return {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "pages": q("SELECT count(*) FROM pages").fetchone()[0],
            "pages_needing_ocr": q("SELECT count(*) FROM pages WHERE needs_ocr").fetchone()[0],
            "sources": q("SELECT count(*) FROM sources").fetchone()[0],
            "facts": q("SELECT count(*) FROM facts").fetchone()[0],
            "by_status": by("SELECT status, count(*) FROM documents GROUP BY status ORDER BY 2 DESC"),
            "by_format": by("SELECT format, count(*) FROM documents GROUP BY format ORDER BY 2 DESC"),
            "by_language": by("SELECT coalesce(language, 'none'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"),
            "failures": [
                {"doc_id": r[0], "source": r[1], "format": r[2], "error": r[3]}
                for r in q("SELECT d.id, (SELECT min(uri) FROM sources s WHERE s.doc_id=d.id), d.format, d.error"
                           " FROM documents d WHERE d.status='failed' ORDER BY 2")],
            "runs": [dict(r) for r in q("SELECT id, command, status, started_at, finished_at, counts"
                                        " FROM runs ORDER BY id DESC LIMIT 5")],
        }


def _explain(e: sqlite3.OperationalError, path: str) -> StoreError:
    msg = str(e)
    if "locked" in msg or "busy" in msg:
        return StoreError(f"database {path} is locked by another tenderlens process; wait for it or use another --db")
    if "unable to open" in msg:
        return StoreError(f"cannot open database {path}: check the path and permissions")
    return StoreError(f"database error on {path}: {msg}")
