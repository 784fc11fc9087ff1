"""OCR on real scans from ../shared/eval: check amounts, rotation, FOIA pages against the requester's
OCR, a Chinese government page read by Tesseract against its own text layer, word boxes, cache, bounds
and errors. PP-OCR and the choice between engines: test_ppocr.py.

The check scans are ingested once (module fixture) through the real pipeline on two worker
processes; every test shares one OCR cache, so a page is read by Tesseract at most once per run.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image
from rapidfuzz import fuzz

from tenderlens.cli import main
from tenderlens.executors import ProcessExecutor, SerialExecutor
from tenderlens.extract import doc_id, extract_document
from tenderlens.model import NEEDS_OCR, OK, RawDoc
from tenderlens.ocr import OcrSettings, OcrSettingsError, engine
from tenderlens.pipeline import ingest
from tenderlens.store import Store

# Measured on these four FOIA PDFs (32 scanned pages, eng): 97.1 for each document as a whole.
FOIA_FLOOR = 93.0
_CJK_GAP = re.compile(r"[\u4e00-\u9fff][ \t]+[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("ocr-cache"))


@pytest.fixture(scope="module")
def checks(eval_dir, cache_dir, tmp_path_factory):
    """The LPL check scans ingested with the default OCR settings (auto, chi_sim+eng)."""
    store = Store(str(tmp_path_factory.mktemp("checks") / "checks.db"))
    executor = ProcessExecutor(2)
    try:
        ingest([str(eval_dir / "lpl-checks" / "scans")], store, executor, ocr=OcrSettings(cache_dir=cache_dir))
    finally:
        executor.close()
    labels = list(csv.DictReader(open(eval_dir / "lpl-checks" / "labels.csv", encoding="utf-8")))
    yield store, labels
    store.close()


def _doc(store, path):
    return store.document(doc_id(RawDoc(str(path), path.read_bytes())))


def _digits_only_numbers(text: str) -> str:
    """$13,720.00 / 13 720.00 / 13720.00 all read as 13720.00, for comparison only."""
    return re.sub(r"(?<=\d)[,\s](?=\d{3}\b)", "", text.replace("$", " "))


def _flat(text: str) -> str:
    """Width-folded, whitespace-free text: compares what was read, not how it was spaced."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_check_amounts_appear_in_ocr_text(eval_dir, checks):
    store, labels = checks
    found, missing = 0, []
    for row in labels:
        doc = _doc(store, eval_dir / "lpl-checks" / "scans" / row["Link"])
        assert doc["status"] == OK, (row["Link"], doc["status"], doc["error"])
        text = "\n".join(p["text"] for p in store.pages(doc["id"]))
        if row["Amount"] in _digits_only_numbers(text):
            found += 1
        else:
            missing.append((row["Link"], row["Amount"]))
    assert found >= 23, f"{found}/{len(labels)} amounts found; missing {missing}"


def test_ocr_pages_record_engine_settings_and_boxes(eval_dir, checks):
    store, labels = checks
    ocr_pages = 0
    for row in labels:
        doc = _doc(store, eval_dir / "lpl-checks" / "scans" / row["Link"])
        for page in store.pages(doc["id"]):
            ocr_pages += 1
            ocr = json.loads(page["ocr"])
            # English pages: Tesseract reads them first, finds no Chinese, and its reading stays.
            assert ocr["engine"] == "tesseract" and ocr["version"] == engine.version()
            assert ocr["route"]["by"] == "script" and ocr["route"]["first"] == "tesseract"
            assert ocr["route"]["cjk_share"] < 0.02
            assert ocr["lang"] == "chi_sim+eng" and ocr["dpi"] == 300 and ocr["rotation"] in (0, 90, 180, 270)
            text = page["text"]
            assert ocr["words"] and not page["needs_ocr"]
            for start, end, x0, y0, x1, y1 in ocr["words"]:
                assert 0 <= start < end <= len(text) and text[start:end].strip() == text[start:end]
                assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
            # Boxes come in reading order and cover the text apart from separators.
            starts = [w[0] for w in ocr["words"]]
            assert starts == sorted(starts)
            covered = sum(w[1] - w[0] for w in ocr["words"])
            assert covered >= 0.8 * len(re.sub(r"\s", "", text))
    # Every page, the three whose text layer is an old OCR's garbage included (test_ppocr.py names them).
    assert ocr_pages == 28


