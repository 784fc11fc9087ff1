"""Tesseract, through the tesserocr binding (in-process, one engine per language set per process).

An in-process engine keeps its models loaded from page to page, where the
command line would reload them for every image. The wheel's Tesseract is built
without OpenMP, so one process runs exactly one thread: parallelism comes from
worker processes (see executors.py), never from threads fighting over cores.
Language data comes from the system (Debian's tesseract-ocr-* packages).
"""
from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache

import tesserocr
from PIL import Image
from tesserocr import PSM, RIL, PyTessBaseAPI, iterate_level

from .words import LINE, NONE, PARA, Word

ENGINE = "tesseract"
# Where Debian, and common source builds, keep the language data.
_TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata")
# OSD below this confidence is a guess: the page is left as it is.
MIN_ORIENTATION_CONFIDENCE = 2.0
# A first reading with this mean word confidence (0-100) or more is taken to be upright.
UPRIGHT_CONFIDENCE = 60.0

@lru_cache(maxsize=1)
def tessdata() -> str:
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = [env] if env else _TESSDATA_DIRS
    for folder in candidates:
        if os.path.isdir(folder) and any(n.endswith(".traineddata") for n in os.listdir(folder)):
            return folder
    raise FileNotFoundError(f"no Tesseract language data in {', '.join(candidates)}")


def languages() -> tuple[str, list[str]]:
    folder = tessdata()
    return folder, tesserocr.get_languages(folder)[1]


@lru_cache(maxsize=1)
def version() -> str:
    return tesserocr.tesseract_version().split()[1]


def data_fingerprint(lang: str) -> str:
    """Hashes of the model files in use, so new language data invalidates cached results."""
    parts = dict.fromkeys(lang.split("+") + ["osd"])
    return ",".join(f"{p}:{file_hash(os.path.join(tessdata(), p + '.traineddata'))}" for p in parts)


@lru_cache(maxsize=None)
def file_hash(path: str) -> str:
    """SHA-256 of a model file (first 16 hex digits), computed once per process."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


# An engine is not safe to share between threads (a Dask worker may run several).
_local = threading.local()


def _api(lang: str) -> PyTessBaseAPI:
    apis = _local.__dict__.setdefault("apis", {})
    api = apis.get(lang)
    if api is None:
        psm = PSM.OSD_ONLY if lang == "osd" else PSM.AUTO
        api = apis[lang] = PyTessBaseAPI(path=tessdata(), lang=lang, psm=psm)
    return api


def _set_image(api: PyTessBaseAPI, image: Image.Image, dpi: int) -> None:
    # Raw grey pixels go straight in; SetImage would encode the page to a file format first.
    grey = image if image.mode == "L" else image.convert("L")
    api.SetImageBytes(grey.tobytes(), grey.width, grey.height, 1, grey.width)
    api.SetSourceResolution(dpi)


def orientation(image: Image.Image, dpi: int) -> tuple[int, float]:
    """Degrees to turn the image counter-clockwise to make it upright (0/90/180/270), and OSD's confidence."""
    api = _api("osd")
    _set_image(api, image, dpi)
    found = api.DetectOrientationScript()  # None when the page has too little text to tell
    api.Clear()
    if not found or found["orient_conf"] < MIN_ORIENTATION_CONFIDENCE:
        return 0, float(found["orient_conf"]) if found else 0.0
    return int(found["orient_deg"]), float(found["orient_conf"])


def recognise(image: Image.Image, dpi: int, lang: str) -> list[Word]:
    api = _api(lang)
    _set_image(api, image, dpi)
    api.Recognize()
    words: list[Word] = []
    pending = NONE
    for it in iterate_level(api.GetIterator(), RIL.WORD):
        if it.IsAtBeginningOf(RIL.BLOCK) or it.IsAtBeginningOf(RIL.PARA):
            pending = PARA
        elif it.IsAtBeginningOf(RIL.TEXTLINE):
            pending = max(pending, LINE)
        text = it.GetUTF8Text(RIL.WORD)
        box = it.BoundingBox(RIL.WORD)
        if not text or not text.strip() or box is None:
            continue
        words.append(Word(text.strip(), pending if words else NONE, tuple(box), round(it.Confidence(RIL.WORD), 1)))
        pending = NONE
    api.Clear()
    return words
