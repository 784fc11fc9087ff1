"""Chinese government PDF pages turned into scans and photos at test time, with their text layer as ground truth.

Variants (fixed seeds, so every run reads the same pixels):
  clean    the page rendered at 300 dpi, grey
  scanned  200 dpi, grey, skewed 1-2 degrees, sensor noise, saved as JPEG quality 40
  photo    300 dpi, perspective (a phone held at a slant), uneven light, blur

Scoring is order-free (a table read row by row or cell by cell holds the same characters):
the character error rate compares the multisets of characters, width-folded, without
whitespace and without leaders (a table of contents' ......, a form's blanks ____: lines, not text).
"""
from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

VARIANTS = ("clean", "scanned", "photo")
_LEADERS = re.compile(r"[.·…]{3,}|_{2,}")
# Ground-truth names and amounts, to check that what a researcher looks for survives OCR.
_COMPANY = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|研究院|事务所)")
_AMOUNT = re.compile(r"[¥￥]\s*\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*万?元|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{4,}\.\d{2}")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", _LEADERS.sub("", unicodedata.normalize("NFKC", text)))


def cer(truth: str, read: str) -> tuple[int, int]:
    """(errors, characters of truth): a substitution counts once, as the larger of missing and extra."""
    a, b = Counter(flat(truth)), Counter(flat(read))
    return max(sum((a - b).values()), sum((b - a).values())), sum(a.values())


def landmarks(truth: str) -> list[str]:
    """Company names and amounts of the ground truth, flattened as they are compared."""
    text = unicodedata.normalize("NFKC", truth)
    found = [m.group(0) for m in _COMPANY.finditer(text)] + [m.group(0) for m in _AMOUNT.finditer(text)]
    return [flat(f) for f in found if len(flat(f)) >= 4]


def page_text(pdf_path: Path, index: int) -> str:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[index].get_textpage().get_text_range()
    finally:
        pdf.close()


def page_image(pdf_path: Path, index: int, variant: str, seed: int) -> tuple[Image.Image, int]:
    """The page as a scan or photo of the given variant, and the resolution it stands at."""
    dpi = 200 if variant == "scanned" else 300
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    rng = np.random.default_rng(seed)
    if variant == "scanned":
        angle = float(rng.uniform(1, 2) * rng.choice([-1, 1]))
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 12, (image.height, image.width))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=40)
        image = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    elif variant == "photo":
        image = _perspective(image, rng)
        w, h = image.size
        # Light falling off from one corner to the other: 100% to about 60%.
        gx, gy = np.meshgrid(np.linspace(0, 1, w, dtype=np.float32), np.linspace(0, 1, h, dtype=np.float32))
        light = 1.0 - 0.4 * (0.6 * gx + 0.4 * gy)
        pixels = np.asarray(image, dtype=np.float32) * light
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.2))
    return image, dpi


def _perspective(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The page as a camera sees it at a slant: each corner pulled in by up to 4% of the side."""
    w, h = image.size
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    moved = [(x + (1 if x == 0 else -1) * rng.uniform(0, 0.04) * w, y + (1 if y == 0 else -1) * rng.uniform(0, 0.04) * h)
             for x, y in corners]
    # PIL maps each output pixel back into the source: solve for the 8 coefficients doing that.
    rows, rhs = [], []
    for (x, y), (u, v) in zip(moved, corners):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    coeffs = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return image.transform((w, h), Image.PERSPECTIVE, tuple(coeffs), resample=Image.BICUBIC, fillcolor=235)
