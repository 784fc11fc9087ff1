"""The end-to-end path on the real documents in ../shared/eval: ingest, page counts, search."""
from __future__ import annotations

import pypdf
import pytest

from tenderlens.executors import ProcessExecutor
from tenderlens.extract import doc_id
from tenderlens.model import RawDoc
from tenderlens.pipeline import ingest
from tenderlens.store import Store
from tenderlens.store.search import count, search


def _ocr_pages_are_images(path, store, doc_id) -> bool:
    """Pages marked for OCR must be pages that carry an image, by pypdf's independent reading."""
    reader = pypdf.PdfReader(path)
    marked = [p["n"] for p in store.pages(doc_id) if p["needs_ocr"]]
    return bool(marked) and all(len(reader.pages[n - 1].images) > 0 for n in marked)


@pytest.fixture(scope="module")
def eval_store(eval_dir, tmp_path_factory):
    store = Store(str(tmp_path_factory.mktemp("eval") / "eval.db"))
    executor = ProcessExecutor(2)
    try:
        result = ingest([str(eval_dir)], store, executor)
    finally:
        executor.close()
    yield store, result
    store.close()


def _id(path) -> str:
    return doc_id(RawDoc(str(path), path.read_bytes()))


def test_every_dev_file_is_stored_ok_or_needs_ocr(eval_dir, eval_store):
    store, result = eval_store
    files = [p for p in eval_dir.rglob("*") if p.is_file()]
    assert result.counts["seen"] == len(files)
    for path in files:
        row = store.document(_id(path))
        assert row is not None, f"{path} was not stored"
        rel = str(path.relative_to(eval_dir))
        if row["status"] == "needs_ocr":
            # Scans stay "needs_ocr" until the OCR stage has read them.
            assert path.suffix == ".pdf" and _ocr_pages_are_images(path, store, row["id"]), rel
        elif row["status"] == "empty":
            # A page whose only content is an image hosted elsewhere: nothing to read, and said so.
            assert path.read_bytes().count(b"<img") and row["error"], rel
        else:
            assert row["status"] == "ok", f"{rel}: {row['status']} {row['error']}"
            assert any(p["text"].strip() for p in store.pages(row["id"])), f"{rel} has no text"


def test_government_pdf_page_counts(eval_dir, eval_store):
    store, _ = eval_store
    pdfs = sorted((eval_dir / "cn-gov-pdfs" / "examples").glob("*.pdf"))
    assert len(pdfs) >= 4
    for path in pdfs:
        row = store.document(_id(path))
        assert row["n_pages"] == len(pypdf.PdfReader(path).pages), path.name
        assert row["status"] == "ok"


@pytest.mark.parametrize("query, expected_file", [
    ("雪亮", "fddc/html/20102584.html"),                       # 2-character word
    ("卡口", "fddc/html/1736146.html"),
    ("雪亮工程支网", "cn-gov-pdfs/examples/example.pdf"),       # longer phrase, in a PDF
    ("合肥市公安局瑶海分局", "cn-gov-pdfs/examples/example.pdf"),
    ('"phone analysis device"', "lpl-foia/2014/#177699 PenLink/15-3528PenLinkResponse.txt"),
    ('"Pen-Link, Ltd"', "lpl-foia/2014/#177699 PenLink/PenLinkQuote.txt"),
])
def test_named_phrases_are_found(eval_dir, eval_store, query, expected_file):
    store, _ = eval_store
    want = _id(eval_dir / expected_file)
    assert (eval_dir / expected_file).read_bytes()  # the named file exists
    hits = search(store, query, limit=0)
    assert want in {h.doc_id for h in hits}, f"{query} not found in {expected_file}"
    hit = next(h for h in hits if h.doc_id == want)
    assert "«" in hit.snippet and hit.source.endswith(expected_file.rsplit("/", 1)[-1])
    page_text = store.page(want, hit.page)["text"]
    s, e = hit.hits[0]
    assert page_text[s:e].lower().replace("\n", " ") == query.strip('"').lower()


TWO_CHAR = ["人脸", "上访", "卡口", "监控", "雪亮", "天网", "公安", "布控", "识别", "平安", "项目", "中标", "探头", "信访"]


def test_two_character_recall_equals_substring_scan(eval_store):
    """Every page holding the string is found, and nothing else."""
    store, _ = eval_store
    for word in TWO_CHAR:
        expected = {(r[0], r[1]) for r in store.db.execute(
            "SELECT doc_id, n FROM pages WHERE instr(text, ?) > 0", (word,))}
        found = {(h.doc_id, h.page) for h in search(store, word, limit=0)}
        assert found == expected, word
        assert count(store, word) == len(expected)


def test_one_character_query_matches_substring_scan(eval_store):
    store, _ = eval_store
    for ch in ("雪", "控", "访"):
        expected = {(r[0], r[1]) for r in store.db.execute(
            "SELECT doc_id, n FROM pages WHERE instr(text, ?) > 0", (ch,))}
        assert {(h.doc_id, h.page) for h in search(store, ch, limit=0)} == expected
