"""A store of real notices for the export tests: the documents of labels.jsonl and the Yichang notices."""
from __future__ import annotations

import json
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
