"""PP-OCR on Chinese scans and photos made at test time from ../shared/eval/cn-gov-pdfs (see scanned.py),
routing between PP-OCR and Tesseract, the cache per engine, bad text layers, and the web view's engine line.

The three variants are ingested once (module fixture) through the real pipeline on two worker
processes, each variant one multi-page TIFF: its first page is read by Tesseract, found Chinese and
read again by PP-OCR; the pages after it go to PP-OCR first, as the page before them did.
"""
from __future__ import annotations

import io
import json
import re
import threading

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image

from scanned import VARIANTS, cer, flat, landmarks, page_image, page_text
from tenderlens.cli import main
from tenderlens.executors import ProcessExecutor, SerialExecutor
from tenderlens.extract import doc_id, extract_document
from tenderlens.extract import pdf as pdf_extract
from tenderlens.model import OK, RawDoc
from tenderlens.ocr import OcrSettings, OcrSettingsError, engine, ppocr
from tenderlens.ocr import pages as pages_ocr
from tenderlens.ocr.textlayer import bad_text, too_little_text
from tenderlens.pipeline import ingest
from tenderlens.store import Store

# (file, page index): a company name in prose, amounts in a table, a bank and an amount.
PAGES = [("public-05-shanghai-open-bid-20312273.pdf", 16), ("public-08-shaanxi-baoji-books-2025.pdf", 2),
         ("public-08-shaanxi-baoji-books-2025.pdf", 16)]
# Order-free character error rate per variant (measured with PP-OCRv5 recognition: clean 0.0005, scanned
# 0.0030, photo 0.0000; PP-OCRv4 dropped 磋 of 磋商 27 times of 30 on the scanned pages: 0.0135).
CER_FLOOR = {"clean": 0.01, "scanned": 0.01, "photo": 0.01}
LANDMARK_FLOOR = 0.98


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("ppocr-cache"))


def _tiff(frames: list[Image.Image], dpi: int) -> bytes:
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", compression="tiff_lzw", save_all=True, append_images=frames[1:], dpi=(dpi, dpi))
    return buf.getvalue()


@pytest.fixture(scope="module")
def variants(eval_dir, cache_dir, tmp_path_factory):
    """variant -> (its pages as stored, the ground truth of each page)."""
    folder = tmp_path_factory.mktemp("scans")
    truths = [page_text(eval_dir / "cn-gov-pdfs" / "examples" / name, i) for name, i in PAGES]
    for variant in VARIANTS:
        made = [page_image(eval_dir / "cn-gov-pdfs" / "examples" / name, i, variant, seed=k)
                for k, (name, i) in enumerate(PAGES)]
        (folder / f"{variant}.tif").write_bytes(_tiff([im for im, _ in made], made[0][1]))
    store = Store(str(tmp_path_factory.mktemp("db") / "scans.db"))
    executor = ProcessExecutor(2, chunk=1)  # three long documents: one each, not all in one worker's batch
    try:
        result = ingest([str(folder)], store, executor, ocr=OcrSettings(cache_dir=cache_dir))
    finally:
        executor.close()
    assert result.counts[OK] == len(VARIANTS)
    out = {}
    for variant in VARIANTS:
        raw = RawDoc(str(folder / f"{variant}.tif"), (folder / f"{variant}.tif").read_bytes())
        out[variant] = (list(store.pages(doc_id(raw))), truths)
    yield out
    store.close()


@pytest.mark.parametrize("variant", VARIANTS)
def test_chinese_scans_read_by_ppocr_within_floors(variants, variant):
    pages, truths = variants[variant]
    errors = chars = found = wanted = 0
    for page, truth in zip(pages, truths):
        ocr = json.loads(page["ocr"])
        assert ocr["engine"] == "ppocr" and ocr["version"] == ppocr.version() and ocr["rotation"] == 0
        assert ocr["route"]["by"] == "script" and ocr["route"]["cjk_share"] >= 0.5
        e, n = cer(truth, page["text"])
        errors, chars = errors + e, chars + n
        names = landmarks(truth)
        found, wanted = found + sum(1 for x in names if x in flat(page["text"])), wanted + len(names)
    # The first page starts with the engine of its worker's last page; the pages after it with PP-OCR.
    assert all(json.loads(p["ocr"])["route"]["first"] == "ppocr" for p in pages[1:])
    assert errors / chars <= CER_FLOOR[variant], f"{variant}: order-free CER {errors / chars:.4f}"
    assert wanted >= 8 and found >= LANDMARK_FLOOR * wanted, f"{variant}: {found}/{wanted} names and amounts"


