"""Property-based tests (Hypothesis): random bytes and mutated real documents through sniff,
extract and analysis raise nothing, and every span stays valid; normalise maps every
character back inside its input.

Runs are derandomised (the same examples every run), so CI does not flake on a new seed.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenderlens import codebook
from tenderlens.collect import iter_raw
from tenderlens.extract import extract_document
from tenderlens.model import STATUSES, Document, RawDoc
from tenderlens.pipeline import analyze_safely
from tenderlens.sniff import sniff
from tenderlens.textnorm import normalise, to_original

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
REAL = {
    "html": EVAL / "fddc" / "html" / "20102584.html",
    "pdf": EVAL / "cn-gov-pdfs" / "examples" / "example.pdf",
    "json": EVAL / "cn-gov-pdfs" / "examples" / "public-sources.json",
    "text": EVAL / "lpl-foia" / "2014" / "#177699 PenLink" / "PenLinkQuote.txt",
    # Office files: the demo corpus ships the only ones (the evaluation set has none).
    "docx": REPO / "src" / "tenderlens" / "demo" / "corpus" / "zh-bodycam-contract.docx",
    "xlsx": REPO / "src" / "tenderlens" / "demo" / "corpus" / "zh-bid-results.xlsx",
    "gbk-html": REPO / "src" / "tenderlens" / "demo" / "corpus" / "zh-face-award-gbk.html",
}
FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_valid(doc: Document) -> None:
    assert doc.status in STATUSES
    assert isinstance(doc.warnings, list) and all(isinstance(w, str) for w in doc.warnings)
    for page in doc.pages:
        assert page.offsets and page.offsets[0][0] == 0
        norm = [n for n, _ in page.offsets]
        orig = [o for _, o in page.offsets]
        assert norm == sorted(norm) and orig == sorted(orig)
        # Every position of the page text, its end included, maps back to a position not before the last.
        mapped = [to_original(page.offsets, i) for i in range(0, len(page.text) + 1, max(1, len(page.text) // 200))]
        assert mapped == sorted(mapped) and mapped[0] >= 0


def assert_facts_valid(doc: Document) -> None:
    pages = {p.n: p.text for p in doc.pages}
    for fact in analyze_safely(doc, codebook.load()):
        assert fact.quote == pages[fact.page][fact.start:fact.end], fact


SIGNATURES = [b"", b"\x1f\x8b\x08\x00", b"PK\x03\x04", b"7z\xbc\xaf\x27\x1c", b"WARC/1.0\r\n", b"%PDF-1.4\n",
              b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"{"]


@FAST
@given(data=st.binary(max_size=2048), head=st.sampled_from(SIGNATURES))
def test_random_bytes_behind_a_format_signature_never_stop_the_collector(data, head, tmp_path_factory):
    folder = tmp_path_factory.mktemp("signed")
    (folder / "x.bin").write_bytes(head + data)
    (folder / "y.txt").write_bytes(b"a good document")
    got = {r.source.rsplit("/", 1)[-1]: r for r in iter_raw([str(folder)])}
    assert got["y.txt"].data == b"a good document"
    for raw in got.values():
        assert_valid(extract_document(raw))


@FAST
@given(st.binary(max_size=4096), st.sampled_from(["", "a.html", "b.pdf", "c.docx", "d.xlsx", "e.json",
                                                  "f.zip", "g.gz", "h.7z", "i.warc", "j.txt"]))
def test_random_bytes_never_raise(data, name):
    fmt, mime = sniff(data, name)
    assert isinstance(fmt, str) and isinstance(mime, str)
    doc = extract_document(RawDoc(name or "x", data, name))
    assert_valid(doc)


@st.composite
def mutated(draw, kind: str) -> bytes:
    """A real document with bytes flipped, a slice cut out or repeated, or its end cut off."""
    data = bytearray(REAL[kind].read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "repeat", "truncate"]))
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[i] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[i:i + draw(st.integers(1, 512))]
        elif op == "repeat":
            data[i:i] = data[i:i + draw(st.integers(1, 512))]
        else:
            del data[i:]
    return bytes(data)


@pytest.mark.parametrize("kind", list(REAL))
def test_mutated_real_documents_never_raise_and_keep_spans_valid(kind):
    if not REAL[kind].is_file():
        pytest.fail(f"missing real document {REAL[kind]}")

    @settings(FAST, max_examples=25 if kind in ("pdf", "docx", "xlsx") else 50)
    @given(mutated(kind))
    def check(data):
        doc = extract_document(RawDoc(f"m.{kind}", data, REAL[kind].name))
        assert_valid(doc)
        assert_facts_valid(doc)

    check()


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
       | st.text(alphabet="２０１８年⾦，：\u3000 \t\n\r\u200b\ufeffＡａ１,.监控摄像机５０台", max_size=400))
def test_normalise_maps_every_character_inside_its_input(text):
    norm, breaks = normalise(text)
    assert breaks[0][0] == 0
    previous = -1
    for i in range(len(norm) + 1):
        o = to_original(breaks, i)
        assert 0 <= o <= len(text) and o >= previous
        previous = o
