"""Hostile text on the way out: what the web app, the exports and the command line show.

Every input is generated here at test time and goes through the real pipeline
(ingest extracts, OCRs and analyses): notices whose titles, file names, archive
member names and PDF metadata carry ID-card and mobile numbers, rich markup,
terminal control sequences and spreadsheet formulas; a 649-byte PDF whose page
box is 20000 points square; a PNG header claiming 10^10 pixels; a scan with a
phone number on it. One test per class of problem, each able to fail.
"""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont, ImageStat

from tenderlens.cli import main
from tenderlens.ocr.settings import OcrSettings
from tenderlens.pipeline import ingest
from tenderlens.spreadsheet import FORMULA_START
from tenderlens.store import PAGES_FTS, Store
from tenderlens.store.fts import MAX_QUERY_CHARS, MAX_TERMS, index_text
from tenderlens.store.search import search
from tenderlens.web import create_app
from tenderlens.web.originals import MAX_RENDER_PIXELS

MOBILE, MOBILE_AFTER_LETTERS, ID18, ID15 = "13912345678", "13755500007", "110101199003071234", "110101900307123"
# Every identifier as the documents below print it, and the digits that must never be shown or found.
SECRETS = (MOBILE, MOBILE_AFTER_LETTERS, ID18, ID15, "19900307", "12345678", "55500007")
NOTICE = f"""<html><head><title>=HYPERLINK("http://x") 联系人{MOBILE} [/x] 招标公告</title></head><body>
<p>项目名称：-人脸识别系统采购</p>
<p>-2+3 视频监控 摄像机50台，第3包</p>
<p>+雪亮工程 联系电话：TEL{MOBILE_AFTER_LETTERS} 身份证 110101 19900307 1234 旧证 {ID15}</p>
<p>预算金额：100万元</p>
</body></html>"""
# Text that would drive a terminal: set its title, clear the screen, a one-byte CSI, a bidi override.
CONTROL = "\x1b]0;pwned\x07 \x1b[2J \x9b31m \u202e"
HOSTILE_TEXT = f"监控 {CONTROL} 反斜杠\\监控 [/x] [bold]结束\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def huge_page_pdf(points: int) -> bytes:
    from pypdf import PdfWriter
    w = PdfWriter()
    w.add_blank_page(width=points, height=points)
    w.add_metadata({"/Author": f"张三 {MOBILE}", "/Title": f"报价 {ID18}"})
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with one row of data: a decompression bomb's shape."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def scan_png() -> bytes:
    image = Image.new("L", (1400, 300), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    draw.text((40, 40), f"Contact TEL {MOBILE}", fill=0, font=font)
    draw.text((40, 160), "Camera tender notice", fill=0, font=font)
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("exposure")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / f"联系人{MOBILE}.html").write_text(NOTICE, encoding="utf-8")
    (corpus / "title-only.html").write_text(f"<html><head><title>联系人 {MOBILE}</title></head>"
                                            "<body><p>视频监控 采购公告</p></body></html>", encoding="utf-8")
    (corpus / "ctl\x1b[2J\x9bname 监控.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    with zipfile.ZipFile(corpus / "bids.zip", "w") as z:
        z.writestr(f"身份证{ID18}.txt", "投标人 视频监控 报价单\n")
    (corpus / "huge.pdf").write_bytes(huge_page_pdf(20000))
    (corpus / "bomb.png").write_bytes(png_header_only(100_000, 100_000))
    path = str(root / "exposure.db")
    store = Store(path)
    ingest([str(corpus)], store)
    scans = root / "scans"
    scans.mkdir()
    (scans / "scan.png").write_bytes(scan_png())
    ingest([str(scans)], store, ocr=OcrSettings(mode="always", lang="eng", cache_dir=None))
    store.close()
    return path


def doc_where(db: str, sql: str, *params) -> str:
    store = Store(db, readonly=True)
    try:
        return store.db.execute(sql, params).fetchone()[0]
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(db), base_url="http://127.0.0.1")


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} shown in {where}"


# -- DNS rebinding -------------------------------------------------------------------------------