def test_ppocr_word_boxes_land_on_the_words(eval_dir, variants):
    """On the clean variant, wherever the text layer has a company name, the OCR words of that name cover it."""
    pages, _ = variants["clean"]
    checked = 0
    for page, (name, i) in zip(pages, PAGES):
        ocr, text = json.loads(page["ocr"]), page["text"]
        for s, e, *box in ocr["words"]:
            assert 0 <= s < e <= len(text) and 0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1
        path = eval_dir / "cn-gov-pdfs" / "examples" / name
        pdf = pdfium.PdfDocument(str(path))
        width, height = pdf[i].get_size()
        textpage = pdf[i].get_textpage()
        for company in {x for x in landmarks(page_text(path, i)) if "公司" in x}:
            # Where the text layer has the name (a header may repeat it): boxes as fractions of the page.
            truths, search = [], textpage.search(company)
            while (hit := search.get_next()) is not None:
                rects = [textpage.get_charbox(k) for k in range(hit[0], hit[0] + hit[1])]
                box = [min(r[0] for r in rects) / width, 1 - max(r[3] for r in rects) / height,
                       max(r[2] for r in rects) / width, 1 - min(r[1] for r in rects) / height]
                glyph = max(r[3] - r[1] for r in rects) / height
                if box[2] <= 1 and box[3] - box[1] <= 1.5 * glyph:  # a name on one line, not broken across two
                    truths.append(box)
            # Where the OCR text has it (the layer may break a name across lines, where search misses it).
            unions = []
            for m in re.finditer(re.escape(company), text):
                boxes = [b for s, e, *b in ocr["words"] if s < m.end() and e > m.start()]
                unions.append([min(b[0] for b in boxes), min(b[1] for b in boxes),
                               max(b[2] for b in boxes), max(b[3] for b in boxes)])
            # PP-OCR's boxes span the detected line's height, taller than the glyphs the text layer
            # boxes: each box's centre must fall inside the other.
            for truth in truths:
                assert any(_centre_in(u, truth) and _centre_in(truth, u) for u in unions), (company, truth, unions)
                checked += 1
        pdf.close()
    assert checked >= 2


def _centre_in(a, b) -> bool:
    x, y = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= x <= b[2] and b[1] <= y <= b[3]


def test_another_engine_rereads_only_its_pages(eval_dir, tmp_path, monkeypatch):
    """An English check and a Chinese page read by Tesseract; under --ocr-engine auto only the Chinese one is read again."""
    cache_dir = str(tmp_path / "cache")  # the module's cache holds PP-OCR's reading of the Chinese page
    scan = pdfium.PdfDocument(str(eval_dir / "lpl-checks" / "scans" / "14536.pdf"))[0]
    check = scan.render(scale=300 / 72, grayscale=True).to_pil()
    chinese, _ = page_image(eval_dir / "cn-gov-pdfs" / "examples" / PAGES[1][0], PAGES[1][1], "clean", seed=1)
    raw = RawDoc("two.tif", _tiff([check.convert("L"), chinese], 300), "two.tif")
    by_tesseract = extract_document(raw, ocr=OcrSettings(engine="tesseract", cache_dir=cache_dir))
    assert [p.ocr["engine"] for p in by_tesseract.pages] == ["tesseract", "tesseract"]
    assert by_tesseract.pages[0].ocr["route"] == {"by": "option"}

    def no_tesseract(*args, **kwargs):
        raise AssertionError("Tesseract was called although its readings are cached")

    read = []
    monkeypatch.setattr(pages_ocr, "_recent", threading.local())  # as in a fresh worker: Tesseract first
    monkeypatch.setattr(engine, "recognise", no_tesseract)
    monkeypatch.setattr(engine, "orientation", no_tesseract)
    real = ppocr.recognise
    monkeypatch.setattr(ppocr, "recognise", lambda image, *a: read.append(image.size) or real(image, *a))
    auto = extract_document(raw, ocr=OcrSettings(cache_dir=cache_dir))
    assert [p.ocr["engine"] for p in auto.pages] == ["tesseract", "ppocr"] and len(read) == 1
    assert auto.pages[0].text == by_tesseract.pages[0].text
    assert auto.pages[1].ocr["route"]["first"] == "tesseract" and auto.pages[1].ocr["route"]["cjk_share"] > 0.5


