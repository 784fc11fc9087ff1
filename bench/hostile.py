"""Hostile inputs at the sizes first reported, each ingested beside two good notices in a
memory-capped child process: wall time, peak resident memory and what was recorded.

    .venv/bin/python bench/hostile.py [--cap-gb 3] [--only tar.gz,7z]

The test suite (tests/test_hostile.py) runs the same classes scaled down to seconds; this
shows the bounds hold at full size. Inputs are generated in a temporary folder and removed.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_hostile import _CHILD, _gzip_of_zeros, _sevenzip_of_zeros, _tar_bomb, _warc, _zip_of_small_members  # noqa: E402

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
GOOD = ["1021549.html", "1081953.html"]


def _docx(xml_bytes: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            piece = b"<w:p/>" * (1 << 20)
            for _ in range(xml_bytes // len(piece)):
                f.write(piece)
    return buf.getvalue()


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.html")
    (folder / "zero.html").symlink_to("/dev/zero")
    return "named pipe + link to /dev/zero"


def _write(name: str, make):
    def build(folder: Path) -> str:
        data = make()
        (folder / name).write_bytes(data)
        return f"{name}, {len(data):,} bytes"
    return build


def _html(name: str, text: str):
    def build(folder: Path) -> str:
        (folder / name).write_text(text, encoding="utf-8")
        return f"{name}, {len(text.encode()):,} bytes"
    return build


def _big_warc(folder: Path) -> str:
    # 300 MiB of text that compresses like prose (about 2:1), in paragraphs
    words = os.urandom(150 << 20).hex().encode()
    body = b"<html><body>" + b"".join(b"<p>" + words[i:i + 4096] + b"</p>" for i in range(0, len(words), 4096)) \
        + b"</body></html>"
    data = _warc([("http://www.ccgp.gov.cn/huge.htm", body)], gz=True)
    (folder / "huge.warc.gz").write_bytes(data)
    return f"huge.warc.gz, {len(data):,} bytes, one record of {len(body):,} bytes"


CASES = {
    "special files": (_fifo, "never blocks, never reads a device"),
    "tar.gz": (_write("bomb.tar.gz", lambda: _tar_bomb(160, 64 << 20)), "250:1 of bytes produced, 4 GiB per archive"),
    "gzip": (_write("bomb.txt.gz", lambda: _gzip_of_zeros(4 << 30)), "250:1 of bytes produced"),
    "zip small members": (_write("small.zip", lambda: _zip_of_small_members(20_000, 512 << 10)),
                           "250:1 over the whole archive"),
    "7z": (_write("bomb.7z", lambda: _sevenzip_of_zeros(16, 256 << 20)), "batches of 512 MiB, 250:1 as produced"),
    "docx body XML": (_write("report.docx", lambda: _docx(1536 << 20)), "128 MiB per part, 512 MiB per package"),
    "HTML text run": (_html("long.html", "<html><body><p>" + "文" * 4_000_000 + "末尾</p></body></html>"),
                      "huge_tree; 8M characters per document"),
    "HTML nesting": (_html("deep.html", "<html><body>" + "<div>" * 200_000 + "深处" + "</div>" * 200_000
                           + "</body></html>"), "flat reading past 2048 levels, with a warning"),
    "WARC 300 MiB record": (_big_warc, "32 MiB of markup, 8M characters, with a warning"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cap-gb", type=float, default=3.0, help="address-space cap of the child (GiB)")
    ap.add_argument("--only", help="comma-separated case names")
    args = ap.parse_args()
    wanted = args.only.split(",") if args.only else list(CASES)
    print("| class | input | bound | seconds | peak MB | recorded |")
    print("|---|---|---|---|---|---|")
    for name in wanted:
        build, bound = CASES[name]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "batch"
            folder.mkdir()
            for good in GOOD:
                (folder / good).write_bytes((EVAL / "fddc" / "html" / good).read_bytes())
            described = build(folder)
            db = Path(tmp) / "t.db"
            t0 = time.monotonic()
            proc = subprocess.run([sys.executable, "-c", _CHILD, str(db), json.dumps([str(folder)]),
                                   str(int(args.cap_gb * (1 << 30))), "0"], capture_output=True, text=True)
            seconds = time.monotonic() - t0
            if proc.returncode:
                print(f"| {name} | {described} | {bound} | {seconds:.1f} | - | CHILD FAILED: "
                      f"{proc.stderr.strip().splitlines()[-1][:120] if proc.stderr.strip() else proc.returncode} |")
                continue
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            conn = sqlite3.connect(db)
            rows = conn.execute("SELECT s.uri, d.status, d.error, d.warnings FROM sources s"
                                " JOIN documents d ON d.id = s.doc_id").fetchall()
            conn.close()
            good_ok = sum(1 for uri, status, _, _ in rows if Path(uri).name in GOOD and status == "ok")
            bad = [f"{status}: {(error or warnings or '')[:90]}" for uri, status, error, warnings in rows
                   if Path(uri).name not in GOOD and (error or warnings)][:2]
            print(f"| {name} | {described} | {bound} | {seconds:.1f} | {run['peak_mb']:.0f} | "
                  f"good {good_ok}/2; {'; '.join(bad)} |")


if __name__ == "__main__":
    main()