def test_only_requests_addressed_to_the_server_are_answered(db):
    app = create_app(db, allowed_hosts=("0.0.0.0", "newsroom-nas.local"))
    for host, status in [("127.0.0.1:8765", 200), ("localhost:8765", 200), ("LOCALHOST", 200), ("[::1]:8765", 200),
                         ("newsroom-nas.local:8765", 200), ("0.0.0.0:8765", 200),
                         ("attacker.example", 400), ("attacker.example:8765", 400), ("127.0.0.1.attacker.example", 400),
                         ("[::2]:8765", 400), ("", 400)]:
        r = TestClient(app).get("/search?q=监控", headers={"host": host})
        assert r.status_code == status, host
        if status == 400:
            assert "allowed-host" in r.text and "监控" not in r.text and "doc/" not in r.text
    # What every route shares: exports and originals too.
    assert TestClient(app).get("/export.json", headers={"host": "evil.example"}).status_code == 400


# -- Spreadsheet formulas ------------------------------------------------------------------------

def csv_cells(text: str) -> list[str]:
    import csv
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_csv_exports_never_start_a_cell_with_a_formula(db, client, tmp_path):
    outputs = {
        "web documents": client.get("/export.csv?q=监控").content.decode("utf-8-sig"),
        "web facts": client.get("/export.csv?rows=facts").content.decode("utf-8-sig"),
    }
    res = run("export", "--format", "csv", "--db", db, "--out", tmp_path / "out.csv")
    assert res.exit_code == 0, res.output
    outputs["cli"] = (tmp_path / "out.csv").read_text("utf-8")
    for name, text in outputs.items():
        cells = csv_cells(text)
        assert cells, name
        bad = [c for c in cells if c.startswith(FORMULA_START)]
        assert not bad, f"{name}: {bad[:3]}"
    # The facts of the notice quote lines starting with - and +: kept, behind an apostrophe.
    facts = csv_cells(outputs["web facts"])
    assert "'-人脸识别系统采购" in facts and any(c.startswith("'+雪亮工程") for c in facts)


# -- Query and parameter bounds ------------------------------------------------------------------

def test_huge_queries_are_refused_at_once(db, client):
    words = " ".join(f"w{i}" for i in range(6000))
    start = time.monotonic()
    r = client.get("/search", params={"q": words})
    assert r.status_code == 400 and "query too long" in r.text
    terms = " ".join(["监控"] * (MAX_TERMS + 1))
    assert len(terms) <= MAX_QUERY_CHARS
    r = client.get("/search", params={"q": terms})
    assert r.status_code == 400 and "too many terms" in r.text
    assert client.get("/search", params={"q": " ".join(["监控"] * MAX_TERMS)}).status_code == 200
    res = run("search", words, "--db", db)
    assert res.exit_code == 2 and "query too long" in res.output
    assert time.monotonic() - start < 30  # a hang guard: these answers take milliseconds


def test_every_bad_parameter_is_a_400_with_a_message(db, client):
    doc = doc_where(db, "SELECT id FROM documents WHERE format = 'pdf'")
    for url in ["/search?page=0", "/search?page=-1", "/search?page=" + "9" * 30, "/search?page=" + "9" * 5000,
                "/search?page=²", "/search?page=１", "/search?year=２０１９", "/search?year=20190",
                "/search?sort=sideways", "/search?date_from=2019-02-30", "/search?surv=2",
                "/search?" + "&".join(f"cat=c{i}" for i in range(60)), "/search?buyer=" + "局" * 600,
                "/search?q=%00", "/search?q=-", "/search?q=OR", '/search?q="', "/search?q=***",
                "/timeline?by=week", "/map?page=x", "/export.xml", "/export.csv?rows=pages",
                f"/doc/{doc}/page/abc.png", f"/doc/{doc}/page/0.png", f"/doc/{doc}/page/-3.png",
                f"/doc/{doc}/page/{'9' * 30}.png", f"/doc/{doc}/page/1e9.png", "/doc/" + "g" * 64]:
        r = client.get(url)
        assert 400 <= r.status_code < 500, (url, r.status_code)
        assert "error-message" in r.text and "Traceback" not in r.text, url
    for args in (["search", "监控", "--limit", "-1"], ["search", "监控", "--offset", "9" * 30],
                 ["search", "监控", "--year", "9" * 30], ["show", doc, "--page", "9" * 30]):
        res = run(*args, "--db", db)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output


