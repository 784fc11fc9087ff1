"""Region resolution must come from a place the text names, never from a bare administrative word."""
from __future__ import annotations

from tenderlens import codebook
from tenderlens.analyze.fields import extract_fields
from tenderlens.extract import extract_document
from tenderlens.model import RawDoc


def _region(text: str):
    doc = extract_document(RawDoc("mem://n.txt", text.encode(), "n.txt"))
    facts = [f for f in extract_fields(doc, codebook.load()) if f.key == "region"]
    return facts[0].value if facts else None


def test_bare_county_word_names_no_place():
    # 重庆市's "县" row (500200) once matched every 县 in a notice.
    assert _region("采购人：示例县公安局\n项目名称：视频监控点位建设项目\n预算金额：100万元") is None


def test_named_county_resolves_with_code():
    region = _region("采购人：广东省云浮市罗定市公安局\n项目名称：视频监控系统建设项目")
    assert region and region["code"] == "445381" and region["county"] == "罗定市"
    assert region["lat"] and region["lon"]