def test_next_document_starts_with_the_engine_of_the_last_page(eval_dir, cache_dir, monkeypatch):
    """After a Chinese scan, a worker's next document is read by PP-OCR first: no Tesseract reading to route it."""
    monkeypatch.setattr(pages_ocr, "_recent", threading.local())
    page, _ = page_image(eval_dir / "cn-gov-pdfs" / "examples" / PAGES[1][0], PAGES[1][1], "clean", seed=1)
    buf = io.BytesIO()
    page.save(buf, format="PNG", dpi=(300, 300))
    first = extract_document(RawDoc("a.png", buf.getvalue(), "a.png"), ocr=OcrSettings(cache_dir=cache_dir))
    assert first.pages[0].ocr["engine"] == "ppocr" and first.pages[0].ocr["route"]["first"] == "tesseract"

    def no_tesseract(*args, **kwargs):
        raise AssertionError("Tesseract was asked to read a page of a Chinese collection")

    monkeypatch.setattr(engine, "recognise", no_tesseract)
    second = extract_document(RawDoc("b.png", buf.getvalue(), "b.png"), ocr=OcrSettings(cache_dir=cache_dir))
    assert second.pages[0].ocr["route"]["first"] == "ppocr" and second.pages[0].text == first.pages[0].text


def test_ppocr_tuning_is_in_the_cache_key(monkeypatch):
    """Another box growth, batch or model makes another reading: cached readings under the old tuning are not reused."""
    settings = OcrSettings(cache_dir=None)
    now = pages_ocr.identity("ppocr", settings, 300)
    assert now["unclip_ratio"] == ppocr.TUNING.unclip_ratio and now["rec_batch"] == ppocr.TUNING.rec_batch
    monkeypatch.setattr(ppocr, "TUNING", ppocr.Tuning(rec_model="v4"))
    before = pages_ocr.identity("ppocr", settings, 300)
    assert before["rec_model"] == "v4" and before["models"] != now["models"]  # the recogniser's hash, not only its name


def test_ppocr_line_becomes_words():
    """Per-character boxes: each CJK character a word, a Latin run one word, split where the text has a space."""
    text = "采购GPS 定位 v2.0，金额"
    chars = [c for c in text if c != " "]
    boxes = [[[10 * k, 0], [10 * k + 9, 0], [10 * k + 9, 20], [10 * k, 20]] for k in range(len(chars))]
    words = ppocr._line(text, 0.97, boxes, chars)
    assert [w.text for w in words] == ["采", "购", "GPS", "定", "位", "v2.0", "，", "金", "额"]
    assert words[2].box == (20, 0, 49, 20) and words[0].conf == 97.0
    # PP-OCRv5 reads the spaces too, each with a box: they split words and are not words.
    spaced = list(text)
    spaced_boxes = [[[10 * k, 0], [10 * k + 9, 0], [10 * k + 9, 20], [10 * k, 20]] for k in range(len(spaced))]
    assert [w.text for w in ppocr._line(text, 0.97, spaced_boxes, spaced)] == [w.text for w in words]
    # Boxes that do not line up with the text: one word for the line, nothing lost.
    whole = ppocr._line(text, 0.9, boxes[:3], chars[:3])
    assert [w.text for w in whole] == [text]


def test_bad_text_layers_are_recognised():
    garbled = ("BUREAU OF ORGANxZED CRrME t;'~~ Gang Investa_gation DYvisi.ori TO: Nichplas J. Roti Chief "
               "Bureau at Organized Crime Attention : ~ir:ian J. 17a1y Lieutenant Hureau of f3rganized Crime "
               "FROM: JasepYi I'. Goxman Commander Gang Tnvestigati.on D.ivis~.on")
    assert "not words" in bad_text(garbled)
    assert bad_text("The Chicago Police Department paid $9,625.00 to Pen-Link, Ltd. for the PLX "
                    "software licence renewal, invoice 4471-B dated 30 November 2012, as quoted.") is None
    assert "replacement" in bad_text("采购\ufffd\ufffd项目\ue001\ue002\ue003金额")
    assert bad_text("采购项目名称：公安局视频监控系统建设项目，预算金额：1,234,567.00元") is None
    assert too_little_text(40, 15000) and too_little_text(800, 15000) is None