def test_word_box_shows_the_quoted_amount(eval_dir, checks):
    """Crop the page image at the boxes of a quote's words: OCR of the crop reads the quote again."""
    store, labels = checks
    row = next(r for r in labels if r["Link"] == "14536.pdf")
    path = eval_dir / "lpl-checks" / "scans" / row["Link"]
    page = next(store.pages(_doc(store, path)["id"]))
    ocr = json.loads(page["ocr"])
    match = re.search(r"13,?720\.00", page["text"])
    assert match, "the amount is in the text (see the amounts test)"
    boxes = [w[2:] for w in ocr["words"] if w[0] < match.end() and w[1] > match.start()]
    assert boxes
    pdf = pdfium.PdfDocument(str(path))
    image = pdf[0].render(scale=300 / 72, grayscale=True).to_pil()
    x0, y0 = min(b[0] for b in boxes) * image.width, min(b[1] for b in boxes) * image.height
    x1, y1 = max(b[2] for b in boxes) * image.width, max(b[3] for b in boxes) * image.height
    crop = image.crop((int(x0) - 8, int(y0) - 8, int(x1) + 8, int(y1) + 8))
    from tesserocr import PSM, PyTessBaseAPI
    with PyTessBaseAPI(path=engine.tessdata(), lang="eng", psm=PSM.SINGLE_LINE) as api:
        api.SetImage(crop)
        again = api.GetUTF8Text()
    assert "13720.00" in _digits_only_numbers(again), again


