"""Every document gets a real title, and HTML source line breaks are not text, on real documents."""
from __future__ import annotations

import html as htmllib
import io
import json
import re

import docx
import openpyxl
import pytest

from tenderlens import codebook
from tenderlens.analyze import analyze
from tenderlens.extract import extract_document
from tenderlens.model import RawDoc
from tenderlens.textnorm import normalise


def _doc(path):
    return extract_document(RawDoc(str(path), path.read_bytes(), path.name))


def _one_line(text: str) -> str:
    """A stated title as tenderlens normalises page text (Ⅱ is II, ［ is [), on one line."""
    return " ".join(normalise(text)[0].split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_every_fddc_announcement_is_titled_by_its_outermost_section(eval_dir):
    paths = sorted((eval_dir / "fddc" / "html").glob("*.html"))
    assert len(paths) > 1400
    for path in paths:
        # Read independently of the parser: the first block's title attribute, as the file holds it.
        stated = re.search(rb'<body>\s*<div title="([^"]*)"', path.read_bytes())
        assert stated, path.name
        assert _doc(path).title == _one_line(htmllib.unescape(stated.group(1).decode())), path.name


def test_every_ccgp_title_file_is_titled_by_its_text(eval_dir):
    paths = sorted((eval_dir / "ccgp-titles" / "docs").glob("*.txt"))
    assert len(paths) > 700
    for path in paths:
        assert _doc(path).title == _one_line(path.read_text(encoding="utf-8")), path.name


def test_yichang_notices_are_titled_by_their_lot_name_or_heading(eval_dir):
    gold = [json.loads(line) for line in (eval_dir / "yichang" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    awards = [g for g in gold if g.get("lot_name")]
    assert len(awards) > 150
    for g in gold:
        title = _doc(eval_dir / g["doc"]).title
        if g.get("lot_name"):
            # The form names the notice in its 标段(包)名称 cell.
            assert _squeezed(title) == _squeezed(normalise(g["lot_name"])[0]), g["doc"]
        else:
            assert title and "公示" in title, g["doc"]


@pytest.mark.parametrize("name, title", [
    ("example.pdf", "合肥市政府采购项目公开招标文件示范文本（服务类）"),   # metadata, also on the cover
    # The metadata names the template's author (上海市财政局); the cover's wrapped heading is read whole.
    ("public-05-shanghai-open-bid-20312273.pdf", "2026 年度上海市公安局奉贤分局水上治安派出所船管员服务项目"),
    ("public-08-shaanxi-baoji-books-2025.pdf", "宝鸡文理学院 2025 年纸质图书采购项目公开招标文件"),
    ("public-10-shanghai-exam-equipment-2026.pdf", "2026 年长宁区标准化考点设备更新、增补公开招标项目"),
])
def test_government_pdfs_are_titled_by_their_cover(eval_dir, name, title):
    assert _doc(eval_dir / "cn-gov-pdfs" / "examples" / name).title == title


def test_json_records_are_titled_by_their_title_field(eval_dir):
    paths = sorted((eval_dir / "ccgp-notices").rglob("*.json"))
    assert paths
    for path in paths:
        stated = json.loads(path.read_text(encoding="utf-8")).get("title")
        if stated:
            assert _doc(path).title == _one_line(stated), path.name


def _extract(data: bytes, name: str):
    return extract_document(RawDoc(f"mem://{name}", data, name))


def test_office_titles_from_core_properties_else_first_heading():
    document = docx.Document()
    document.add_paragraph("某县公安局视频监控建设项目合同")
    document.add_paragraph("甲方：某县公安局")
    buf = io.BytesIO()
    document.save(buf)
    assert _extract(buf.getvalue(), "a.docx").title == "某县公安局视频监控建设项目合同"
    document.core_properties.title = "Microsoft Word - 1.doc"   # a placeholder a program wrote
    buf = io.BytesIO()
    document.save(buf)
    assert _extract(buf.getvalue(), "a.docx").title == "某县公安局视频监控建设项目合同"
    document.core_properties.title = "雪亮工程采购合同"
    buf = io.BytesIO()
    document.save(buf)
    assert _extract(buf.getvalue(), "a.docx").title == "雪亮工程采购合同"

    book = openpyxl.Workbook()
    book.active.append(["序号", "名称", "数量"])
    book.properties.title = "卡口设备采购清单"
    buf = io.BytesIO()
    book.save(buf)
    assert _extract(buf.getvalue(), "b.xlsx").title == "卡口设备采购清单"


def test_titles_mask_personal_identifiers():
    html = "<html><head><title>联系人13812345678 身份证110101199003071234</title></head><body><p>正文</p></body></html>"
    title = _extract(html.encode(), "x.html").title
    assert "13812345678" not in title and "110101199003071234" not in title
    assert title.startswith("联系人138") and len(title) == len("联系人13812345678 身份证110101199003071234")


def test_heading_wins_over_a_site_name_title():
    html = ("<html><head><title>中国政府采购网</title></head><body><div class='nav'>首页</div>"
            "<h1>某市公安局\n  天网工程中标公告</h1><p>正文</p></body></html>")
    assert _extract(html.encode(), "x.html").title == "某市公安局天网工程中标公告"


def test_source_line_breaks_inside_inline_text_are_not_text():
    html = ("<html><body><div>我公司于\n  2012\n  年\n  10\n  月收到\n  中标通\n  知书</div>"
            "<p>video\n surveillance <span>system</span>\n<b>监控</b>\n<b>系统</b></p>"
            "<pre>line 1\nline 2</pre><p>甲方<br>\n乙方</p></body></html>")
    lines = _extract(html.encode(), "x.html").pages[0].text.split("\n")
    assert lines == ["我公司于 2012 年 10 月收到中标通知书", "", "video surveillance system 监控系统", "",
                     "line 1", "line 2", "", "甲方", "乙方"]


def test_fddc_pages_no_longer_read_one_token_per_line(eval_dir):
    """Before, 574 of the 1,502 announcements had a fifth or more of their lines of 4 characters or fewer."""
    paths = sorted((eval_dir / "fddc" / "html").glob("*.html"))
    broken = 0
    for path in paths:
        lines = [line for page in _doc(path).pages for line in page.text.splitlines() if line.strip()]
        broken += sum(len(line.strip()) <= 4 for line in lines) >= 0.2 * len(lines)
    assert broken <= 15


def test_quotes_equal_the_page_text_at_their_spans_on_real_html(eval_dir):
    book = codebook.load()
    paths = sorted((eval_dir / "fddc" / "html").glob("*.html"))[::8] + sorted((eval_dir / "yichang" / "html").glob("*.html"))[::4]
    facts = 0
    for path in paths:
        doc = _doc(path)
        for f in analyze(doc, book):
            if f.page:
                assert f.quote == doc.pages[f.page - 1].text[f.start:f.end], (path.name, f.key)
                facts += 1
    assert facts > 1000
