"""Hostile and unlucky input: every run ends within its bound, in bounded memory, with the
good documents of the batch stored and the bad one recorded with its reason.

Inputs are generated here, at test time. The worst cases run in a child process whose
address space is capped (RLIMIT_AS), so a bound that fails shows as a killed child, not
as a test machine out of memory; the child reports its own peak resident memory.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from tenderlens.collect import Limits, iter_raw
from tenderlens.extract import extract_document
from tenderlens.model import RawDoc
from tenderlens.store import Store

GOOD = ["1021549.html", "1081953.html"]
ADDRESS_SPACE = 2 << 30   # the child's whole virtual memory
PEAK_RSS_MB = 450         # what a child may touch; a bare ingest of one notice peaks near 80 MB
SECONDS = 90              # wall time of one child run, imports included, on a shared 2-core machine

_CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
from tenderlens.collect import Limits
from tenderlens.executors import SerialExecutor
from tenderlens.pipeline import ingest
from tenderlens.store import Store
store = Store(sys.argv[1])
result = ingest(json.loads(sys.argv[2]), store, SerialExecutor(doc_seconds=60),
                follow_links=sys.argv[4] == "1")
store.close()
# VmHWM, not ru_maxrss: the latter keeps the peak of the test process this child was forked from.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"counts": dict(result.counts), "peak_mb": int(hwm.split()[1]) / 1024}))
"""


def ingest_bounded(paths: list[Path], db: Path, follow_links: bool = False) -> dict:
    """Ingest in a memory-capped child; its counts, peak memory (MB) and wall time (s)."""
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(db), json.dumps([str(p) for p in paths]),
                           str(ADDRESS_SPACE), "1" if follow_links else "0"],
                          capture_output=True, text=True, timeout=SECONDS * 2)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["seconds"] = time.monotonic() - t0
    assert out["seconds"] < SECONDS and out["peak_mb"] < PEAK_RSS_MB, out
    return out


def stored(db: Path) -> dict[str, dict]:
    store = Store(str(db), readonly=True)
    rows = store.db.execute("SELECT s.uri, s.raw, d.status, d.error, d.warnings, d.n_pages"
                            " FROM sources s JOIN documents d ON d.id = s.doc_id").fetchall()
    store.close()
    return {r[0]: {"raw": r[1], "status": r[2], "error": r[3], "warnings": json.loads(r[4] or "[]"),
                   "pages": r[5]} for r in rows}


