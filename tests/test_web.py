"""The web app end to end, in headless Chromium from Debian driven by Playwright.

One store is built for the module by the real pipeline (ingest extracts and analyses) from
FDDC announcements and a government PDF in ../shared/eval, the demo corpus, and
two documents carrying script payloads that this test writes itself. Every count
the browser shows is checked against the store.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tenderlens.cli.demo import demo_corpus
from tenderlens.cli.export import csv_row
from tenderlens.cli.link import relink
from tenderlens.ocr.settings import OcrSettings
from tenderlens.pipeline import ingest
from tenderlens.records import document_record
from tenderlens.spreadsheet import safe_cell, safe_row
from tenderlens.store import Store

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
WORD = "监控"  # a 2-character word

if os.environ.get("TENDERLENS_BROWSER_TESTS", "1") == "0":
    pytest.skip("browser tests turned off (TENDERLENS_BROWSER_TESTS=0)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")

# Script payloads where an app could trip over them: real tags in an HTML source, escaped tags that
# become literal page text, the title, and JSON values; plus identifiers that must be masked.
PAYLOADS = {
    "xss-raw.html": "<html><body><p>xsspayload 视频监控 raw</p><script>window.__xss = 1; alert('script ran')</script>"
                    "<img src=x onerror=\"window.__xss = 2\"></body></html>",
    "xss-escaped.html": "<html><head><title>&lt;script&gt;window.__xss=4&lt;/script&gt; xsspayload</title></head>"
                        "<body><p>xsspayload 人脸识别 &lt;img src=x onerror=alert(5)&gt; &lt;script&gt;alert(6)&lt;/script&gt;"
                        "</p></body></html>",
    "xss.json": json.dumps({"notice": "xsspayload 视频监控 <script>window.__xss = 7; alert(7)</script>"
                                      " <img src=x onerror=\"window.__xss = 8\"> <svg onload=\"window.__xss = 9\">",
                            "contact": "联系人手机 13812345678 身份证 11010519491231002X"}, ensure_ascii=False),
}


# A contract priced only in US dollars, under a Chinese file name with a space (for the download's name).
USD_NAME = "视频监控 采购合同.html"
USD_NOTICE = ("<html><head><title>视频监控设备采购合同</title></head><body><p>采购人：某市公安局。"
              "供应商：Example Systems Ltd.</p><p>合同金额：USD 48,500.00。本项目采购视频监控摄像机。</p></body></html>")


YICHANG_LINKED = ("yc-6b7ed8eaca", "yc-2de24643e6")


def _pick(folder: Path, word: str, n: int) -> list[Path]:
    return [p for p in sorted(folder.glob("*.html")) if word in p.read_text("utf-8", errors="ignore")][:n]


@pytest.fixture(scope="module")
def db(tmp_path_factory, eval_dir) -> str:
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    corpus.mkdir()
    fddc = eval_dir / "fddc" / "html"
    for p in dict.fromkeys(_pick(fddc, "视频监控", 4) + _pick(fddc, "人脸", 2)):
        shutil.copy(p, corpus / p.name)
    shutil.copy(eval_dir / "cn-gov-pdfs" / "examples" / "public-05-shanghai-open-bid-20312273.pdf", corpus)
    # Notices of purchases the portal lists as linked (a shortlist and its award): one purchase each.
    for line in (eval_dir / "yichang" / "links.tsv").read_text("utf-8").splitlines()[1:]:
        purchase, doc = line.split("\t")
        if purchase in YICHANG_LINKED:
            shutil.copy(eval_dir / doc, corpus / Path(doc).name)
    for name, content in PAYLOADS.items():
        (corpus / name).write_text(content, encoding="utf-8")
    (corpus / USD_NAME).write_text(USD_NOTICE, encoding="utf-8")
    path = str(root / "web.db")
    store = Store(path)
    ingest([str(corpus), demo_corpus()], store)  # extracts and analyses
    # A FOIA response read by OCR, so its facts have word boxes on the page image.
    scans = root / "scans"
    scans.mkdir()
    shutil.copy(eval_dir / "lpl-foia" / "2014" / "#177699 PenLink" / "15-3528PenLinkResponse.pdf", scans)
    ingest([str(scans)], store, ocr=OcrSettings(mode="always", lang="eng"))
    relink(store, path)  # purchases and organisations, as `tenderlens ingest` builds them
    store.close()
    assert q(path, "SELECT count(*) FROM doc_summary")[0][0] > 0
    return path


@pytest.fixture(scope="module")
def server(db):
    import uvicorn

    from tenderlens.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/setup.sh does)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.errors = []
    pg.dialogs = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    assert pg.errors == [], f"JavaScript errors: {pg.errors}"
    ctx.close()


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"web-{name}.png"))


def q(db: str, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def docs_containing(db: str, word: str) -> set[str]:
    """A substring scan of the page text: what full-text search must find."""
    return {r[0] for r in q(db, "SELECT DISTINCT doc_id FROM pages WHERE instr(text, ?) > 0", (word,))}


def shown_total(pg) -> int:
    return int(pg.locator("#total").get_attribute("data-total"))


def test_search_two_character_word_and_facet(server, db, page):
    page.goto(server + "/search")
    page.fill("form.query input[name=q]", WORD)
    page.press("form.query input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    expected = docs_containing(db, WORD)
    assert len(expected) >= 5
    assert shown_total(page) == len(expected)
    marks = page.locator("li.hit .snippet mark").all_text_contents()
    assert marks and all(m == WORD for m in marks)
    shot(page, "search")

    # Clicking a category narrows the result to the count the facet showed.
    link = page.locator("section.facet[data-facet=cat] a").first
    category = link.get_attribute("data-value")
    facet_count = int(link.locator(".count").text_content())
    link.click()
    page.wait_for_url("**cat=*")
    tagged = {r[0] for r in q(db, "SELECT doc_id FROM doc_tags WHERE category = ?", (category,))}
    assert shown_total(page) == facet_count == len(expected & tagged) < len(expected)
    assert set(page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.doc)")) <= expected & tagged
    shot(page, "search-facet")


def click_chart(pg, x: float, y: float) -> None:
    """Point, let the chart settle its hover state (a user's pointer rests before clicking), then click."""
    pg.mouse.move(x, y)
    pg.wait_for_timeout(300)
    pg.mouse.click(x, y)
    try:
        pg.wait_for_url("**/search?**", timeout=15000)
    except playwright.Error:
        shot(pg, "map-click-missed")
        raise


def test_map_click_filters_search(server, db, page):
    page.goto(server + "/map")
    page.wait_for_function("document.body.dataset.chartReady === '1'")
    shot(page, "map")
    data = json.loads(page.locator("#map-data").text_content())
    assert data["points"], "no document was placed on the map"
    point = data["points"][0]
    box = page.locator("#map").bounding_box()
    x, y = page.evaluate("p => window.tenderlensChart.convertToPixel({seriesIndex: 1}, [p.lon, p.lat])", point)
    click_chart(page, box["x"] + x, box["y"] + y)
    params = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert params["province"] == point["province"]
    place = [params[k] for k in ("province", "prefecture", "county") if params.get(k)]
    where = " AND ".join(f"{k} = ?" for k in ("province", "prefecture", "county") if params.get(k))
    expected = q(db, f"SELECT count(*) FROM doc_summary WHERE {where}", place)[0][0]
    assert shown_total(page) == expected > 0
    assert shown_total(page) < q(db, "SELECT count(*) FROM documents")[0][0]
    # The circle counted the purchases placed there (the search lists their documents).
    assert point["count"] == q(db, f"SELECT count(*) FROM purchases WHERE {where}"
                                   + ("" if params.get("county") else " AND county IS NULL"), place)[0][0]

    # A province's own shape (at its centre, away from any circle) filters by the province.
    page.go_back()
    page.wait_for_function("document.body.dataset.chartReady === '1'")
    target = page.evaluate("""data => {
        const chart = window.tenderlensChart, geo = echarts.getMap('china');
        const circles = data.points.map(p => chart.convertToPixel({seriesIndex: 1}, [p.lon, p.lat]));
        for (const p of data.provinces) {
            const f = (geo.geoJSON || geo.geoJson).features.find(f => f.id === p.code);
            const [x, y] = chart.convertToPixel({geoIndex: 0}, f.properties.cp);
            if (circles.every(([cx, cy]) => Math.hypot(cx - x, cy - y) > 30)) return {x, y, province: p.province, count: p.count};
        }
        return null;
    }""", data)
    assert target, "every province with documents has a circle at its centre"
    click_chart(page, box["x"] + target["x"], box["y"] + target["y"])
    params = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert params == {"province": target["province"]}
    assert shown_total(page) == q(db, "SELECT count(*) FROM doc_summary WHERE province = ?", (target["province"],))[0][0]
    assert target["count"] == q(db, "SELECT count(*) FROM purchases WHERE province = ? AND region_code IS NOT NULL",
                                (target["province"],))[0][0]


def test_timeline_brush_filters_search(server, db, page):
    page.goto(server + "/timeline?by=year")
    page.wait_for_function("document.body.dataset.chartReady === '1'")
    shot(page, "timeline")
    data = json.loads(page.locator("#timeline-data").text_content())
    periods = data["periods"]
    assert len(periods) >= 2
    box = page.locator("#timeline").bounding_box()
    x0, y0 = page.evaluate("p => window.tenderlensChart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [p, 0])", periods[0])
    x1, _ = page.evaluate("p => window.tenderlensChart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [p, 0])", periods[1])
    page.mouse.move(box["x"] + x0 - 5, box["y"] + y0 - 40)
    page.mouse.down()
    page.mouse.move(box["x"] + x1 + 5, box["y"] + y0 - 40, steps=8)
    page.mouse.up()
    page.wait_for_url("**date_from=*")
    params = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert (params["date_from"], params["date_to"]) == (periods[0], periods[1])
    expected = q(db, "SELECT count(*) FROM doc_summary WHERE year BETWEEN ? AND ?", (int(periods[0]), int(periods[1])))[0][0]
    assert shown_total(page) == expected > 0


def test_fact_click_highlights_quote_on_its_page(server, db, page):
    doc_id, n, start, end, quote = q(db, "SELECT doc_id, page, start, end, quote FROM facts WHERE kind != 'field'"
                                         " ORDER BY page DESC, doc_id LIMIT 1")[0]
    text = q(db, "SELECT text FROM pages WHERE doc_id = ? AND n = ?", (doc_id, n))[0][0]
    assert text[start:end] == quote
    # Arriving from a search for a word of the quote: the page carries query marks the highlight must cross.
    word = next(w for w in (quote[i:i + 2] for i in range(len(quote) - 1)) if w.strip() == w and len(w) == 2)
    page.goto(f"{server}/doc/{doc_id}?q={word}")
    assert page.locator(f"#page-{n} mark.q").count() >= 1
    page.locator(f"button.fact[data-page='{n}'][data-start='{start}']").first.click()
    mark = page.locator(f"#page-{n} mark.fact-hl")
    playwright.expect(mark).to_have_count(1)
    playwright.expect(mark).to_be_in_viewport()
    assert mark.text_content() == quote
    # The highlight sits at the fact's offset in the page text, not at an earlier copy of the quote.
    before = page.evaluate("el => { const r = document.createRange(); r.setStart(el.closest('.page-text'), 0);"
                           " r.setEndBefore(el); return r.toString(); }", mark.element_handle())
    assert len(before) == len(text[:start].encode("utf-16-le")) // 2
    page.wait_for_load_state("networkidle")  # page images may arrive later and move the text
    playwright.expect(mark).to_be_in_viewport()
    shot(page, "document")


def test_fact_on_a_scan_is_boxed_on_the_page_image(server, db, page):
    doc_id, n, start, end, ocr = q(db, "SELECT f.doc_id, f.page, f.start, f.end, p.ocr FROM facts f"
                                       " JOIN pages p ON p.doc_id = f.doc_id AND p.n = f.page"
                                       " WHERE p.ocr IS NOT NULL AND f.kind = 'tech' ORDER BY f.page, f.start LIMIT 1")[0]
    words = [w for w in json.loads(ocr)["words"] if w[0] < end and w[1] > start]
    assert words
    page.goto(f"{server}/doc/{doc_id}")
    page.locator(f"button.fact[data-page='{n}'][data-start='{start}']").first.click()
    boxes = page.locator(f"#page-{n} .page-image .word-box")
    playwright.expect(boxes).to_have_count(len(words))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=page.locator(f"#page-{n} .page-image img").element_handle())
    # Each box sits where OCR saw its word, as a fraction of the rendered page.
    figure = page.locator(f"#page-{n} .page-image").bounding_box()
    first = boxes.first.bounding_box()
    assert abs((first["x"] - figure["x"]) / figure["width"] - words[0][2]) < 0.02
    assert abs((first["y"] - figure["y"]) / figure["height"] - words[0][3]) < 0.02
    shot(page, "ocr-boxes")


