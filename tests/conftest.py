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
