"""The codebook files: schema, content the issue asks for, and every fixture sentence through the real analyzer."""
from __future__ import annotations

import shutil

import pytest
import yaml

from tenderlens import codebook
from tenderlens.analyze import analyze
from tenderlens.model import Document, Page
from tenderlens.textnorm import normalise

CB = codebook.load()
CATEGORY_IDS = {line.split("|")[1].strip() for line in open(codebook.DEFAULT_DIR.parents[2].parent
                                                          / "shared" / "spec" / "categories.md", encoding="utf-8")
                if line.startswith("| ") and "." in line.split("|")[1] and line.split("|")[1].strip()[:1].islower()}
VENDORS = ["Hikvision", "Dahua", "Megvii", "SenseTime", "Yitu", "CloudWalk", "Huawei", "iFlytek", "Uniview",
           "Meiya Pico", "Gosuncn", "PCI", "Xiling", "Harris", "Cellebrite", "PenLink", "Palantir", "Axon",
           "Motorola Solutions", "Flock Safety", "ShotSpotter", "Clearview AI"]


def _tags(sentence: str) -> set[str]:
    text, offsets = normalise(sentence)
    doc = Document("fixture", "text", "text/plain", len(sentence), [Page(1, text, offsets)])
    facts = analyze(doc, CB)
    for f in facts:
        assert f.quote == text[f.start:f.end]
        assert f.codebook_version == CB.version
    return {f.key for f in facts if f.kind in codebook.FAMILIES}


def test_every_category_of_the_spec_is_in_the_codebook():
    assert len(CATEGORY_IDS) >= 37
    assert set(CB.categories) == CATEGORY_IDS


def test_every_vendor_of_the_issue_is_in_the_codebook():
    names = {n.lower() for v in CB.vendors.values() for n in v.names}
    missing = [v for v in VENDORS if not any(v.lower() in n for n in names)]
    assert not missing
    hik = CB.vendors["hikvision"]
    assert "杭州海康威视数字技术股份有限公司" in hik.legal_names and "海康威视" in hik.stock_names


FIXTURES = [(c.id, s, True) for c in CB.categories.values() for s in c.fixtures.positive] + \
           [(c.id, s, False) for c in CB.categories.values() for s in c.fixtures.negative]


@pytest.mark.parametrize("category,sentence,positive", FIXTURES, ids=[f"{c}-{'pos' if p else 'neg'}{i}"
                                                                     for i, (c, _, p) in enumerate(FIXTURES)])
def test_fixture_sentence(category, sentence, positive):
    assert (category in _tags(sentence)) == positive


def test_shipped_files_follow_the_schema():
    for family in codebook.FAMILIES:
        f = codebook._read(codebook.DEFAULT_DIR / f"{family}.yaml", codebook.FamilyFile)
        assert f.family == family
        for cat in f.categories:
            assert cat.fixtures.positive and cat.fixtures.negative and cat.counter_cues
    codebook._read(codebook.DEFAULT_DIR / "vendors.yaml", codebook.VendorsFile)
    codebook._read(codebook.DEFAULT_DIR / "codebook.yaml", codebook.IndexFile)