def test_rerun_reads_from_cache_without_ocr(eval_dir, checks, cache_dir, tmp_path, monkeypatch):
    store, labels = checks

    def no_ocr(*args, **kwargs):
        raise AssertionError("Tesseract was called although the page is cached")

    monkeypatch.setattr(engine, "recognise", no_ocr)
    monkeypatch.setattr(engine, "orientation", no_ocr)
    again = Store(str(tmp_path / "again.db"))
    paths = [eval_dir / "lpl-checks" / "scans" / row["Link"] for row in labels[:6]]
    ingest([str(p) for p in paths], again, SerialExecutor(), ocr=OcrSettings(cache_dir=cache_dir))
    for path in paths:
        first, second = _doc(store, path), _doc(again, path)
        assert second["status"] == OK, second["error"]
        assert [p["text"] for p in again.pages(second["id"])] == [p["text"] for p in store.pages(first["id"])]
        assert [p["ocr"] for p in again.pages(second["id"])] == [p["ocr"] for p in store.pages(first["id"])]
    again.close()


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _turn(box, rotation):
    """A box on the sideways page, as it stands once the page is turned `rotation` degrees counter-clockwise."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        return [y0, 1 - x1, y1, 1 - x0]
    if rotation == 270:
        return [1 - y1, x0, 1 - y0, x1]
    return [1 - x1, 1 - y1, 1 - x0, 1 - y0]


def test_sideways_scan_is_read_upright(eval_dir, checks, cache_dir):
    """15793.pdf is a scan stored sideways and shown upright by a /Rotate entry; without it, it must still read."""
    store, _ = checks
    path = eval_dir / "lpl-checks" / "scans" / "15793.pdf"
    pdf = pdfium.PdfDocument(str(path))
    assert pdf[0].get_rotation() == 270
    pdf[0].set_rotation(0)
    buf = io.BytesIO()
    pdf.save(buf)
    doc = extract_document(RawDoc("sideways.pdf", buf.getvalue()), ocr=OcrSettings(cache_dir=cache_dir))
    assert doc.status == OK
    page = doc.pages[0]
    # Tesseract reads this page confidently as it stands, so orientation detection may not be needed.
    assert page.ocr["rotation"] in (0, 90)
    for words in ("Organized Crime Division", "Pen Register", "9,625.00"):
        assert words in page.text
    # Its word boxes, turned with the page, land on the same words of the upright page.
    upright = next(store.pages(_doc(store, path)["id"]))
    boxes_up = {}
    for s, e, *box in json.loads(upright["ocr"])["words"]:
        boxes_up.setdefault(upright["text"][s:e], []).append(box)
    pairs = []
    for s, e, *box in page.ocr["words"]:
        word = page.text[s:e]
        if len(word) >= 4 and len(boxes_up.get(word, [])) == 1:
            pairs.append(_iou(_turn(box, 90), boxes_up[word][0]))
    assert len(pairs) >= 20
    assert sum(iou > 0.5 for iou in pairs) >= 0.8 * len(pairs)


@pytest.mark.parametrize("turned", [90, 180])
def test_turned_scan_is_detected_and_read_upright(eval_dir, cache_dir, turned):
    """A check scan saved turned (as a photo or a sideways feed would be): OSD finds it, OCR reads it upright."""
    path = eval_dir / "lpl-checks" / "scans" / "16073.pdf"
    image = pdfium.PdfDocument(str(path))[0].render(scale=300 / 72, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.rotate(turned, expand=True).save(buf, format="PNG", dpi=(300, 300))
    doc = extract_document(RawDoc("turned.png", buf.getvalue(), "turned.png"), ocr=OcrSettings(cache_dir=cache_dir))
    assert doc.format == "image" and doc.status == OK
    page = doc.pages[0]
    assert page.ocr["rotation"] == (360 - turned) % 360
    assert page.ocr["confidence"] > 60
    assert "126310.34" in _digits_only_numbers(page.text)
    assert "ENTERPRISE LEASED VEHICLES" in page.text


def test_foia_ocr_matches_the_requesters_ocr(eval_dir, cache_dir):
    """Character similarity of our OCR to the text the requester published (5 pages, stored with /Rotate 270)."""
    path = eval_dir / "lpl-foia" / "2014" / "#177699 PenLink" / "PenLinkQuote.pdf"
    doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name),
                           ocr=OcrSettings(lang="eng", cache_dir=cache_dir))
    assert doc.status == OK and len(doc.pages) == 5
    ours = re.sub(r"\s+", " ", "\n".join(p.text for p in doc.pages))
    theirs = re.sub(r"\s+", " ", path.with_suffix(".txt").read_text(encoding="utf-8", errors="replace"))
    assert fuzz.ratio(ours, theirs) >= FOIA_FLOOR


@pytest.mark.parametrize("name, n", [("public-05-shanghai-open-bid-20312273.pdf", 5),
                                     ("public-10-shanghai-exam-equipment-2026.pdf", 21)])
def test_chinese_page_ocr_matches_its_text_layer(eval_dir, cache_dir, name, n):
    """A government PDF page, rendered and read by Tesseract (--ocr always), against the page's own text layer."""
    source = pdfium.PdfDocument(str(eval_dir / "cn-gov-pdfs" / "examples" / name))
    one = pdfium.PdfDocument.new()
    one.import_pages(source, [n - 1])
    buf = io.BytesIO()
    one.save(buf)
    raw = RawDoc(name, buf.getvalue())
    layer = extract_document(raw).pages[0]
    read = extract_document(raw, ocr=OcrSettings(mode="always", engine="tesseract", cache_dir=cache_dir)).pages[0]
    assert layer.ocr is None and read.ocr["lang"] == "chi_sim+eng"
    assert len(_flat(layer.text)) > 500
    assert fuzz.ratio(_flat(layer.text), _flat(read.text)) >= 90
    assert len(re.findall(r"[\u4e00-\u9fff]", read.text)) > 300
    assert not _CJK_GAP.search(read.text), _CJK_GAP.search(read.text)


