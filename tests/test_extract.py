"""Extraction details: encodings, block structure, normalisation offsets, sniffing by bytes."""
from __future__ import annotations

import io
import json
import random
import unicodedata

import docx
import openpyxl

from tenderlens.analyze.fields import extract_fields
from tenderlens.extract import extract_document
from tenderlens.model import RawDoc
from tenderlens.sniff import sniff
from tenderlens.textnorm import normalise, to_original

NOTICE = "采购人：示例县公安局　预算金额：４３７万元（人民币）。項目：監控鏡頭"


def _html(charset: str, body: str) -> str:
    return (f'<html><head><meta charset="{charset}"><title>公告</title><script>alert("x")</script>'
            f"<style>p{{}}</style></head><body><div>{body}</div><p>第二段</p></body></html>")


def test_declared_and_undeclared_chinese_encodings():
    traditional = "採購人：示例縣公安局　預算金額：４３７萬元。項目：監控鏡頭"
    cases = [("gb2312", "gb18030", NOTICE), ("gbk", "gb18030", NOTICE), ("big5", "big5", traditional),
             ("utf-8", "utf-8", NOTICE)]
    for declared, actual, body in cases:
        doc = extract_document(RawDoc("mem://x.html", _html(declared, body).encode(actual), "x.html"))
        assert doc.status == "ok", declared
        assert body.split("　")[0] in doc.pages[0].text, declared
    # No declaration at all: GB18030 bytes are sniffed.
    raw = ("<html><body><p>" + NOTICE * 5 + "</p></body></html>").encode("gb18030")
    doc = extract_document(RawDoc("mem://y.html", raw, "y"))
    assert "示例县公安局" in doc.pages[0].text


def test_script_and_style_dropped_blocks_kept():
    doc = extract_document(RawDoc("mem://x.html", _html("utf-8", "甲方：示例局<br>乙方：示例公司").encode(), "x.html"))
    text = doc.pages[0].text
    assert "alert" not in text and "p{}" not in text
    assert doc.title == "公告"
    # <br> is a line break, a new block is a blank line: no quote can run across blocks.
    assert "甲方：示例局\n乙方：示例公司\n\n第二段" in text


def test_section_headings_kept_in_title_attributes_are_text():
    html = ('<html><body><div title="某某公司关于中标的公告" type="pdf"><div title="（三）采购人：" type="paragraph">'
            '<div type="content">示例县公安局</div></div><span title="tooltip">金额</span></div></body></html>')
    text = extract_document(RawDoc("mem://s.html", html.encode(), "s.html")).pages[0].text
    assert "（三）采购人：\n\n示例县公安局" in text
    assert "关于中标的公告" not in text and "tooltip" not in text


def test_table_rows_are_lines_cells_are_tabs():
    html = "<table><tr><td>甲方</td><td>示例县公安局</td></tr><tr><td>金额</td><td>100万元</td></tr></table>"
    text = extract_document(RawDoc("mem://t.html", html.encode(), "t.html")).pages[0].text
    assert text.splitlines() == ["甲方\t示例县公安局", "金额\t100万元"]


def test_normalisation_maps_back_to_the_original():
    rng = random.Random(3)
    alphabet = list("监控系统采购ＡＢＣ１２３４５６７８９０　 \t\n\r，：（）⾦ﬁ①abc\u200b")
    for _ in range(300):
        original = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        norm, breaks = normalise(original)
        for i, ch in enumerate(norm):
            src = original[to_original(breaks, i)]
            if ch.isspace():
                assert src.isspace() or src == "\u200b"
            else:
                assert ch == src or ch in unicodedata.normalize("NFKC", src), (original, i)
        assert "  " not in norm and "\n\n\n" not in norm and norm == norm.strip()


def test_full_width_digits_normalised_chinese_punctuation_kept():
    norm, _ = normalise("金额：￥２，８５０，０００．００元（含税）")
    assert norm == "金额：¥2,850,000.00元（含税）"


def test_format_decided_by_bytes_not_name():
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("示例合同")
    d.save(buf)
    assert sniff(buf.getvalue(), "download.do")[0] == "docx"
    assert sniff(b"%PDF-1.7\n%...", "notice.html")[0] == "pdf"
    assert sniff("<section><p>公告</p></section>".encode(), "test_data_1")[0] == "html"
    assert sniff(b'{"title": "x"}', "record")[0] == "json"
    # A scraped record whose content is HTML is still the JSON record.
    assert sniff('{"website": "示例", "content": "<div><p>中标结果</p></div>"}'.encode(), "x.html.json")[0] == "json"


def test_docx_page_breaks_and_tables():
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_paragraph("第一页 采购人：示例局")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "乙方", "示例公司"
    buf = io.BytesIO()
    d.save(buf)
    doc = extract_document(RawDoc("mem://c.docx", buf.getvalue(), "c.docx"))
    assert doc.format == "docx" and len(doc.pages) == 2
    assert "采购人" in doc.pages[0].text and "乙方\t示例公司" in doc.pages[1].text


def test_xlsx_sheets_are_pages():
    wb = openpyxl.Workbook()
    wb.active.title = "结果"
    wb.active.append(["中标供应商", "示例公司", 385000])
    wb.create_sheet("附件").append(["备注"])
    buf = io.BytesIO()
    wb.save(buf)
    doc = extract_document(RawDoc("mem://r.xlsx", buf.getvalue(), "r.xlsx"))
    assert [p.text.split("\n")[0] for p in doc.pages] == ["结果", "附件"]
    assert "中标供应商\t示例公司\t385000" in doc.pages[0].text


def test_json_notice_html_content_becomes_text(eval_dir):
    path = next((eval_dir / "ccgp-notices" / "analysis" / "test" / "ccgp").glob("*.json"))
    doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
    assert doc.format == "json" and doc.status == "ok"
    assert "<p" not in doc.pages[0].text and "<td" not in doc.pages[0].text
    assert doc.title and doc.title in doc.pages[0].text


def test_json_record_title_opens_the_text_and_its_type_is_read():
    record = {"website": "示例政府采购网", "content": "<div><p>竞争性谈判采购，现将结果公示如下。</p></div>",
              "title": "示例学院交换机等设备采购结果公示"}
    doc = extract_document(RawDoc("mem://r.json", json.dumps(record, ensure_ascii=False).encode(), "r.json"))
    assert doc.pages[0].text.startswith("title: 示例学院交换机等设备采购结果公示")
    facts = extract_fields(doc, "test")
    assert [f.value for f in facts if f.key == "notice_type"] == ["award"]