def test_pdf_page_image_renders(server, db, page):
    doc_id = q(db, "SELECT id FROM documents WHERE format = 'pdf' AND n_pages > 1 LIMIT 1")[0][0]
    page.goto(f"{server}/doc/{doc_id}")
    img = page.locator("#page-2 .page-image img")
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())


def test_export_csv_rows_match_store(server, db, page):
    page.goto(f"{server}/search?q={WORD}")
    with page.expect_download() as dl:
        page.click("a[data-export='documents.csv']")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text("utf-8-sig"))))
    assert {r["doc_id"] for r in rows} == docs_containing(db, WORD)
    store = Store(db, readonly=True)
    for r in rows:
        want = {k: "" if v is None else str(v) for k, v in safe_row(csv_row(document_record(store, r["doc_id"]))).items()}
        assert r == want
    with page.expect_download() as dl:
        page.click("a[data-export='facts.csv']")
    facts = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text("utf-8-sig"))))
    ids = docs_containing(db, WORD)
    assert len(facts) == sum(len(store.facts(d)) for d in ids) > 0
    for f in facts:
        assert safe_cell(store.page(f["doc_id"], int(f["page"]))["text"][int(f["start"]):int(f["end"])]) == f["quote"]
    store.close()
    # The same result as Parquet and JSON: the same documents and facts.
    import pyarrow.parquet as pq
    for rows_kind, want in (("documents", rows), ("facts", facts)):
        link = page.locator(f"a[data-export='{rows_kind}.parquet']").get_attribute("href")
        table = pq.read_table(io.BytesIO(page.request.get(server + link).body()))
        assert table.num_rows == len(want) and table.column("doc_id").to_pylist() == [r["doc_id"] for r in want]
        link = page.locator(f"a[data-export='{rows_kind}.json']").get_attribute("href")
        data = json.loads(page.request.get(server + link).body())
        assert [r["doc_id"] for r in data] == [r["doc_id"] for r in want]
    assert [safe_cell(r["quote"]) for r in data] == [f["quote"] for f in facts]


