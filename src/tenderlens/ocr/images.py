"""Page images for OCR: PDF pages rendered whole, image files decoded frame by frame, both bounded.

A scanned PDF page is often a mosaic (a background photo plus 1-bit text
strips, redaction boxes, stamps): OCR must see the page as a reader sees it,
so it is rendered whole rather than its embedded images read one by one.
"""
from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator

import pypdfium2 as pdfium
from PIL import Image, ImageOps


class PageImageError(Exception):
    """A page that cannot be turned into an image; the message is recorded on the page."""


def pdf_pages(data: bytes, numbers: list[int], dpi: int, max_pixels: int) -> Iterator[tuple[int, Image.Image | PageImageError, int]]:
    """(page number, grey image or the error, dpi used) for each wanted page, as the PDF displays it."""
    pdf = pdfium.PdfDocument(data)
    try:
        for n in numbers:
            try:
                page = pdf[n - 1]
                try:
                    w, h = page.get_size()  # points, /Rotate applied
                    # An oversized page (a site plan) is rendered smaller, not refused.
                    used = min(dpi, int(72 * math.sqrt(max_pixels / max(w * h, 1.0))))
                    if used < 50:
                        raise PageImageError(f"page is {w / 72:.0f}x{h / 72:.0f} inches, too large to OCR")
                    bitmap = page.render(scale=used / 72, grayscale=True)
                    yield n, bitmap.to_pil().copy(), used
                finally:
                    page.close()
            except PageImageError as e:
                yield n, e, dpi
            except pdfium.PdfiumError as e:
                yield n, PageImageError(f"page could not be rendered: {e}"), dpi
    finally:
        pdf.close()


def image_frames(data: bytes, numbers: list[int], max_pixels: int) -> Iterator[tuple[int, Image.Image | PageImageError, int]]:
    """(frame number, grey image or the error, dpi) for each wanted frame of an image file (TIFF scans hold many)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        error = PageImageError(f"image refused as a possible decompression bomb: {e}")
        yield from ((n, error, 0) for n in numbers)
        return
    except (OSError, ValueError) as e:
        error = PageImageError(f"unreadable image: {e}")
        yield from ((n, error, 0) for n in numbers)
        return
    with image:
        for n in numbers:
            try:
                yield n, *_frame(image, n, max_pixels)
            except PageImageError as e:
                yield n, e, 0


def frame_count(data: bytes) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused, with its reason, at OCR
            with Image.open(io.BytesIO(data)) as image:
                return getattr(image, "n_frames", 1)
    except Exception:  # unreadable or refused: one page, whose OCR records why
        return 1


def _frame(image: Image.Image, n: int, max_pixels: int) -> tuple[Image.Image, int]:
    try:
        image.seek(n - 1)
    except (OSError, ValueError, EOFError) as e:
        raise PageImageError(f"image frame {n} could not be read: {e}") from e
    w, h = image.size  # from the frame header: checked before any pixel is decoded
    if w * h > max_pixels:
        raise PageImageError(f"image is {w}x{h} pixels, over the limit of {max_pixels / 1e6:.0f} megapixels"
                             " (a decompression bomb or an oversized scan)")
    try:
        frame = ImageOps.exif_transpose(image)
        if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
            # Transparent pixels are usually black underneath: read the image as shown, on white.
            frame = Image.alpha_composite(Image.new("RGBA", frame.size, "white"), frame.convert("RGBA"))
        return frame.convert("L"), _dpi(image)
    except (OSError, ValueError, EOFError) as e:
        raise PageImageError(f"image frame {n} could not be decoded: {e}") from e


def _dpi(image: Image.Image) -> int:
    """The scan's own resolution when it states a plausible one, else Tesseract's usual 300."""
    dpi = image.info.get("dpi")
    try:
        x = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return 300
    return x if 70 <= x <= 1200 else 300