@pytest.mark.parametrize("breakage,message", [
    (lambda d: d["categories"][0].pop("fixtures"), "fixtures"),
    (lambda d: d["categories"][0]["fixtures"].update(negative=[]), "negative"),
    (lambda d: d["categories"][0].update(id="tech.Bad Id"), "id"),
    (lambda d: d["categories"][0].update(cues=[{"text": "x", "needs": "sometimes"}]), "needs"),
    (lambda d: d["categories"][0].update(colour="red"), "colour"),
])
def test_a_broken_file_is_refused_with_where(tmp_path, breakage, message):
    for f in codebook.DEFAULT_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    data = yaml.safe_load((tmp_path / "tech.yaml").read_text(encoding="utf-8"))
    breakage(data)
    (tmp_path / "tech.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(codebook.CodebookError) as e:
        codebook.load(tmp_path)
    assert "tech.yaml" in str(e.value) and message in str(e.value)


def test_a_researcher_can_add_a_cue_by_editing_data(tmp_path):
    for f in codebook.DEFAULT_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    sentence = "公安局采购千目巡查系统。"
    assert "tech.video_surveillance" not in _tags(sentence)
    data = yaml.safe_load((tmp_path / "tech.yaml").read_text(encoding="utf-8"))
    data["categories"][0]["cues"].append("千目巡查")
    (tmp_path / "tech.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    custom = codebook.load(tmp_path)
    text, offsets = normalise(sentence)
    facts = analyze(Document("x", "text", "", 1, [Page(1, text, offsets)]), custom)
    assert any(f.key == "tech.video_surveillance" and "千目巡查" in f.quote for f in facts)


def _vendors(sentence: str) -> list[tuple[str, str, str]]:
    text, offsets = normalise(sentence)
    facts = analyze(Document("v", "text", "text/plain", len(sentence), [Page(1, text, offsets)]), CB)
    return [(f.key, f.quote, f.value["role"]) for f in facts if f.kind == "vendor"]


@pytest.mark.parametrize("sentence,expected", [
    ("审计机构为大华会计师事务所（特殊普通合伙）。", []),
    ("中标人：浙江大华技术股份有限公司。", [("dahua", "浙江大华技术股份有限公司")]),
    ("采购海康威视(HIKVISION)摄像机200台。", [("hikvision", "海康威视"), ("hikvision", "HIKVISION")]),
    ("The sheriff bought a cell-site simulator from Harris Corporation, not from Harris County.",
     [("harris", "Harris Corporation")]),
    ("道路施工依图纸进行。", []),
    ("中标人：北京易华录信息技术股份有限公司。", [("ehualu", "北京易华录信息技术股份有限公司")]),
    ("供应商：科达制造股份有限公司。", []),
    ("The police department bought GrayKey from Grayshift.", [("grayshift", "GrayKey"), ("grayshift", "Grayshift")]),
])
def test_vendor_names_resolve_and_look_alikes_do_not(sentence, expected):
    assert [(k, q) for k, q, _ in _vendors(sentence)] == expected


def test_a_winning_vendor_is_a_supplier_in_every_mention(eval_dir):
    """FDDC 1021549: 高新兴 wins a public-security video contract; the announcement names it several ways."""
    from tenderlens.extract import extract_document
    from tenderlens.model import RawDoc
    path = eval_dir / "fddc" / "html" / "1021549.html"
    doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
    facts = analyze(doc, CB)
    gosuncn = [f for f in facts if f.kind == "vendor" and f.key == "gosuncn"]
    assert len(gosuncn) >= 2 and {f.value["role"] for f in gosuncn} == {"supplier"}
    assert any(f.key == "supplier" and "高新兴" in f.value for f in facts if f.kind == "field")


def test_codebook_check_command_names_the_broken_file(tmp_path):
    from click.testing import CliRunner
    from tenderlens.cli import main
    good, broken = tmp_path / "good", tmp_path / "broken"
    for folder in (good, broken):
        shutil.copytree(codebook.DEFAULT_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    runner = CliRunner()
    ok = runner.invoke(main, ["codebook", "check", str(good)])
    assert ok.exit_code == 0 and CB.version in ok.output and "37 categories" in ok.output
    (broken / "vendors.yaml").write_text("vendors:\n  - id: x\n    name_en: X\n", encoding="utf-8")
    bad = runner.invoke(main, ["codebook", "check", str(broken)])
    assert bad.exit_code == 2 and "vendors.yaml" in bad.output and "legal_names" in bad.output


def test_an_edited_codebook_is_read_again(tmp_path, monkeypatch):
    shutil.copytree(codebook.DEFAULT_DIR, tmp_path / "cb", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    first = codebook.load(tmp_path / "cb")
    assert codebook.load(tmp_path / "cb") is first  # cached: workers call load() per document
    index = tmp_path / "cb" / "codebook.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace(f'version: "{CB.version}"', 'version: "edited"'),
                     encoding="utf-8")
    monkeypatch.setattr(codebook, "RECHECK_SECONDS", 0)
    assert codebook.load(tmp_path / "cb").version == "edited"


@pytest.mark.parametrize("name,why", [
    ("16498925.html", "a metro line's integrated supervisory control system (综合监控)"),
    ("1684721.html", "substation computer monitoring (变电站计算机监控)"),
    ("248048.html", "a motorway's toll, monitoring and communication systems"),
    ("9889674.html", "gridded air-pollution monitoring and warning"),
    ("19179629.html", "a steel plant's pelletising machine room (造球机室)"),
    ("1523855.html", "a shipbuilder monitoring construction quality (监控船只建造)"),
])
def test_monitoring_look_alikes_in_real_announcements_get_no_category(eval_dir, name, why):
    """FDDC announcements outside the gold labels whose 监控 or 预警 watches machines, air or ships."""
    from tenderlens.extract import extract_document
    from tenderlens.model import RawDoc
    path = eval_dir / "fddc" / "html" / name
    doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
    tagged = [(f.key, f.quote) for f in analyze(doc, CB) if f.kind in codebook.FAMILIES]
    assert not tagged, why