def test_script_payloads_render_as_text(server, db, page):
    page.goto(f"{server}/search?q=xsspayload")
    assert shown_total(page) == len(PAYLOADS)
    shot(page, "xss-search")
    literal = 0
    for doc_id in page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.doc)"):
        page.goto(f"{server}/doc/{doc_id}")
        shown = page.locator(".pages").inner_text()
        stored = "\n".join(r[0] for r in q(db, "SELECT text FROM pages WHERE doc_id = ?", (doc_id,)))
        if "<script>" in stored:
            assert "<script>" in shown and "onerror=" in shown
            literal += 1
        assert page.locator("main img[src=x], main svg").count() == 0
        scripts = page.locator("script").evaluate_all("els => els.map(e => e.src || e.type)")
        assert all(s.startswith(server + "/static/") or s == "application/json" for s in scripts), scripts
        assert page.evaluate("window.__xss") is None
    assert literal >= 2
    assert page.dialogs == []
    # Personal identifiers are masked in what is shown.
    page.goto(f"{server}/search?q=xsspayload")
    page.goto(f"{server}/doc/" + q(db, "SELECT doc_id FROM pages WHERE instr(text, '13812345678') > 0")[0][0])
    text = page.locator(".pages").inner_text()
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert "138********" in text and "110105************" in text
    shot(page, "xss-document")
    # ... and the original file, which holds them unmasked, is not handed out.
    doc_id = q(db, "SELECT doc_id FROM pages WHERE instr(text, '13812345678') > 0")[0][0]
    r = page.request.get(f"{server}/doc/{doc_id}/original")
    assert r.status == 403 and b"13812345678" not in r.body()
    clean = q(db, "SELECT doc_id FROM pages WHERE instr(text, 'xsspayload 人脸识别') > 0")[0][0]
    r = page.request.get(f"{server}/doc/{clean}/original")
    assert r.status == 200 and r.headers["content-disposition"].startswith("attachment")


def test_bad_requests_get_clear_messages(server, page):
    for url, status, words in [
        ('/search?q="unbalanced', 400, "unbalanced quotes"),
        ("/search?sort=sideways", 400, "sort must be one of"),
        ("/search?date_from=2019-13", 400, "date_from must look like"),
        ("/doc/0123", 404, "no document"),
    ]:
        r = page.goto(server + url)
        assert r.status == status
        assert words in page.locator("#error-message").text_content()
        assert "Traceback" not in page.content()
    for url in ["/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/model.py", "/static/..%2f..%2fmodel.py",
                "/doc/..%2f..%2fetc%2fpasswd", "/doc/" + "0" * 64 + "/original", "/export.sh"]:
        r = page.request.get(server + url)
        assert r.status in (400, 404), url
        assert b"import" not in r.body() and b"root:" not in r.body()


