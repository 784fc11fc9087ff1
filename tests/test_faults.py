"""Faults on the writing side: one writer at a time, whole documents only, a full disk, a stuck
document, and bytes in flight; each ends in one clear line and its own exit code."""
from __future__ import annotations

import sqlite3
import time

import pytest
from click.testing import CliRunner

from tenderlens.cli import main
from tenderlens.cli.common import EXIT_DISK_FULL, EXIT_INTERNAL, EXIT_LOCKED
from tenderlens.executors import ProcessExecutor, SerialExecutor
from tenderlens.pipeline import ingest
from tenderlens.store import DiskFull, Store, StoreLocked

runner = CliRunner()
NOTICES = ["1021549.html", "1081953.html", "20102584.html"]


@pytest.fixture
def folder(eval_dir, tmp_path):
    f = tmp_path / "in"
    f.mkdir()
    for name in NOTICES:
        (f / name).write_bytes((eval_dir / "fddc" / "html" / name).read_bytes())
    return f


def test_a_second_writer_gets_one_line_and_exit_3(folder, tmp_path):
    db = tmp_path / "t.db"
    first = Store(str(db))
    try:
        with pytest.raises(StoreLocked):
            Store(str(db))
        res = runner.invoke(main, ["ingest", str(folder), "--db", str(db), "--engine", "serial"])
        assert res.exit_code == EXIT_LOCKED
        assert "being written by another tenderlens process" in res.output and "Traceback" not in res.output
        Store(str(db), readonly=True).close()  # readers are not held back
    finally:
        first.close()
    assert runner.invoke(main, ["ingest", str(folder), "--db", str(db), "--engine", "serial"]).exit_code == 0


def test_a_document_that_cannot_be_written_is_recorded_and_the_rest_land(folder, tmp_path, monkeypatch):
    from tenderlens.extract import doc_id
    from tenderlens.model import RawDoc

    victim = doc_id(RawDoc("", (folder / "1081953.html").read_bytes()))
    real = Store._write_summary

    def refuses_one(self, id, *args):  # its pages and facts are already written when this raises
        real(self, id, *args)
        if id == victim:
            raise ValueError("a row the database refuses")

    monkeypatch.setattr(Store, "_write_summary", refuses_one)
    store = Store(str(tmp_path / "t.db"))
    ingest([str(folder)], store)
    rows = dict(store.db.execute("SELECT id, status FROM documents").fetchall())
    assert rows[victim] == "failed" and list(rows.values()).count("ok") == len(NOTICES) - 1
    assert store.db.execute("SELECT error FROM documents WHERE id=?", (victim,)).fetchone()[0] == \
        "could not be stored: ValueError: a row the database refuses"
    # Nothing of the failed write is left: no pages, facts or summary rows; its source is kept.
    for table in ("pages", "facts", "doc_summary", "doc_tags"):
        assert store.db.execute(f"SELECT count(*) FROM {table} WHERE doc_id=?", (victim,)).fetchone()[0] == 0
    assert store.sources(victim) == [str(folder / "1081953.html")]
    store.close()


def test_a_full_disk_is_one_line_exit_4_and_a_rerun_completes(folder, tmp_path, monkeypatch):
    db = tmp_path / "t.db"
    Store(str(db)).close()
    used = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    real_init = Store.__init__

    # SQLite's page cap gives the very error a full disk gives (SQLITE_FULL).
    def capped(self, path, readonly=False, timeout=5.0):
        real_init(self, path, readonly, timeout)
        if not readonly:
            self.db.execute(f"PRAGMA max_page_count = {used + 8}")

    monkeypatch.setattr(Store, "__init__", capped)
    res = runner.invoke(main, ["ingest", str(folder), "--db", str(db), "--engine", "serial"])
    assert res.exit_code == EXIT_DISK_FULL, res.output
    assert "disk full" in res.output and "Traceback" not in res.output and res.output.count("error:") == 1
    monkeypatch.undo()
    store = Store(str(db), readonly=True)
    partial = store.db.execute("SELECT id, n_pages FROM documents").fetchall()
    for doc_id, n_pages in partial:  # whatever landed is whole
        assert store.db.execute("SELECT count(*) FROM pages WHERE doc_id=?", (doc_id,)).fetchone()[0] == n_pages
    store.close()
    res = runner.invoke(main, ["ingest", str(folder), "--db", str(db), "--engine", "serial"])
    assert res.exit_code == 0 and f"{len(NOTICES)} seen" in res.output


