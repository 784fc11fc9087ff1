"""Legacy Word (.doc, and WPS files saved in its format) through catdoc from Debian.

antiword refuses small files and needs a charmap flag for Chinese; catdoc reads
both, so it is the one we call. The file goes through a temporary file because
catdoc reads paths, not streams.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile

from ..model import ExtractionError
from . import Extracted

TIMEOUT_S = 120


def extract(data: bytes, name: str = "") -> Extracted:
    exe = shutil.which("catdoc")
    if exe is None:
        raise ExtractionError("catdoc is not installed (apt-get install catdoc)")
    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
        f.write(data)
        f.flush()
        try:
            out = subprocess.run([exe, "-d", "utf-8", "-w", f.name], capture_output=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as e:
            raise ExtractionError(f"catdoc took over {TIMEOUT_S} s") from e
    if out.returncode != 0:
        raise ExtractionError(f"catdoc failed: {out.stderr.decode(errors='replace').strip()[:200]}")
    # catdoc marks page breaks with form feeds.
    pages = out.stdout.decode("utf-8", errors="replace").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return Extracted(pages)