# -- reading a document, languages, currencies, phone layout, accessibility, API ---------------

AXE = Path(__file__).resolve().parents[1] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def params_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def test_document_reads_as_text_and_leads_back_to_the_results(server, db, page):
    page.goto(f"{server}/search?q={WORD}&surv=1")
    total = shown_total(page)
    assert total > 0
    page.locator("li.hit .hit-title a").first.click()
    page.wait_for_url("**/doc/**")
    # The search the reader came from stays: in the query box and in the way back.
    assert page.locator("form.query input[name=q]").input_value() == WORD
    assert params_of(page.url) == {"q": WORD, "surv": "1"}
    doc_id = urlparse(page.url).path.rsplit("/", 1)[-1]
    facts = "\n".join(page.locator("aside.facts .fact-group").all_inner_texts())
    assert not SNAKE.findall(facts), SNAKE.findall(facts)
    assert "True" not in facts and "yuan:" not in facts and "currency:" not in facts
    # One row per fact and distinct quote: no two rows read the same, and every stored quote has its row.
    rows = page.locator("li.fact-row").evaluate_all(
        "els => els.map(e => [e.closest('section').dataset.kind, e.dataset.key,"
        " e.querySelector('.value') ? e.querySelector('.value').textContent : '', e.querySelector('.quote').textContent])")
    assert len(rows) == len({tuple(r) for r in rows})
    stored = q(db, "SELECT DISTINCT kind, key, quote FROM facts WHERE doc_id = ?", (doc_id,))
    assert {(k, key, quote) for k, key, _, quote in rows} == {(k, key, f"“{quote}”") for k, key, quote in stored}
    assert len(stored) <= len(rows) < q(db, "SELECT count(*) FROM facts WHERE doc_id = ?", (doc_id,))[0][0]
    amounts = page.locator("li.fact-row[data-key=amount] .value").all_text_contents()
    assert all(re.fullmatch(r"[¥$€£][\d,.]+(万|亿|K|M|B)? \(.+\)", a) for a in amounts), amounts
    for region in page.locator("li.fact-row[data-key=region] .value").all_text_contents():
        assert region.split(" ")[0].endswith(("省", "市", "区")), region
    shot(page, "document-readable")
    page.click("#back-to-results")
    page.wait_for_url("**/search?**")
    assert params_of(page.url) == {"q": WORD, "surv": "1"} and shown_total(page) == total


def test_next_and_previous_hit_within_a_document(server, db, page):
    doc_id, n = q(db, "SELECT doc_id, count(*) FROM pages WHERE instr(text, ?) > 0 GROUP BY doc_id"
                      " ORDER BY count(*) DESC, doc_id LIMIT 1", (WORD,))[0]
    page.goto(f"{server}/doc/{doc_id}?q={WORD}")
    marks = page.locator(".page-text mark.q")
    hits = marks.count()
    assert hits == sum(r[0].count(WORD) for r in q(db, "SELECT text FROM pages WHERE doc_id = ?", (doc_id,)))
    page.click("#next-hit")
    page.click("#next-hit") if hits > 1 else None
    current = page.locator(".page-text mark.q.current")
    playwright.expect(current).to_have_count(1)
    playwright.expect(current).to_be_in_viewport()
    at = min(2, hits)
    assert page.locator("#hit-position").text_content() == f"{at} of {hits}"
    page.click("#prev-hit")
    assert page.locator("#hit-position").text_content() == f"{at - 1 if at > 1 else hits} of {hits}"


def test_original_downloads_under_its_own_name(server, db, page):
    doc_id = q(db, "SELECT doc_id FROM pages WHERE instr(text, '48,500') > 0")[0][0]
    r = page.request.get(f"{server}/doc/{doc_id}/original")
    assert r.status == 200
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''%E8%A7%86%E9%A2%91%E7%9B%91%E6%8E%A7%20%E9%87%87%E8%B4%AD%E5%90%88%E5%90%8C.html" \
        in disposition
    page.goto(f"{server}/doc/{doc_id}")
    with page.expect_download() as dl:
        page.click("#download-original")
    assert dl.value.suggested_filename == USD_NAME


def test_amounts_keep_their_currency(server, db, page):
    usd = q(db, "SELECT s.doc_id FROM doc_summary s JOIN pages p ON p.doc_id = s.doc_id"
                " WHERE s.amount_cny IS NULL AND instr(p.text, '48,500') > 0")[0][0]
    page.goto(f"{server}/search?sort=amount")
    # Sorted in their own currency: every yuan amount first, largest first, then the dollars.
    shown = page.locator("li.hit .amount").evaluate_all(
        "els => els.map(e => [e.dataset.currency, +e.dataset.amount, e.closest('li').dataset.doc])")
    yuan = [a for c, a, _ in shown if c == "CNY"]
    assert yuan == sorted(yuan, reverse=True) and yuan[0] == q(db, "SELECT max(amount_cny) FROM doc_summary")[0][0]
    page.goto(f"{server}/search?q=48,500")
    row = page.locator(f"li.hit[data-doc='{usd}'] .amount")
    assert row.text_content() == "$48.5K" and row.get_attribute("data-currency") == "USD"
    # Totals per currency, never one sum: the yuan total is the store's sum of yuan amounts.
    page.goto(f"{server}/search")
    totals = {e.get_attribute("data-currency"): float(e.get_attribute("data-amount"))
              for e in page.locator("#totals .total-amount").all()}
    assert totals["CNY"] == pytest.approx(q(db, "SELECT sum(amount_cny) FROM doc_summary")[0][0])
    assert totals["USD"] >= 48500
    # The map table and the timeline carry the dollars beside the yuan, never added to them.
    data = json.loads(page.request.get(f"{server}/api/timeline?by=year").text())
    assert sum(data["other_amounts"]["USD"]) == totals["USD"] or data["undated"] > 0