def test_a_write_on_a_full_disk_raises_disk_full_and_leaves_no_part_of_the_document(tmp_path):
    from tenderlens.model import Document, Page

    store = Store(str(tmp_path / "t.db"))
    store.db.execute("PRAGMA max_page_count = " + str(store.db.execute("PRAGMA page_count").fetchone()[0] + 4))
    doc = Document("d" * 64, "text", "text/plain", 1, [Page(n, "采购" * 20_000, [[0, 0]]) for n in (1, 2, 3)])
    store.begin()
    with pytest.raises(DiskFull, match="disk full"):
        store.write_document(doc, ["a.txt"])
    store.commit()
    assert store.db.execute("SELECT count(*) FROM pages").fetchone()[0] == 0
    assert store.status_of(doc.id) is None
    store.close()


def test_an_internal_error_is_one_line_and_exit_5(folder, tmp_path, monkeypatch):
    import tenderlens.pipeline

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(tenderlens.pipeline, "doc_id", bug)
    res = runner.invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "t.db"), "--engine", "serial"])
    assert res.exit_code == EXIT_INTERNAL
    assert "internal error: ZeroDivisionError: a bug" in res.output and "Traceback" not in res.output


def _slow(task):
    if task == "stuck":
        time.sleep(30)
    return task


def _spin(task):
    if task == "stuck":
        while True:
            pass
    return task


@pytest.mark.parametrize("executor", [lambda: SerialExecutor(doc_seconds=1),
                                      lambda: ProcessExecutor(2, doc_seconds=1)], ids=["serial", "process"])
def test_a_stuck_document_is_stopped_by_its_time_limit(executor):
    ex = executor()
    t0 = time.monotonic()
    try:
        got = list(ex.imap(_spin, ["a", "stuck", "b"], lambda task, reason: reason))
    finally:
        ex.close()
    assert got[0] == "a" and got[2] == "b" and "1-second time limit" in got[1]
    assert time.monotonic() - t0 < 20


def test_bytes_in_flight_are_bounded():
    ex = ProcessExecutor(2, chunk=4, max_inflight_bytes=300)
    pulled = []

    def tasks():
        for i in range(40):
            pulled.append(i)
            yield i

    first = None
    try:
        for n, _ in enumerate(ex.imap(_slow, tasks(), lambda t, r: r, weight=lambda t: 100)):
            if n == 0:
                first = len(pulled)
    finally:
        ex.close()
    # 300 bytes of 100-byte tasks: three in flight (the collector holds at most one more), not 2 x 4 x 4.
    assert first is not None and first <= 4 and len(pulled) == 40


def test_a_store_from_schema_2_gains_warnings_and_raw_names(folder, tmp_path):
    db = tmp_path / "old.db"
    store = Store(str(db))
    ingest([str(folder)], store)
    store.close()
    old = sqlite3.connect(db)
    old.executescript("""
        ALTER TABLE documents DROP COLUMN warnings;
        ALTER TABLE sources DROP COLUMN raw;
        UPDATE meta SET value = '2' WHERE key = 'schema_version';
    """)
    old.close()
    readonly = Store(str(db), readonly=True)  # still readable before any upgrade
    assert not readonly.has_warnings and readonly.stats()["documents_with_warnings"] == 0
    doc_id = readonly.db.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    assert readonly.warnings(doc_id) == [] and readonly.load_document(doc_id).warnings == []
    readonly.close()

    Store(str(db)).close()  # opening for writing upgrades
    upgraded = Store(str(db), readonly=True)
    assert upgraded.has_warnings
    assert upgraded.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "3"
    columns = {r[1] for r in upgraded.db.execute("PRAGMA table_info(sources)")}
    assert "raw" in columns and upgraded.stats()["documents"] == len(NOTICES)
    upgraded.close()