def test_ocr_never_leaves_scans_marked(eval_dir):
    path = eval_dir / "lpl-checks" / "scans" / "14536.pdf"
    doc = extract_document(RawDoc(str(path), path.read_bytes()), ocr=OcrSettings(mode="never"))
    assert doc.status == NEEDS_OCR and doc.pages[0].needs_ocr and doc.pages[0].ocr is None


def _pdf_with_giant_scan_page(eval_dir) -> bytes:
    """A real check scan as page 1, then a 200 x 200 inch page holding an image."""
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(pdfium.PdfDocument(str(eval_dir / "lpl-checks" / "scans" / "14536.pdf")), [0])
    page = pdf.new_page(14400, 14400)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("L", (64, 64), 128)))
    image.set_matrix(pdfium.PdfMatrix().scale(14400, 14400))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_page_that_cannot_be_ocred_records_why_and_the_rest_goes_in(eval_dir, cache_dir):
    doc = extract_document(RawDoc("mixed.pdf", _pdf_with_giant_scan_page(eval_dir)),
                           ocr=OcrSettings(cache_dir=cache_dir))
    first, giant = doc.pages
    assert first.text and not first.needs_ocr and first.ocr["words"]
    assert giant.needs_ocr and "too large" in giant.ocr["error"]
    assert doc.status == NEEDS_OCR and doc.error.startswith("page 2:")


def test_decompression_bomb_is_a_recorded_page_error(tmp_path, cache_dir):
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, format="PNG")  # 100 megapixels in a few kB
    assert len(buf.getvalue()) < 1_000_000
    (tmp_path / "bomb.png").write_bytes(buf.getvalue())
    store = Store(str(tmp_path / "t.db"))
    result = ingest([str(tmp_path)], store, SerialExecutor(), ocr=OcrSettings(cache_dir=cache_dir))
    assert result.counts[NEEDS_OCR] == 1 and result.failed == 0
    row = store.db.execute("SELECT status, error FROM documents").fetchone()
    assert row["status"] == NEEDS_OCR and "decompression bomb" in row["error"]
    store.close()


def test_bad_language_is_an_error_before_any_work(eval_dir, tmp_path):
    with pytest.raises(OcrSettingsError, match="xyz"):
        OcrSettings(lang="chi_sim+xyz")
    db = tmp_path / "t.db"
    result = CliRunner().invoke(main, ["ingest", str(eval_dir / "lpl-checks" / "scans"), "--db", str(db),
                                       "--ocr-lang", "chi_sim+xyz", "-q"])
    assert result.exit_code == 2
    assert "unknown OCR language xyz" in result.output and "eng" in result.output
    assert not db.exists()
    OcrSettings(mode="never", lang="xyz")  # a job that does no OCR does not need the language


def test_words_join_without_cjk_spaces_and_spans_survive_normalisation():
    """Tesseract's word stream for a mixed line: spans must index the normalised text exactly."""
    from tenderlens.ocr.words import LINE, NONE, PARA, Word
    from tenderlens.ocr.layout import assemble, normalised

    stream = [("采", NONE), ("购", NONE), ("ＧＰＳ", NONE), ("定位", NONE), ("，", NONE), ("金额", NONE),
              ("２０１８", NONE), ("年", NONE), ("⾦", NONE), ("Pen", LINE), ("Register", NONE), ("(", NONE),
              ("100㎡", NONE), ("）", NONE), ("Total:", PARA), ("$9,625.00", NONE)]
    words = [Word(t, brk, (0, 0, 1, 1), 90.0) for t, brk in stream]
    text, spans = assemble(words)
    norm, _, moved = normalised(text, spans)
    assert norm == "采购GPS定位，金额2018年金\nPen Register ( 100m2）\n\nTotal: $9,625.00"
    assert [norm[s:e] for s, e in moved] == ["采", "购", "GPS", "定位", "，", "金额", "2018", "年", "金", "Pen",
                                             "Register", "(", "100m2", "）", "Total:", "$9,625.00"]
    # Latin next to Latin keeps its space, whatever the characters: "( 100" stays as read.