def test_language_switch_is_kept_and_labels_are_one_language(server, db, page):
    page.goto(f"{server}/search?surv=1&lang=zh")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    titles = page.locator("section.facet h2").all_text_contents()
    assert titles and all(cjk.search(t) for t in titles), titles
    assert page.locator(".chip[data-filter=surv]").inner_text().startswith("仅监控采购")
    shot(page, "search-zh")
    # Kept while the reader moves on (in a cookie), until switched back.
    page.click("nav a[href^='/map']")
    page.wait_for_url("**/map**")
    playwright.expect(page.locator("body")).to_have_attribute("data-chart-ready", "1")
    assert page.locator("html").get_attribute("lang") == "zh-Hans" and page.locator("h1").inner_text().startswith("地图")
    page.goto(f"{server}/search?surv=1")
    page.click("#lang-switch")
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("lang") == "en"
    titles = page.locator("section.facet h2").all_text_contents()
    assert titles and not any(cjk.search(t) for t in titles), titles
    assert page.locator(".chip[data-filter=surv]").inner_text().startswith("Surveillance only")
    chips = page.locator(".chips").inner_text()
    assert "surv:" not in chips
    # Categories are named in the page's language only.
    page.goto(f"{server}/search")
    for label in page.locator("section.facet[data-facet=cat] .label").all_text_contents():
        assert not cjk.search(label) and " · " not in label, label


def test_charts_speak_in_readable_units_and_have_tables(server, db, page):
    page.goto(f"{server}/map")
    page.wait_for_function("document.body.dataset.chartReady === '1'")
    page.check("input[name=map-metric][value=amount]")
    legend = page.evaluate("() => window.tenderlensChart.getOption().visualMap[0].formatter(85143000000)")
    assert legend == "¥851.43亿"
    data = json.loads(page.locator("#map-data").text_content())
    rows = page.locator("#map-table tbody tr")
    assert rows.count() == len(data["provinces"])
    first = data["provinces"][0]
    assert rows.first.locator("td").first.text_content() == str(first["count"])
    page.goto(f"{server}/timeline?by=year")
    page.wait_for_function("document.body.dataset.chartReady === '1'")
    option = page.evaluate("() => { const o = window.tenderlensChart.getOption();"
                           " return {axes: o.yAxis.length, series: o.series.map(s => [s.type, s.yAxisIndex])}; }")
    assert option["axes"] == 2
    assert all(axis == (0 if kind == "line" else 1) for kind, axis in option["series"])
    page.check("input[name=timeline-metric][data-currency=CNY]")
    label = page.evaluate("() => window.tenderlensChart.getOption().yAxis[0].axisLabel.formatter(250000000)")
    assert label == "2.5亿"
    timeline = json.loads(page.locator("#timeline-data").text_content())
    dated = sum(timeline["series"]["all"]["count"])
    table = page.locator("#timeline-table tbody tr td:nth-child(2)").all_text_contents()
    assert sum(int(n) for n in table) == dated


def test_map_and_timeline_count_purchases_once_with_totals_per_currency(server, db, page):
    purchases = q(db, "SELECT count(*) FROM purchases")[0][0]
    linked = q(db, "SELECT count(*) FROM purchases WHERE n_docs > 1")[0][0]
    assert linked, "no purchase of the test store has two notices: nothing shows purchases counted once"
    mapped = page.request.get(f"{server}/api/map").json()
    assert mapped["unit"] == "purchases" and mapped["total"] == purchases
    assert sum(p["count"] for p in mapped["provinces"]) + mapped["unplaced"] == purchases
    for p in mapped["provinces"]:
        rows = dict(q(db, "SELECT currency, sum(amount) FROM purchases WHERE province = ? AND region_code IS NOT NULL"
                          " AND amount IS NOT NULL GROUP BY 1", (p["province"],)))
        assert p["amount"] == pytest.approx(rows.pop("CNY", 0))
        assert p.get("other_amounts", {}) == pytest.approx(rows)
    timeline = page.request.get(f"{server}/api/timeline?by=year").json()
    assert sum(timeline["series"]["all"]["count"]) + timeline["undated"] == purchases
    sums = dict(q(db, "SELECT currency, sum(amount) FROM purchases WHERE year IS NOT NULL AND amount IS NOT NULL"
                      " GROUP BY 1"))
    assert sum(timeline["series"]["all"]["amount"]) == pytest.approx(sums.pop("CNY", 0))
    assert {c: sum(xs) for c, xs in timeline["other_amounts"].items()} == pytest.approx(sums)
    # With a query: the purchases of the matching documents, each once.
    found = q(db, "SELECT count(DISTINCT d.purchase_id) FROM purchase_docs d JOIN pages p ON p.doc_id = d.doc_id"
                  " WHERE instr(p.text, ?) > 0", (WORD,))[0][0]
    assert page.request.get(f"{server}/api/map?q={WORD}").json()["total"] == found
    page.goto(f"{server}/timeline?by=year&q={WORD}")
    assert shown_total(page) == found


