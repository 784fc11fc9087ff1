"""Shared fixtures. Real documents are read from ../shared/eval beside the checkout, never copied."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.fail(f"real evaluation documents are missing: expected them at {EVAL}")
    return EVAL


@pytest.fixture(scope="session")
def notices_db(eval_dir, tmp_path_factory) -> Path:
    """A store of real notices (the documents of labels.jsonl and the Yichang notices), ingested once
    for the export tests."""
    from dev_store import build
    path = tmp_path_factory.mktemp("notices") / "notices.db"
    build(eval_dir, path).close()
    return path
