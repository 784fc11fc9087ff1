"""A run killed with SIGKILL and started again ends with the database a clean run gives; re-ingesting changes nothing."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tenderlens.pipeline import ingest
from tenderlens.store import Store
from tenderlens.store.search import search

N_FILES = 400


def snapshot(db_path) -> dict:
    """Everything a run stores except the run log itself (and rowids, which are storage detail)."""
    db = sqlite3.connect(db_path)
    out = {
        "documents": db.execute("SELECT * FROM documents ORDER BY id").fetchall(),
        "sources": db.execute("SELECT * FROM sources ORDER BY doc_id, uri").fetchall(),
        "pages": db.execute("SELECT doc_id, n, text, offsets, needs_ocr, ocr FROM pages ORDER BY doc_id, n").fetchall(),
        "facts": db.execute("SELECT doc_id, kind, key, value, page, start, end, quote, codebook_version, extractor"
                            " FROM facts ORDER BY doc_id, kind, key, page, start, end").fetchall(),
    }
    db.close()
    store = Store(db_path, readonly=True)
    out["search"] = {q: sorted((h.doc_id, h.page) for h in search(store, q, limit=0))
                     for q in ("监控", "人脸识别", "合同", "中标", "系统")}
    store.close()
    return out


@pytest.fixture(scope="module")
def corpus(eval_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    files = sorted((eval_dir / "fddc" / "html").glob("*.html"))[:N_FILES]
    for f in files:  # links to the shared documents: ingested with follow_links
        (folder / f.name).symlink_to(f)
    # Two copies of one document: one row, two sources.
    (folder / "copy-of-first.html").symlink_to(files[0])
    return folder


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("clean") / "clean.db")
    store = Store(db)
    result = ingest([str(corpus)], store, follow_links=True)
    store.close()
    assert result.counts["ok"] == N_FILES
    return snapshot(db)


def test_kill_9_then_rerun_equals_clean_run(corpus, clean, tmp_path):
    db = str(tmp_path / "killed.db")
    cmd = [sys.executable, "-m", "tenderlens.cli", "ingest", str(corpus), "--db", db, "--engine", "serial", "-q", "--follow-links"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
            stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
            con.close()
        except sqlite3.Error:
            continue
        if stored >= 50:
            break
    assert proc.poll() is None, "ingest finished before it could be killed; enlarge the corpus"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < stored < N_FILES

    rerun = subprocess.run(cmd, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(db) == clean
    runs = sqlite3.connect(db).execute("SELECT status FROM runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["interrupted", "completed"]


def test_reingest_changes_nothing(corpus, clean, tmp_path):
    db = str(tmp_path / "twice.db")
    for _ in range(2):
        store = Store(db)
        result = ingest([str(corpus)], store, follow_links=True)
        store.close()
    assert result.counts["already_stored"] == N_FILES + 1
    assert result.counts["ok"] == 0
    assert snapshot(db) == clean
