"""The same corpus gives the same store on one process, a process pool and a local Dask cluster;
workers that die lose nothing, and a document that kills every worker it meets is recorded as failed."""
from __future__ import annotations

import functools
import os
import sys

import cloudpickle
import pytest
from test_resume import snapshot

from tenderlens.dask_executor import DaskExecutor
from tenderlens.executors import ProcessExecutor, SerialExecutor, make_executor
from tenderlens.extract import doc_id
from tenderlens.model import FAILED, RawDoc
from tenderlens.pipeline import ingest
from tenderlens.store import Store

N_HTML = 100
# Dask workers import functions by name; this module is not importable there, so ship it by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def corpus(eval_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale-corpus")
    files = sorted((eval_dir / "fddc" / "html").glob("*.html"))[:N_HTML]
    files += sorted((eval_dir / "cn-gov-pdfs" / "examples").glob("*.pdf"))
    for f in files:
        (folder / f.name).symlink_to(f)
    (folder / "copy-of-first.html").symlink_to(files[0])
    return folder


def run(corpus, db, executor) -> tuple[dict, dict]:
    store = Store(str(db))
    try:
        result = ingest([str(corpus)], store, executor, follow_links=True)
        run_status = store.db.execute("SELECT status FROM runs WHERE id=?", (result.run_id,)).fetchone()[0]
    finally:
        store.close()
    assert run_status == "completed"
    return snapshot(str(db)), result.counts


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    snap, counts = run(corpus, tmp_path_factory.mktemp("serial") / "serial.db", SerialExecutor())
    assert counts["failed"] == 0 and len(snap["documents"]) == N_HTML + 4
    return snap


@pytest.fixture(scope="module")
def dask_local():
    executor = DaskExecutor(local_workers=2)
    yield executor
    executor.close()


def _dies_on(fn, name: str, marker: str | None, task: tuple[RawDoc, str]):
    """The pipeline's worker function, except that the worker process running `name` dies
    (every time, or only the first time when `marker` names a file to leave behind)."""
    raw, _ = task
    if os.path.basename(raw.source) == name and not (marker and os.path.exists(marker)):
        if marker:
            open(marker, "w").close()
        os._exit(1)
    return fn(task)


class Sabotaged:
    def __init__(self, inner, name: str, marker: str | None = None):
        self.inner, self.name, self.marker = inner, name, marker

    def imap(self, fn, tasks, on_crash, **options):
        return self.inner.imap(functools.partial(_dies_on, fn, self.name, self.marker), tasks, on_crash, **options)


def without(snap: dict, id: str) -> dict:
    out = {table: [r for r in rows if r[0] != id] for table, rows in snap.items() if table != "search"}
    out["search"] = {q: [h for h in hits if h[0] != id] for q, hits in snap["search"].items()}
    return out


def victim(corpus) -> tuple[str, str]:
    """A document from the middle of the run, and its id."""
    path = sorted(corpus.glob("*.html"))[N_HTML // 2]
    return path.name, doc_id(RawDoc(str(path), path.read_bytes()))


def test_process_pool_gives_the_serial_store(corpus, serial, tmp_path):
    executor = ProcessExecutor(2)
    try:
        snap, _ = run(corpus, tmp_path / "pool.db", executor)
    finally:
        executor.close()
    assert snap == serial


def test_dask_local_gives_the_serial_store(corpus, serial, dask_local, tmp_path):
    snap, _ = run(corpus, tmp_path / "dask.db", dask_local)
    assert snap == serial


def test_dask_worker_killed_mid_run_loses_and_doubles_nothing(corpus, serial, dask_local, tmp_path):
    name, _ = victim(corpus)
    marker = tmp_path / "worker-was-killed"
    snap, counts = run(corpus, tmp_path / "killed.db", Sabotaged(dask_local, name, str(marker)))
    assert marker.exists(), "no worker died: the test proved nothing"
    assert counts["failed"] == 0
    assert snap == serial


@pytest.mark.parametrize("engine", ["local:2", "dask-local:2"])
def test_poison_document_is_failed_alone_and_the_run_completes(engine, corpus, serial, dask_local, tmp_path):
    name, poison = victim(corpus)
    inner = dask_local if engine.startswith("dask") else ProcessExecutor(2)
    try:
        snap, counts = run(corpus, tmp_path / "poison.db", Sabotaged(inner, name))
    finally:
        if inner is not dask_local:
            inner.close()
    assert counts["failed"] == 1
    failed = [r for r in snap["documents"] if r[0] == poison]
    assert failed and failed[0][6] == FAILED and "died" in failed[0][7]  # status, error
    # Neighbours that were in flight when workers died are stored as in a clean run.
    assert without(snap, poison) == without(serial, poison)


def test_engine_specs():
    assert isinstance(make_executor("serial"), SerialExecutor)
    assert make_executor("local:3").workers == 3
    for bad in ("local:0", "dask-local:x", "dask://", "ray://head:10001"):
        with pytest.raises(ValueError):
            make_executor(bad)
