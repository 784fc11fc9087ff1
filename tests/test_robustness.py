"""Bad input gets a recorded reason and the batch goes on; archives keep their member paths."""
from __future__ import annotations

import io
import random
import tarfile
import zipfile

import pytest

from tenderlens.collect import Limits, iter_raw
from tenderlens.pipeline import ingest
from tenderlens.store import Store

FDDC_SAMPLE = ["1021549.html", "1081953.html", "20102584.html"]


def _docs_by_source(store: Store) -> dict[str, tuple[str, str | None]]:
    rows = store.db.execute(
        "SELECT s.uri, d.status, d.error FROM sources s JOIN documents d ON d.id = s.doc_id").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture
def bad_batch(eval_dir, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    pdf = (eval_dir / "cn-gov-pdfs" / "examples" / "example.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (folder / "random.bin").write_bytes(random.Random(7).randbytes(50_000))
    (folder / "random.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(8).randbytes(20_000))
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notice.html", (eval_dir / "fddc" / "html" / FDDC_SAMPLE[0]).read_bytes())
        z.writestr("bomb.txt", b"\0" * (64 << 20))
    for name in FDDC_SAMPLE[1:]:
        (folder / name).write_bytes((eval_dir / "fddc" / "html" / name).read_bytes())
    return folder


def test_broken_files_are_recorded_and_the_rest_goes_in(bad_batch, tmp_path):
    store = Store(str(tmp_path / "t.db"))
    result = ingest([str(bad_batch)], store)
    docs = _docs_by_source(store)
    base = str(bad_batch)

    status, reason = docs[f"{base}/bomb.zip!/bomb.txt"]
    assert status == "failed" and "bomb" in reason
    assert docs[f"{base}/bomb.zip!/notice.html"][0] == "ok"
    for name in FDDC_SAMPLE[1:]:
        assert docs[f"{base}/{name}"][0] == "ok"
    assert docs[f"{base}/random.bin"] == ("failed", "unsupported format: application/octet-stream")
    assert docs[f"{base}/random.pdf"][0] == "failed" and "PDF" in docs[f"{base}/random.pdf"][1]
    # A PDF cut at a third has no cross-reference table left for pdfium to repair from.
    assert docs[f"{base}/truncated.pdf"] == ("failed", "unreadable PDF: Failed to load document (PDFium: Data format error).")
    assert result.counts["seen"] == 7 and sum(result.counts[s] for s in ("ok", "failed", "needs_ocr")) == 7


def test_bounds_on_members_depth_and_size(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep.txt", "in a zip in a zip in a zip")
    data = inner.getvalue()
    for level in range(3):
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w") as z:
            z.writestr(f"level{level}.zip", data)
        data = outer.getvalue()
    (tmp_path / "nested.zip").write_bytes(data)
    (tmp_path / "big.txt").write_bytes(b"x" * 3000)

    got = {r.source: r for r in iter_raw([str(tmp_path)], Limits(max_depth=2, max_file_bytes=2000))}
    big = got[str(tmp_path / "big.txt")]
    assert big.error and "bound" in big.error
    nested = [r for r in got.values() if "nested.zip" in r.source]
    assert len(nested) == 1 and "deeper than 2" in nested[0].error

    deep = list(iter_raw([str(tmp_path / "nested.zip")]))
    assert [r.source.split("!/", 1)[1] for r in deep] == ["level2.zip!/level1.zip!/level0.zip!/deep.txt"]
    assert deep[0].data == b"in a zip in a zip in a zip"

    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(12):
            z.writestr(f"n{i}.txt", f"notice {i}")
    got = list(iter_raw([str(many)], Limits(max_members=10)))
    assert len(got) == 1 and "member bound" in got[0].error


def test_tar_gz_and_nested_zip_keep_member_paths(eval_dir, tmp_path):
    src = eval_dir / "fddc" / "html"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("批次/公告.html", (src / FDDC_SAMPLE[1]).read_bytes())   # a Chinese member name
    tgz = tmp_path / "crawl.tar.gz"
    with tarfile.open(tgz, "w:gz") as t:
        for name, data in (("2014/a.html", (src / FDDC_SAMPLE[0]).read_bytes()), ("2014/inner.zip", inner.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    store = Store(str(tmp_path / "t.db"))
    ingest([str(tgz)], store)
    docs = _docs_by_source(store)
    assert docs[f"{tgz}!/2014/a.html"][0] == "ok"
    assert docs[f"{tgz}!/2014/inner.zip!/批次/公告.html"][0] == "ok"


def test_7z_members(eval_dir, tmp_path):
    import py7zr

    path = tmp_path / "attachments.7z"
    with py7zr.SevenZipFile(path, "w") as z:
        z.writestr((eval_dir / "fddc" / "html" / FDDC_SAMPLE[2]).read_bytes(), "附件/公告.html")
        z.writestr(b"\0" * (8 << 20), "padding.bin")
    got = {r.source.split("!/", 1)[1]: r for r in iter_raw([str(path)], Limits(max_file_bytes=4 << 20))}
    assert got["附件/公告.html"].error is None and got["附件/公告.html"].data.startswith(b"<")
    assert "bound" in got["padding.bin"].error


def test_warc_records_keep_their_urls(eval_dir, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    urls = {}
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i, name in enumerate(FDDC_SAMPLE):
            url = f"http://www.ccgp.gov.cn/cggg/example/{i}.htm"
            body = (eval_dir / "fddc" / "html" / name).read_bytes()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
            urls[url] = body
    store = Store(str(tmp_path / "t.db"))
    ingest([str(path)], store)
    docs = _docs_by_source(store)
    assert set(urls) <= set(docs)
    assert all(docs[u][0] == "ok" for u in urls)


def test_unreadable_file_is_recorded(eval_dir, tmp_path):
    (tmp_path / "dangling.html").symlink_to(tmp_path / "gone.html")
    (tmp_path / "ok.html").write_bytes((eval_dir / "fddc" / "html" / FDDC_SAMPLE[0]).read_bytes())
    store = Store(str(tmp_path / "t.db"))
    result = ingest([str(tmp_path)], store)
    docs = _docs_by_source(store)
    status, reason = docs[str(tmp_path / "dangling.html")]
    assert status == "failed" and reason.startswith("cannot read")
    assert docs[str(tmp_path / "ok.html")][0] == "ok" and result.failed == 1
