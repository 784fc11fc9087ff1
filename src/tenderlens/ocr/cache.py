"""OCR results on disk, keyed by the page image and the settings that read it.

The key hashes the rendered pixels, so the same scan inside two PDFs, or a PDF
ingested again into a fresh database, is read once. What is stored is the
engine's raw answer (words, pixel boxes, orientation): turning it into page
text is cheap and may improve without invalidating anything.

One JSON file per page image, written to a temporary name and renamed, so
workers writing concurrently, or a run killed mid-write, never leave a torn entry.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any

from PIL import Image


def key(image: Image.Image, settings: dict[str, Any]) -> str:
    h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    h.update(f"{image.mode}:{image.width}x{image.height}\0".encode())
    h.update(image.tobytes())
    return h.hexdigest()


class OcrCache:
    def __init__(self, folder: str | None):
        self.folder = folder

    def _path(self, k: str) -> str:
        return os.path.join(self.folder, k[:2], k + ".json")

    def get(self, k: str) -> dict[str, Any] | None:
        if not self.folder:
            return None
        try:
            with open(self._path(k), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):  # absent, or unreadable: read the page again
            return None

    def put(self, k: str, value: dict[str, Any]) -> None:
        if not self.folder:
            return
        path = self._path(k)
        tmp = None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            # A full or read-only cache costs time on the next run, never a result.
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)
