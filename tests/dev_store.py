"""A store of real notices for the export tests: the documents of labels.jsonl and the Yichang notices."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tenderlens.executors import ProcessExecutor
from tenderlens.extract import doc_id
from tenderlens.model import RawDoc
from tenderlens.pipeline import ingest
from tenderlens.store import Store


def labelled_paths(eval_dir: Path) -> list[Path]:
    docs = [json.loads(line)["doc"] for line in (eval_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    return [eval_dir / d for d in docs] + sorted((eval_dir / "yichang" / "html").glob("*.html"))


def build(eval_dir: Path, path: Path) -> Store:
    store = Store(str(path))
    executor = ProcessExecutor(2)
    try:
        ingest([str(p) for p in labelled_paths(eval_dir)], store, executor)
    finally:
        executor.close()
    return store


def id_of(path: Path) -> str:
    return doc_id(RawDoc(str(path), path.read_bytes()))


def link_by_hand(path: Path, purchases: dict[str, list[str]], orgs: dict[str, tuple[str, str, str]]) -> None:
    """Write purchases and resolved organisations into the store at `path` in the tables `tenderlens link`
    writes (the columns the exports read): purchases {id: doc ids}, orgs {name as written: (id, name, kind)}."""
    db = sqlite3.connect(path)
    with db:
        db.executescript("""
            CREATE TABLE organisations (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, region TEXT,
                credit_code TEXT, part_of TEXT);
            CREATE TABLE org_mentions (doc_id TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, org_id TEXT NOT NULL);
            CREATE TABLE purchase_docs (purchase_id TEXT NOT NULL, doc_id TEXT PRIMARY KEY, stage TEXT, date TEXT,
                reasons TEXT NOT NULL);""")
        for pid, docs in purchases.items():
            db.executemany("INSERT INTO purchase_docs VALUES (?,?,NULL,NULL,'[]')", [(pid, d) for d in docs])
        for written, (oid, name, kind) in orgs.items():
            db.execute("INSERT OR IGNORE INTO organisations VALUES (?,?,?,NULL,NULL,NULL)", (oid, name, kind))
            db.executemany("INSERT INTO org_mentions VALUES (?, '', ?, ?)",
                           [(d, written, oid) for (d,) in db.execute("SELECT id FROM documents")])
    db.close()