# -- Rendering bounded by pixels -----------------------------------------------------------------

RENDER = textwrap.dedent("""
    import io, json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from fastapi.testclient import TestClient
    from PIL import Image
    from tenderlens.web import create_app
    r = TestClient(create_app(sys.argv[1]), base_url="http://127.0.0.1").get(sys.argv[2])
    size = Image.open(io.BytesIO(r.content)).size if r.status_code == 200 else None
    print(json.dumps({"status": r.status_code, "size": size, "text": r.text[-2000:] if size is None else "",
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def render_in_subprocess(db: str, url: str) -> dict:
    out = subprocess.run([sys.executable, "-c", RENDER, db, url], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_page_images_are_drawn_within_a_pixel_budget(db):
    # Uncapped, this 649-byte page would be 32000 x 32000 pixels: 4 GB of RGBA, over the 2 GB address limit.
    assert len(huge_page_pdf(20000)) < 1000
    doc = doc_where(db, "SELECT id FROM documents WHERE format = 'pdf'")
    got = render_in_subprocess(db, f"/doc/{doc}/page/1.png")
    assert got["status"] == 200, got
    w, h = got["size"]
    assert w * h <= MAX_RENDER_PIXELS and w > 1000
    assert got["rss_mb"] < 700, got
    # An image whose header claims 10^10 pixels is refused before a pixel is decoded.
    bomb = doc_where(db, "SELECT d.id FROM documents d JOIN sources s ON s.doc_id = d.id WHERE s.uri LIKE '%bomb.png'")
    got = render_in_subprocess(db, f"/doc/{bomb}/page/1.png")
    assert got["status"] == 422 and "megapixels" in got["text"], got
    assert got["rss_mb"] < 700, got


# -- Masking in everything shown, exported or indexed ----------------------------------------------

def test_identifiers_are_masked_in_titles_names_metadata_and_exports(db, client):
    shown = {
        "search page": client.get("/search", params={"q": "监控"}).text,
        "browse page": client.get("/search").text,
        "json export": client.get("/export.json").text,
        "facts export": client.get("/export.json?rows=facts").text,
        "csv export": client.get("/export.csv").content.decode("utf-8-sig"),
    }
    for doc in [doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE ?", f"%{pattern}%")
                for pattern in (f"联系人{MOBILE[:3]}", f"身份证{ID18[:6]}", "huge.pdf")]:
        shown[f"document {doc[:8]}"] = client.get(f"/doc/{doc}").text
    for args in (["search", "监控"], ["search", "监控", "--json"], ["search", "投标人", "--json"],
                 ["show", doc_where(db, "SELECT id FROM documents WHERE format = 'pdf'"), "--json"],
                 ["show", doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE ?", f"%联系人{MOBILE}.html")],
                 ["stats", "--json"], ["export", "--format", "jsonl"]):
        res = run(*args, "--db", db)
        assert res.exit_code == 0, res.output
        shown["tenderlens " + " ".join(args)] = res.output
    for where, text in shown.items():
        assert_no_secret(text, where)
    # The masks are there (the pages did carry the numbers), keeping the region and carrier digits.
    assert "联系人139********" in shown["search page"]  # the title and the file name
    assert "身份证110101************.txt" in shown["tenderlens search 投标人 --json"]  # an archive member name
    assert "张三 139********" in shown["tenderlens show " + doc_where(db, "SELECT id FROM documents WHERE format = 'pdf'")
                                      + " --json"]  # PDF metadata
    # An original file that holds a number only in its title is withheld too; the owner gets it.
    doc = doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE '%title-only.html'")
    r = client.get(f"/doc/{doc}/original")
    assert r.status_code == 403 and MOBILE not in r.text
    assert TestClient(create_app(db, masked=False), base_url="http://127.0.0.1").get(
        f"/doc/{doc}/original").status_code == 200
    # The owner sees them with --no-mask.
    owner = TestClient(create_app(db, masked=False), base_url="http://127.0.0.1")
    assert f"联系人{MOBILE}" in owner.get("/search", params={"q": "监控"}).text
    assert MOBILE_AFTER_LETTERS in run("export", "--format", "jsonl", "--no-mask", "--db", db).output \
        or MOBILE_AFTER_LETTERS in run("search", "雪亮", "--no-mask", "--db", db).output


def test_search_cannot_confirm_who_appears_where(db):
    store = Store(db, readonly=True)
    try:
        for number in (MOBILE, MOBILE_AFTER_LETTERS, f"TEL{MOBILE_AFTER_LETTERS}", ID15, "19900307", "110101 19900307 1234"):
            assert search(store, f'"{number}"', masked=False) == [], number
        # The words around them are found, and so are single Chinese characters standing alone.
        assert search(store, "雪亮工程")
        for single in ("台", "第", "包"):
            pages = [h.doc_id for h in search(store, single)]
            assert doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE ?", f"%联系人{MOBILE}.html") in pages, single
    finally:
        store.close()
    res = run("search", MOBILE, "--no-mask", "--db", db)
    assert res.exit_code == 0 and "no hits" in res.output


def test_single_cjk_characters_stay_in_the_index():
    tokens = index_text("摄像机50台，第3包").split()
    for single in ("台", "第", "包"):
        assert single in tokens, tokens


def test_an_older_index_holding_numbers_is_rebuilt_masked(db, tmp_path):
    import shutil
    import sqlite3
    copy = tmp_path / "old.db"
    shutil.copy(db, copy)
    con = sqlite3.connect(copy)
    with con:  # what tenderlens before schema 3 wrote: the page text's bigrams, numbers and all
        con.execute("DROP TABLE pages_fts")
        con.execute(PAGES_FTS)
        con.executemany("INSERT INTO pages_fts (rowid, body, facets) VALUES (?, ?, '')",
                        [(i, t) for i, t in con.execute("SELECT id, text FROM pages WHERE text != ''")])
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    store = Store(str(copy), readonly=True)
    assert search(store, ID15)  # the old index finds the number
    store.close()
    store = Store(str(copy))  # opened for writing: upgraded
    try:
        assert search(store, ID15) == []
        assert search(store, "雪亮工程")
    finally:
        store.close()


def test_page_images_are_masked_where_the_text_is(db):
    doc = doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE '%scan.png'")
    store = Store(db, readonly=True)
    page = store.page(doc, 1)
    store.close()
    start = page["text"].index(MOBILE)  # the OCR read the number: the test is about its image
    box = next(w[2:] for w in json.loads(page["ocr"])["words"] if w[0] <= start < w[1])

    def darkness(masked: bool) -> float:
        r = TestClient(create_app(db, masked=masked), base_url="http://127.0.0.1").get(f"/doc/{doc}/page/1.png")
        assert r.status_code == 200
        image = Image.open(io.BytesIO(r.content)).convert("L")
        w, h = image.size
        region = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        return 1 - ImageStat.Stat(region).mean[0] / 255

    assert darkness(masked=True) > 0.95
    assert darkness(masked=False) < 0.6


# -- What the command line prints ----------------------------------------------------------------

def test_the_cli_prints_hostile_text_as_written(db):
    txt = doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE '%ctl%'")
    html = doc_where(db, "SELECT doc_id FROM sources WHERE uri LIKE ?", f"%联系人{MOBILE}.html")
    for args in (["search", "监控"], ["search", "反斜杠"], ["show", txt], ["show", html], ["facts", html],
                 ["stats"], ["show", txt, "--json"], ["search", "监控", "--json"]):
        res = run(*args, "--db", db)  # a markup error would raise here
        assert res.exit_code == 0, (args, res.output)
        for c in ("\x1b", "\x9b", "\x07", "\u202e"):
            assert c not in res.output, (args, repr(c))
    out = run("show", txt, "--db", db).output
    assert "[/x] [bold]结束" in out and "\\x1b]0;pwned\\x07" in out and "\\x9b31m" in out
    out = run("search", "反斜杠", "--db", db).output
    assert "\\监控" in out and "[/x]" in out
    out = run("show", txt, "--json", "--db", db).output
    assert json.loads(out)["pages"][0]["text"] == HOSTILE_TEXT.rstrip("\n")
    assert run("show", html, "--db", db).output.count("[/x]") == 1  # the title, as written