def test_real_text_layers_are_kept(eval_dir):
    """No government PDF page's text layer is judged bad; the LPL checks' three garbage layers are."""
    for path in sorted((eval_dir / "cn-gov-pdfs" / "examples").glob("*.pdf")):
        got = pdf_extract.extract(path.read_bytes())
        assert got.bad_layers == {}, (path.name, got.bad_layers)
    flagged = {}
    for path in sorted((eval_dir / "lpl-checks" / "scans").glob("*.pdf")):
        for n, why in pdf_extract.extract(path.read_bytes()).bad_layers.items():
            flagged[(path.name, n)] = why
    assert set(flagged) == {("16623.pdf", 1), ("16623.pdf", 2), ("17071.pdf", 1)}, flagged


def test_engine_option_is_checked():
    with pytest.raises(OcrSettingsError, match="unknown OCR engine"):
        OcrSettings(engine="easyocr")
    result = CliRunner().invoke(main, ["ingest", "--help"])
    assert "--ocr-engine" in result.output and "ppocr" in result.output


def test_web_page_says_which_engine_read_it(eval_dir, cache_dir, tmp_path):
    from fastapi.testclient import TestClient

    from tenderlens.web.app import create_app
    scan, _ = page_image(eval_dir / "cn-gov-pdfs" / "examples" / PAGES[0][0], PAGES[0][1], "clean", seed=0)
    path = tmp_path / "notice.png"
    scan.save(path, dpi=(300, 300))
    store = Store(str(tmp_path / "t.db"))
    ingest([str(path)], store, SerialExecutor(), ocr=OcrSettings(cache_dir=cache_dir))
    id = store.db.execute("SELECT id FROM documents").fetchone()[0]
    store.close()
    html = TestClient(create_app(str(tmp_path / "t.db")), base_url="http://127.0.0.1").get(f"/doc/{id}").text
    assert "text read by OCR (PP-OCR)" in html


def test_upside_down_chinese_page_is_turned_by_osd(eval_dir, cache_dir):
    """PP-OCR's line classifier is off: a page fed upside down reads poorly, OSD turns it, PP-OCR reads it again."""
    name, i = PAGES[2]
    image, dpi = page_image(eval_dir / "cn-gov-pdfs" / "examples" / name, i, "clean", seed=2)
    buf = io.BytesIO()
    image.rotate(180).save(buf, format="PNG", dpi=(dpi, dpi))
    doc = extract_document(RawDoc("turned.png", buf.getvalue(), "turned.png"),
                           ocr=OcrSettings(engine="ppocr", cache_dir=cache_dir))
    page = doc.pages[0]
    assert page.ocr["engine"] == "ppocr" and page.ocr["rotation"] == 180 and page.ocr["orientation_confidence"] >= 2
    e, n = cer(page_text(eval_dir / "cn-gov-pdfs" / "examples" / name, i), page.text)
    assert e / n <= CER_FLOOR["clean"]


def test_thin_text_layer_on_a_scan_is_named_for_ocr(eval_dir):
    """A check scan given a one-line text layer (a stamp's or a header's words): too little text for its ink."""
    import ctypes

    import pypdfium2.raw as pdfium_c
    pdf = pdfium.PdfDocument(str(eval_dir / "lpl-checks" / "scans" / "14536.pdf"))
    page = pdf[0]
    font = pdfium_c.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    line = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, ctypes.c_float(10))
    text = ("VOUCHER NUMBER 2013 0451 PAID " * 2 + "\x00").encode("utf-16-le")
    pdfium_c.FPDFText_SetText(line, ctypes.cast(ctypes.create_string_buffer(text), ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    pdfium_c.FPDFPageObj_Transform(line, 1, 0, 0, 1, 40, 40)
    pdfium_c.FPDFPage_InsertObject(page.raw, line)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    got = pdf_extract.extract(buf.getvalue())
    assert got.pages[0].startswith("VOUCHER NUMBER") and "ink" in got.bad_layers[1]
