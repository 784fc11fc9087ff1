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


def test_a_national_buyer_buys_for_no_one_region():
    text = "采购人：国家示例电网公司\n示例电缆股份有限公司位于上海市浦东新区，中标电力电缆集中招标项目。"
    assert _region(text) is None
    assert _region(text.replace("国家示例电网公司", "江苏省示例电力公司"))["code"] == "320000"


def test_a_street_named_after_a_place_is_not_that_place():
    region = _region("近日，本公司收到上海市虹口区海门路55号地块项目（地下空间）工程施工项目的中标通知书。")
    assert region and region["code"] == "310109"
    assert _region("上海市济阳路（卢浦大桥~闵行区界）快速化改建工程1标中标候选人公示")["code"] == "310000"


def test_cpca_reading_stretches_finds_what_it_finds_in_the_whole_text(eval_dir):
    # Region reading hands cpca only the stretches its place names cover (found by ahocorasick-rs, streets
    # left out); over real notices, with and without some text blanked, the matches must be cpca's own.
    from tenderlens.analyze.fields import region
    from tenderlens.analyze.fields.evidence import views

    def whole(text):  # cpca's matches, less the one-character and placeholder rows, streets and boundaries (海门路, 闵行区界)
        return [(m.start_index, m.end_index, m.origin_value) for m in region._cpca().matcher.iter(text)
                if m.end_index + 1 - m.start_index >= 2
                and text[m.start_index:m.end_index + 1] not in region._PLACEHOLDERS
                and not region._NOT_THE_PLACE.match(text, m.end_index + 1)]

    paths = sorted((eval_dir / "fddc" / "html").glob("*.html"))[::15]
    assert paths
    for path in paths:
        for view in views(extract_document(RawDoc(str(path), path.read_bytes(), path.name))):
            text = view.text[:3000]
            seen = region._Seen(view)
            for lo in (0, len(text) // 3):
                found = [(m.start_index, m.end_index, m.origin_value)
                         for m in region._places(region._segments(text[lo:], seen.stretches(lo, len(text))))]
                assert found == whole(text[lo:]), path
            blanked = "".join("□" if i % 37 < 4 else c for i, c in enumerate(text))  # blanks cut some names
            found = [(m.start_index, m.end_index, m.origin_value)
                     for m in region._places(region._segments(blanked, seen.stretches(0, len(text))))]
            assert found == whole(blanked), path