@pytest.fixture
def batch(eval_dir, tmp_path) -> Path:
    """A folder holding two good notices; each test adds its hostile file beside them."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in GOOD:
        (folder / name).write_bytes((eval_dir / "fddc" / "html" / name).read_bytes())
    return folder


def assert_good_landed(docs: dict, folder: Path) -> None:
    for name in GOOD:
        assert docs[str(folder / name)]["status"] == "ok", docs


# -- special files -----------------------------------------------------------------

def test_special_files_are_skipped_and_links_out_are_not_followed(batch, tmp_path):
    os.mkfifo(batch / "pipe.html")
    (batch / "zero.html").symlink_to("/dev/zero")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.html").write_text("<p>not for the dataset</p>")
    (batch / "secret.html").symlink_to(outside / "secret.html")
    (batch / "elsewhere").symlink_to(outside, target_is_directory=True)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(batch / "app.sock"))
    try:
        run = ingest_bounded([batch], tmp_path / "t.db")
        docs = stored(tmp_path / "t.db")
        assert_good_landed(docs, batch)
        assert "named pipe" in docs[str(batch / "pipe.html")]["error"]
        assert "socket" in docs[str(batch / "app.sock")]["error"]
        for name in ("zero.html", "secret.html", "elsewhere"):
            assert "link leads out of the input folder" in docs[str(batch / name)]["error"], name
        assert run["counts"]["failed"] == 5 and run["counts"]["ok"] == 2

        # Asked to follow links: the file outside is read, the device still is not.
        ingest_bounded([batch], tmp_path / "follow.db", follow_links=True)
        docs = stored(tmp_path / "follow.db")
        assert docs[str(batch / "secret.html")]["status"] == "ok"
        assert docs[str(batch / "elsewhere" / "secret.html")]["status"] == "ok"
        assert "character device" in docs[str(batch / "zero.html")]["error"]
        assert "named pipe" in docs[str(batch / "pipe.html")]["error"]
    finally:
        sock.close()


def test_a_file_named_on_the_command_line_is_read_only_if_regular(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    got = list(iter_raw([str(tmp_path / "pipe"), "/dev/zero"]))
    assert "named pipe" in got[0].error and "character device" in got[1].error
    assert all(r.data == b"" for r in got)


# -- names that are not UTF-8 ------------------------------------------------------

GBK_NAME = "公告".encode("gbk") + b".html"   # what a Chinese Windows machine writes


def test_names_that_are_not_utf8_are_escaped_with_raw_bytes_kept(batch, eval_dir, tmp_path):
    notice = (eval_dir / "fddc" / "html" / "20102584.html").read_bytes()
    (Path(os.fsdecode(bytes(batch) + b"/" + GBK_NAME))).write_bytes(notice)
    with tarfile.open(batch / "gbk.tar", "w", encoding="utf-8", errors="surrogateescape") as t:
        info = tarfile.TarInfo(os.fsdecode(b"dir/" + GBK_NAME))
        data = notice.replace(b"</body>", b"<p>tar copy</p></body>")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    for attempt in range(2):  # a rerun meets the same names and must not crash either
        run = ingest_bounded([batch], tmp_path / "t.db")
        docs = stored(tmp_path / "t.db")
        assert_good_landed(docs, batch)
        on_disk = docs[str(batch) + "/\\xb9\\xab\\xb8\\xe6.html"]
        assert on_disk["status"] == "ok" and on_disk["pages"] == 1
        assert on_disk["raw"] == bytes(batch) + b"/" + GBK_NAME
        in_tar = docs[str(batch / "gbk.tar") + "!/dir/\\xb9\\xab\\xb8\\xe6.html"]
        assert in_tar["status"] == "ok" and in_tar["raw"].endswith(b"!/dir/" + GBK_NAME)
        assert run["counts"].get("failed", 0) == 0
    assert run["counts"]["already_stored"] == 4


# -- expansion, counted in bytes produced ------------------------------------------

def _gzip_of_zeros(total: int, piece: int = 4 << 20) -> bytes:
    """A gzip stream of `total` zero bytes, made by repeating one small member (gzip members concatenate)."""
    member = gzip.compress(b"\0" * piece, 9)
    return member * (total // piece)


def _tar_bomb(members: int, size: int) -> bytes:
    """A .tar.gz of `members` files of `size` zero bytes each, built without expanding it here."""
    out = []
    for i in range(members):
        info = tarfile.TarInfo(f"z/{i}.bin")
        info.size = size
        out.append(gzip.compress(info.tobuf(format=tarfile.USTAR_FORMAT), 9))
        out.append(_gzip_of_zeros(size))
    return b"".join(out)


def _zip_of_small_members(n: int, size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            z.writestr(f"m{i}.txt", b" " * size)
    return buf.getvalue()


def _docx_with_body(xml_bytes: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", b"<w:p/>" * (xml_bytes // 6))
    return buf.getvalue()


def _sevenzip_of_zeros(members: int, size: int) -> bytes:
    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        for i in range(members):
            z.writestr(b"\0" * size, f"z{i}.bin")
    return buf.getvalue()


BOMBS = {
    # 1 GiB in members of 16 MiB, each under every size bound: only bytes produced can stop it
    "tar.gz": ("bomb.tar.gz", lambda: _tar_bomb(64, 16 << 20), "250:1"),
    # one member of 768 MiB of zeros, from under 1 MB
    "gzip": ("bomb.txt.gz", lambda: _gzip_of_zeros(768 << 20), "250:1"),
    # 400 members of 256 KiB of spaces: each under the 1 MiB floor of the member check
    "zip": ("small.zip", lambda: _zip_of_small_members(400, 256 << 10), "250:1"),
    # 8 members of 8 MiB zeros in one solid block: decoded a batch at a time, charged as produced
    "7z": ("bomb.7z", lambda: _sevenzip_of_zeros(8, 8 << 20), "250:1"),
    # a body XML of 132 MiB in a file of about 1 MB
    "docx": ("report.docx", lambda: _docx_with_body(132 << 20), "over the 134217728-byte bound for one part"),
}


@pytest.mark.parametrize("kind", list(BOMBS))
def test_expansion_is_bounded_by_bytes_produced(kind, batch, tmp_path):
    name, make, reason = BOMBS[kind]
    (batch / name).write_bytes(make())
    run = ingest_bounded([batch], tmp_path / "t.db")
    docs = stored(tmp_path / "t.db")
    assert_good_landed(docs, batch)
    bad = {uri: d for uri, d in docs.items() if name in uri and d["status"] == "failed"}
    assert any(reason in d["error"] for d in bad.values()), docs
    assert run["counts"]["ok"] == 2


def test_gzip_ratio_is_checked_even_within_the_size_bounds(tmp_path):
    # 64 MiB from 64 KB passes every size bound; only the ratio says it is a bomb.
    (tmp_path / "zeros.gz").write_bytes(gzip.compress(b"\0" * (64 << 20), 9))
    got = list(iter_raw([str(tmp_path / "zeros.gz")]))
    assert len(got) == 1 and got[0].data == b"" and "expands over the 250:1 bound" in got[0].error


def test_archive_budget_counts_nested_members(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:  # stored, not compressed: no ratio to trip
        for i in range(4):
            z.writestr(f"n{i}.txt", os.urandom(300_000))
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as z:
        z.writestr("inner.zip", inner.getvalue())
    got = list(iter_raw([str(tmp_path / "outer.zip")], Limits(max_expanded_bytes=2_000_000)))
    assert [r.error is None for r in got[:1]] == [True]
    assert any("expands past 2000000 bytes" in (r.error or "") for r in got)


# -- text kept, or a warning --------------------------------------------------------

def _warc(records: list[tuple[str, bytes]], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    return buf.getvalue()


def test_text_is_kept_or_its_loss_is_a_warning(batch, eval_dir, tmp_path):
    notice = (eval_dir / "fddc" / "html" / "20102584.html").read_bytes()
    # 200,000 nested elements, past libxml2's nesting bound.
    (batch / "deep.html").write_text("<html><body>" + "<div>" * 200_000 + "深处的采购文字"
                                     + "</div>" * 200_000 + "</body></html>")
    # A UTF-8 page that declares gb2312, as many portals serve them; and the same page really in GB bytes.
    declared = notice.replace(b"<head>", b'<head><meta charset="gb2312">')
    (batch / "utf8.html").write_bytes(declared)
    (batch / "gbk.html").write_bytes(declared.decode("utf-8").encode("gb18030"))
    # A WARC capture whose download was cut inside its second record.
    records = [("http://www.ccgp.gov.cn/a.htm", notice),
               ("http://www.ccgp.gov.cn/b.htm", notice.replace(b"</body>", b"<p>" + b"x" * 200_000 + b"</p></body>"))]
    warc = _warc(records, gz=True)
    (batch / "cut.warc.gz").write_bytes(warc[: len(warc) - 400])
    ingest_bounded([batch], tmp_path / "t.db")
    docs = stored(tmp_path / "t.db")
    assert_good_landed(docs, batch)

    store = Store(str(tmp_path / "t.db"), readonly=True)

    def page_text(uri: str) -> str:
        doc_id = store.db.execute("SELECT doc_id FROM sources WHERE uri=?", (uri,)).fetchone()[0]
        return "".join(p["text"] for p in store.pages(doc_id))

    deep = docs[str(batch / "deep.html")]
    assert deep["status"] == "ok" and "深处的采购文字" in page_text(str(batch / "deep.html"))
    assert any("HTML parser limit" in w for w in deep["warnings"])
    utf8 = docs[str(batch / "utf8.html")]
    assert utf8["status"] == "ok" and any("bytes are UTF-8" in w for w in utf8["warnings"])
    expected = extract_document(RawDoc("n.html", notice, "n.html")).pages[0].text
    assert page_text(str(batch / "utf8.html")) == expected == page_text(str(batch / "gbk.html"))
    assert docs[str(batch / "gbk.html")]["warnings"] == []
    assert docs["http://www.ccgp.gov.cn/a.htm"]["warnings"] == []
    cut = docs["http://www.ccgp.gov.cn/b.htm"]
    assert cut["status"] == "ok" and any("cut short" in w for w in cut["warnings"])

    stats = store.stats()
    assert stats["documents_with_warnings"] == 3
    assert {w["source"] for w in stats["warnings"]} == {str(batch / "deep.html"), str(batch / "utf8.html"),
                                                        "http://www.ccgp.gov.cn/b.htm"}
    cut_id = store.db.execute("SELECT doc_id FROM sources WHERE uri LIKE '%b.htm'").fetchone()[0]
    store.close()

    # Shown by the commands, and exported.
    from click.testing import CliRunner

    from tenderlens.cli import main

    db = str(tmp_path / "t.db")
    shown = json.loads(CliRunner().invoke(main, ["show", cut_id, "--json", "--db", db]).output)
    assert shown["warnings"] == cut["warnings"]
    assert "warning: WARC record is cut short" in CliRunner().invoke(main, ["show", cut_id, "--db", db]).output
    assert "3 with warnings" in CliRunner().invoke(main, ["stats", "--db", db]).output
    out = tmp_path / "export.jsonl"
    assert CliRunner().invoke(main, ["export", "--db", db, "--out", str(out)]).exit_code == 0
    exported = {r["doc_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert exported[cut_id]["warnings"] == cut["warnings"]


def test_a_text_run_over_10_mb_is_kept_whole():
    # 10.5 MB of UTF-8 in one text node: libxml2 drops it without its huge-tree option.
    page = "<html><body><p>开头" + "文" * 3_500_000 + "长文末尾</p></body></html>"
    doc = extract_document(RawDoc("long.html", page.encode("utf-8"), "long.html"))
    assert doc.status == "ok" and doc.warnings == []
    assert doc.pages[0].text.startswith("开头") and doc.pages[0].text.endswith("长文末尾")
    assert len(doc.pages[0].text) == 2 + 3_500_000 + 4


def test_a_gb2312_page_in_gbk_bytes_is_read_without_warning(eval_dir):
    from tenderlens.extract.encoding import decode

    page = '<meta charset="gb2312"><p>视频监控系统采购项目中标公告</p>'
    got = decode(page.encode("gbk"), markup=True)
    assert got == ("<meta charset=\"gb2312\"><p>视频监控系统采购项目中标公告</p>", "gb18030", None)
    got = decode(page.encode("utf-8"), markup=True)
    assert got.text == page and got.encoding == "utf-8" and "gb2312" in got.warning
    cut = ("视频监控系统采购项目中标公告。" * 20).encode("utf-8")[:-1]  # a UTF-8 page cut inside a character
    got = decode(cut, markup=False)
    assert got.encoding == "utf-8" and got.text.endswith("告\ufffd") and "1 byte sequences" in got.warning


def test_a_huge_text_document_keeps_its_first_part_and_says_it_was_cut(monkeypatch):
    import tenderlens.extract as extract

    monkeypatch.setattr(extract, "MAX_TEXT_CHARS", 1000)
    monkeypatch.setattr(extract, "MAX_MARKUP_BYTES", 6000)
    page = ("<html><body><p>开头" + "文" * 3000 + "</p></body></html>").encode("utf-8")
    doc = extract_document(RawDoc("big.html", page, "big.html"))
    assert doc.status == "ok" and doc.pages[0].text.startswith("开头") and 990 < len(doc.pages[0].text) <= 1000
    assert doc.warnings[0] == f"html file of {len(page)} bytes: only its first 6000 bytes were read"
    assert doc.warnings[1].startswith("text of 2") and doc.warnings[1].endswith("characters cut to its first 1000")
    assert len(doc.warnings) == 2