def test_phone_layout(server, db, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = ctx.new_page()
    try:
        page.goto(f"{server}/search?q={WORD}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not page.locator("#facets").is_visible()
        results = page.locator("section.results").bounding_box()
        assert results["width"] > 340
        shot(page, "phone-search")
        page.click(".facets-toggle")
        assert page.locator("#facets").is_visible()
        assert page.locator(".facets-toggle").get_attribute("aria-expanded") == "true"
        shot(page, "phone-facets")
        doc_id = q(db, "SELECT id FROM documents WHERE format = 'pdf' AND n_pages > 1 LIMIT 1")[0][0]
        page.goto(f"{server}/doc/{doc_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        image = page.locator("#page-1 .page-image").bounding_box()
        text = page.locator("#page-1 .page-text").bounding_box()
        assert text["y"] >= image["y"] + image["height"] - 1 and text["width"] > 340
        shot(page, "phone-document")
        page.goto(f"{server}/purchases")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "phone-purchases")
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: scripts/setup.sh installs axe-core from npm")
    return AXE.read_text("utf-8")


@pytest.mark.parametrize("width", [1400, 390])
def test_no_serious_accessibility_violations(server, db, browser, axe_source, width):
    doc_id = q(db, "SELECT doc_id FROM facts WHERE kind = 'tech' LIMIT 1")[0][0]
    urls = [f"/search?q={WORD}", "/search?surv=1&lang=zh", "/map", "/timeline?by=year", f"/doc/{doc_id}?q={WORD}",
            "/doc/0123", "/api", "/purchases", "/purchases?by=supplier",
            "/orgs/" + q(db, "SELECT buyer FROM purchases WHERE buyer IS NOT NULL AND province IS NOT NULL LIMIT 1")[0][0],
            f"/search?q={WORD}&buyer=公安", "/purchases?by=province"]
    # axe runs as an injected script, which the app's Content-Security-Policy would refuse.
    ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    found = {}
    try:
        for url in urls:
            page.goto(server + url)
            if page.locator(".chart").count():
                page.wait_for_function("[...document.querySelectorAll('.chart')].every(e => e.dataset.ready)")
            assert page.locator("h1").count() == 1, url
            assert page.locator("a.skip[href='#main']").count() == 1 and page.locator("main#main").count() == 1
            page.add_script_tag(content=axe_source)
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                   if v["impact"] in ("critical", "serious")]
            if bad:
                found[url] = bad
    finally:
        ctx.close()
    assert not found, found


def _cli_json(db: str, *args: str):
    out = subprocess.run([sys.executable, "-m", "tenderlens", *args, "--db", db, "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_api_answers_as_the_pages_and_the_cli(server, db, page):
    spec = page.request.get(f"{server}/api/openapi.json").json()
    assert set(spec["paths"]) == {"/api/search", "/api/facets", "/api/documents/{doc_id}", "/api/map", "/api/timeline",
                                  "/api/purchases", "/api/organisations/{org_id}"}
    assert "sort" in {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    page.goto(f"{server}/api")  # the same description as a page of the app
    assert page.locator("section.endpoint").count() == len(spec["paths"])
    cli = _cli_json(db, "search", WORD, "--limit", "0")
    api, n = [], 1
    while True:
        body = page.request.get(f"{server}/api/search?q={WORD}&page={n}").json()
        api += body["results"]
        if n >= body["n_pages"]:
            break
        n += 1
    assert body["total"] == len(cli) == len(api)
    # Each result names who sold: the document's supplier facts.
    for r in api:
        sold = q(db, "SELECT value FROM facts WHERE doc_id = ? AND kind = 'field' AND key = 'supplier'"
                     " ORDER BY page, start", (r["doc_id"],))
        assert r["suppliers"] == list(dict.fromkeys(json.loads(v) for (v,) in sold))
    assert any(r["suppliers"] for r in api)
    assert {r["doc_id"]: r["page"] for r in api} == {r["doc_id"]: r["page"] for r in cli}
    # The page shows what the API answers.
    page.goto(f"{server}/search?q={WORD}")
    assert shown_total(page) == body["total"]
    assert page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.doc)") == \
        [r["doc_id"] for r in page.request.get(f"{server}/api/search?q={WORD}").json()["results"]]
    facets = page.request.get(f"{server}/api/facets?q={WORD}").json()["facets"]
    cats = {v["value"]: v["count"] for f in facets if f["name"] == "cat" for _, vs in f["groups"] for v in vs}
    assert cats
    for category, count in sorted(cats.items())[:3]:
        assert count == len(_cli_json(db, "search", WORD, "--category", category, "--limit", "0"))
    # A document: its facts, as `tenderlens facts --json` lists them.
    doc_id = api[0]["doc_id"]
    doc = page.request.get(f"{server}/api/documents/{doc_id}").json()
    rows = [r for rows in doc["facts"].values() for r in rows]
    listed = _cli_json(db, "facts", doc_id)["facts"]
    assert {(f["kind"], f["key"], f["quote"]) for f in listed} == {(r["kind"], r["key"], r["quote"]) for r in rows}
    assert page.request.get(f"{server}/api/documents/0123").json() == {"error": "no document '0123' in this database"}
    assert page.request.get(f"{server}/api/search?sort=sideways").status == 400


def test_purchases_view_answers_who_bought_what_from_whom(server, db, page):
    cli = _cli_json(db, "purchases", "--limit", "0")
    page.goto(f"{server}/purchases")
    assert shown_total(page) == cli["overall"]["purchases"] > 0
    rows = page.locator("#purchase-rows tbody tr")
    assert rows.count() == min(100, len(cli["purchases"]))
    # Sorted by amount as the CLI sorts: the same purchases in the same order, amounts in their own currency.
    assert rows.evaluate_all("els => els.map(e => e.dataset.purchase)") == [p["id"] for p in cli["purchases"]][:100]
    first = cli["purchases"][0]
    cell = rows.first.locator("td[data-amount]")
    assert cell.get_attribute("data-currency") == first["currency"] and float(cell.get_attribute("data-amount")) == \
        first["amount"]
    # Every organisation name links to its page; the evidence links to the documents.
    assert rows.first.locator("td a[href^='/orgs/']").count() == bool(first["buyer"]) + len(first["suppliers"])
    assert rows.first.locator("a[href^='/doc/']").count() == len(first["documents"])
    shot(page, "purchases")
    # Grouped totals with shares, as `tenderlens purchases --group-by`.
    for by in ("buyer", "supplier", "province", "year", "category"):
        want = _cli_json(db, "purchases", "--group-by", by, "--limit", "0")["groups"]
        got = page.request.get(f"{server}/api/purchases?by={by}").json()["groups"]
        assert [(g["key"], g["purchases"], g["totals"], g["share_of_totals"]) for g in got] == \
            [(g["key"], g["purchases"], g["totals"], g["share_of_totals"]) for g in want][:100]
    page.goto(f"{server}/purchases?by=supplier")
    assert page.locator("#groups tbody tr").count() == min(100, len(want := _cli_json(
        db, "purchases", "--group-by", "supplier", "--limit", "0")["groups"]))
    shot(page, "purchases-by-supplier")
    # The buyer filter matches part of a name.
    part = "公安"
    want = _cli_json(db, "purchases", "--buyer", part, "--limit", "0")
    page.goto(f"{server}/purchases?buyer={part}")
    assert shown_total(page) == want["overall"]["purchases"] > 0


def test_organisation_page_matches_orgs_show(server, db, page):
    org_id = q(db, "SELECT buyer FROM purchases WHERE buyer IS NOT NULL GROUP BY buyer ORDER BY count(*) DESC"
                   " LIMIT 1")[0][0]
    want = _cli_json(db, "orgs", "show", org_id)
    page.goto(f"{server}/orgs/{org_id}")
    assert page.locator("h1").inner_text() == want["name"]
    assert page.locator("#aliases li").count() == len(want["aliases"])
    assert page.locator("#org-bought tbody tr").evaluate_all("els => els.map(e => e.dataset.purchase)") == \
        [p["id"] for p in want["bought"]]
    assert page.locator("#by-year tbody tr").count() == len(want["totals_by_year"])
    shot(page, "organisation")
    # A supplier's name leads to its own page.
    if want["counterparties"]:
        page.click("#counterparties a")
        page.wait_for_url("**/orgs/**")
        assert page.locator("h1").inner_text() == want["counterparties"][0]["name"]
    # A name in the search results leads to the page of the organisation it is a name of.
    page.goto(f"{server}/search?q={WORD}")
    link = page.locator("li.hit .meta a[href^='/orgs/']").first
    name = link.inner_text()
    link.click()
    page.wait_for_url("**/orgs/**")
    assert name in page.locator("#aliases").inner_text()
    api = page.request.get(f"{server}/api/organisations/{org_id}").json()
    assert [(p["id"], p["amount"], p["currency"]) for p in api["bought"]] == \
        [(p["id"], p["amount"], p["currency"]) for p in want["bought"]]
    assert api["totals_by_year"] == want["totals_by_year"]
    assert [{k: v for k, v in c.items() if k != "totals_text"} for c in api["counterparties"]] == want["counterparties"]


def test_organisation_page_has_its_own_map_and_timeline(server, db, page):
    org_id = q(db, "SELECT buyer FROM purchases WHERE buyer IS NOT NULL AND province IS NOT NULL GROUP BY buyer"
                   " ORDER BY count(*) DESC LIMIT 1")[0][0]
    want = _cli_json(db, "orgs", "show", org_id)
    theirs = {p["id"]: p for p in want["bought"] + want["sold"]}
    page.goto(f"{server}/orgs/{org_id}")
    page.wait_for_function("['org-map', 'org-timeline'].every(id => document.getElementById(id).dataset.ready)")
    mapped = json.loads(page.locator("#org-map-data").text_content())
    placed = [p for p in theirs.values() if (p["region"] or {}).get("province") and (p["region"] or {}).get("code")]
    assert sum(p["count"] for p in mapped["provinces"]) == len(placed) > 0
    assert mapped["unplaced"] == len(theirs) - len(placed)
    timeline = json.loads(page.locator("#org-timeline-data").text_content())
    years = {}
    for p in theirs.values():
        if p["dates"]:
            years[min(p["dates"].values())[:4]] = years.get(min(p["dates"].values())[:4], 0) + 1
    assert dict(zip(timeline["periods"], timeline["series"]["all"]["count"])) == \
        {y: years.get(y, 0) for y in timeline["periods"]}
    # The same chart code as the search's map and timeline, with their table alternatives.
    assert page.evaluate("Object.keys(window.tenderlensCharts).sort()") == ["org-map", "org-timeline"]
    assert page.locator("#org-map-table tbody tr").count() == len(mapped["provinces"])
    shot(page, "organisation-charts")
    # In Chinese, every heading and chart word of the page.
    page.goto(f"{server}/orgs/{org_id}?lang=zh")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("#org-map-title").inner_text() == "采购地点"
    assert page.locator("#org-timeline-title").inner_text() == "采购时间"
    assert json.loads(page.locator("#org-map-data").text_content())["words"]["count"] == "采购项目数"


def test_purchases_export_holds_the_rows_of_the_view(server, db, page):
    for url in ("/purchases?buyer=公安", "/purchases?sort=date", "/purchases?by=buyer&currency=CNY"):
        page.goto(server + url)
        grouped = "by=" in url
        shown = page.locator("#groups tbody tr" if grouped else "#purchase-rows tbody tr").evaluate_all(
            "els => els.map(e => e.dataset.key ?? e.dataset.purchase)")
        assert shown and page.locator("#purchase-exports").inner_text().endswith(
            "The exports hold exactly the rows shown.")
        key = "key" if grouped else "id"
        with page.expect_download() as d:
            page.click("#purchase-exports a[data-export=csv]")
        rows = list(csv.DictReader(io.StringIO(Path(d.value.path()).read_text("utf-8-sig"))))
        assert [r[key] for r in rows] == shown
        as_json = page.request.get(server + page.locator("#purchase-exports a[data-export=json]").get_attribute("href"))
        text = lambda v: "" if v is None else str(v)  # noqa: E731
        assert [text(r[key]) for r in as_json.json()] == shown
        parquet = page.request.get(server + page.locator("#purchase-exports a[data-export=parquet]").get_attribute("href"))
        import pyarrow.parquet as pq
        table = pq.read_table(io.BytesIO(parquet.body())).to_pylist()
        assert [text(r[key]) for r in table] == shown
        if not grouped:
            # The rows are the CLI's purchase records, with the amounts the view shows.
            api = {p["id"]: p for p in page.request.get(server + url.replace("/purchases", "/api/purchases")).json()
                   ["purchases"]}
            assert all(float(r["amount"]) == api[r["id"]]["amount"] and r["currency"] == api[r["id"]]["currency"]
                       for r in rows if r["amount"])
    # Whole-table exports agree with `tenderlens export --table purchases`.
    everything = page.request.get(f"{server}/purchases/export.json?sort=id").json()
    out = subprocess.run([sys.executable, "-m", "tenderlens", "export", "--table", "purchases", "--format", "json",
                          "--db", db], capture_output=True, text=True, timeout=120)
    assert everything == json.loads(out.stdout)


def test_buyer_and_supplier_filters_match_part_of_a_name(server, db, page):
    supplier = q(db, "SELECT value FROM facts WHERE kind = 'field' AND key = 'supplier' LIMIT 1")[0][0]
    part = json.loads(supplier)[:4]
    for param, option, value in (("buyer", "--buyer", "公安"), ("supplier", "--vendor", part)):
        cli = _cli_json(db, "search", WORD, option, value, "--limit", "0")
        api = page.request.get(f"{server}/api/search?q={WORD}&{param}={value}").json()
        assert api["total"] == len(cli) > 0, (param, value)
        # The same filter from the text box beside its facet, on the search page.
        page.goto(f"{server}/search?q={WORD}")
        facet = "buyer" if param == "buyer" else "vendor"
        page.fill(f"section.facet[data-facet={facet}] form.name-filter input[name={param}]", value)
        page.press(f"section.facet[data-facet={facet}] form.name-filter input[name={param}]", "Enter")
        page.wait_for_url(f"**{param}=*")
        assert shown_total(page) == len(cli)
        assert set(page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.doc)")) <= {r["doc_id"] for r in cli}
        assert page.locator(f".chip[data-filter={param}]").count() == 1
    # A buyer facet value clicked is part of its own name: every buyer containing it is found, as by the CLI
    # (through the facet tokens of the names that contain it); a part no name contains finds nothing.
    page.goto(f"{server}/search?q={WORD}")
    value = page.locator("section.facet[data-facet=buyer] li a").first.get_attribute("data-value")
    assert page.request.get(f"{server}/api/search?q={WORD}&buyer={value}").json()["total"] == \
        len(_cli_json(db, "search", WORD, "--buyer", value, "--limit", "0")) > 0
    assert page.request.get(f"{server}/api/search?q={WORD}&buyer=无此名称").json()["total"] == 0
    # Browsing without a query, the buyer filter still matches part of the name.
    want = q(db, "SELECT count(*) FROM doc_summary WHERE buyer LIKE '%公安%' OR contract_party LIKE '%公安%'")[0][0]
    assert page.request.get(f"{server}/api/search?buyer=公安").json()["total"] == want > 0


def test_every_organisation_name_links_to_its_page(server, db, page):
    # In a document's facts: the parties the purchase tables know.
    doc_id, org_id = q(db, "SELECT m.doc_id, m.org_id FROM org_mentions m WHERE m.role = 'buyer' LIMIT 1")[0]
    page.goto(f"{server}/doc/{doc_id}")
    links = page.locator("li.fact-row[data-key=buyer] a.org-link")
    assert links.count() >= 1
    assert org_id in [links.nth(i).get_attribute("href").rsplit("/", 1)[-1] for i in range(links.count())]
    # In the buyer facet: each buyer that is a name of an organisation.
    page.goto(f"{server}/search?q={WORD}")
    facet = page.locator("section.facet[data-facet=buyer] li")
    aliases = {n for (n,) in q(db, "SELECT name FROM aliases")}
    for i in range(facet.count()):
        name = facet.nth(i).locator("a").first.get_attribute("data-value")
        assert facet.nth(i).locator("a.facet-org").count() == (name in aliases), name
    assert page.locator("section.facet[data-facet=buyer] a.facet-org").count() > 0
    # In the purchases view, grouped by buyer and by supplier.
    for by in ("buyer", "supplier"):
        page.goto(f"{server}/purchases?by={by}")
        rows = page.locator("#groups tbody tr")
        named = rows.evaluate_all("els => els.filter(e => e.dataset.key).length")
        assert rows.locator("th a[href^='/orgs/']").count() == named > 0


@pytest.mark.parametrize("width", [1400, 390])
def test_screens_fit_their_width(server, db, browser, width):
    """The purchases view, an organisation page, the map, the timeline and a document page, at a desktop's
    and a phone's width: nothing runs off the side (screenshots in test-artifacts/)."""
    org_id = q(db, "SELECT buyer FROM purchases WHERE buyer IS NOT NULL AND province IS NOT NULL GROUP BY buyer"
                   " ORDER BY count(*) DESC LIMIT 1")[0][0]
    doc_id = q(db, "SELECT doc_id FROM facts WHERE kind = 'tech' LIMIT 1")[0][0]
    pages = {"purchases": "/purchases", "purchases-by-province": "/purchases?by=province",
             "organisation": f"/orgs/{org_id}", "search": f"/search?q={WORD}", "map": f"/map?q={WORD}",
             "timeline": "/timeline?by=year", "document": f"/doc/{doc_id}?q={WORD}"}
    ctx = browser.new_context(viewport={"width": width, "height": 1000})
    pg = ctx.new_page()
    try:
        for name, url in pages.items():
            pg.goto(server + url)
            if pg.locator(".chart").count():
                pg.wait_for_function("[...document.querySelectorAll('.chart')].every(e => e.dataset.ready)")
            assert pg.evaluate("document.documentElement.scrollWidth") <= width, url
            ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / f"screen-{name}-{width}.png"), full_page=True)
    finally:
        ctx.close()
