"""Procurement fields: amounts, dates, parties and region, on synthetic text and on the real FDDC documents."""
from __future__ import annotations

import pytest

from synthetic import record
from tenderlens.analyze.fields import extract_fields
from tenderlens.analyze.fields.amounts import parse_amount, role_of
from tenderlens.evaluate import load_gold, score
from tenderlens.extract import extract_document
from tenderlens.model import RawDoc
from tenderlens.summary import summarise
from tenderlens.textnorm import normalise

# Measured on all 1,502 FDDC documents and on labels.jsonl (docs/fields.md); each floor sits about one
# document under the measured precision or recall, so a buyer copied into empty supplier lists, or a
# field dropped, fails.
FDDC_FLOORS = {"party_a": (0.896, 0.864), "winner": (0.931, 0.931), "amount_cny": (0.929, 0.921)}
LABELS_FLOORS = {"notice_type": (0.98, 0.98), "date": (0.93, 0.92), "buyer": (0.96, 0.98), "suppliers": (0.95, 0.95),
                 "amount_cny": (0.90, 0.91), "region_code": (0.82, 0.86)}



@pytest.mark.parametrize("text, yuan", [
    ("肆佰叁拾柒万", 4_370_000),
    ("肆佰叁拾柒万元整", 4_370_000),
    ("1.25亿元", 125_000_000),
    (normalise("￥２，８５０，０００．００")[0], 2_850_000),
    ("人民币116,966,210元", 116_966_210),
    ("17,139.80万元", 171_398_000),
    ("壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分", 123_456_789.12),
    ("伍万元零捌分", 50_000.08),
    ("叁拾万零伍佰元", 300_500),
])
def test_amounts_in_yuan(text, yuan):
    amount = parse_amount(text)
    assert amount is not None and amount.currency == "CNY"
    assert amount.value == pytest.approx(yuan)


def test_dollars_and_non_amounts():
    assert parse_amount("$1,234.50").currency == "USD"
    assert parse_amount("137,171.67 USD").value == pytest.approx(137_171.67)
    assert parse_amount("12.5%") is None
    assert parse_amount("2018") is None  # a bare number is not money


@pytest.mark.parametrize("before, role", [
    ("本项目预算金额为", "budget"),
    ("最高限价：", "ceiling"),
    ("经评审，中标金额为人民币", "award"),
    ("双方签署合同，合同总价为", "contract"),
    ("公司注册资本为", None),
    ("占公司最近一期经审计营业收入的", None),
])
def test_amount_roles(before, role):
    assert role_of(before) == role


def test_foreign_currency_thresholds_and_company_figures_are_not_the_price():
    rec = record("公司与某某公司签订合同，合同金额为1,220万欧元，折合人民币约9,150万元。根据公司章程，合同金额1亿元以上需经董事会审议。"
                 "公司注册资本为5,000万元，单价为20.41万元/公里。")
    assert rec["amount_cny"] == 91_500_000 and rec["amount"]["role"] == "contract"


def test_breakdown_items_are_parts_of_the_price():
    rec = record("公司中标某某PPP项目。本项目估算总投资为163,667万元（其中：建筑安装费用129,619.22万元，"
                 "工程其他费用13,336.23万元，预备费14,295.55万元）。")
    assert rec["amount_cny"] == 1_636_670_000


def test_subsidiary_named_as_lead_of_a_consortium_wins():
    rec = record("某某建设股份有限公司关于重大工程中标的公告\n近日，本公司下属某某城建集团有限公司（联合体牵头人）"
                 "与某某设计院有限公司组成的联合体收到某某市交通运输局发出的《中标通知书》。")
    assert rec["suppliers"][0] == "某某城建集团有限公司"
    assert rec["buyer"] == "某某市交通运输局"


def test_buyer_named_by_the_role_it_has():
    rec = record("某某建设股份有限公司中标公告\n2010年11月2日，由某某地铁有限责任公司作为招标人，"
                 "我公司参与投标的某某地铁2号线工程经评审后确定我公司中标。")
    assert rec["buyer"] == "某某地铁有限责任公司"


def test_tender_notice_fields():
    rec = record(
        "某某市公安局视频监控系统采购项目招标公告\n项目编号：ZB-2024-017\n采购人：某某市公安局\n"
        "采购代理机构：某某招标代理有限公司\n预算金额：肆佰叁拾柒万元整\n最高限价：4,300,000.00元\n"
        "公告日期：2024年3月")
    assert rec["notice_type"] == "tender"
    assert rec["buyer"] == "某某市公安局"
    assert rec["agent"] == "某某招标代理有限公司"
    assert rec["project_number"] == "ZB-2024-017"
    # A tender announces its budget; the ceiling and the lots come after.
    assert rec["amount"]["role"] == "budget" and rec["amount_cny"] == 4_370_000
    assert rec["date"] is None  # a month alone is no date


def test_tender_file_budget_beats_repeated_lots_and_contract_template():
    rec = record("某某学院图书采购项目招标公告\n预算金额：300000.00元\n合同包1预算金额：160000.00元\n"
                 "合同包2预算金额：140000.00元\n合同包1最高限价：160000.00元\n第五章 合同条款\n合同总价：160000.00元")
    assert rec["notice_type"] == "tender" and rec["amount_cny"] == 300_000


def test_award_with_consortium_and_operator_signing_for_the_government():
    rec = record(
        "北京某某科技股份有限公司关于签订重大合同的公告\n"
        "2019年5月6日，北京某某科技股份有限公司（以下简称“公司”或“乙方”）与中国电信股份有限公司某某分公司"
        "（以下简称“甲方”）签署了《某某市雪亮工程建设合同》，业主单位：某某市公安局。合同总价为人民币1.25亿元。")
    assert rec["suppliers"] == ["北京某某科技股份有限公司"]
    assert rec["contract_party"] == "中国电信股份有限公司某某分公司"
    assert rec["buyer"] == "某某市公安局"
    assert rec["amount_cny"] == 125_000_000 and rec["amount"]["role"] == "contract"
    assert rec["notice_type"] == "contract"
    assert rec["date"] == "2019-05-06"


def test_region_from_the_buyer_with_code_and_coordinates():
    rec = record("采购人：湖南省娄底市公安局\n采购项目：天网工程")
    region = rec["region"]
    assert (region["province"], region["prefecture"], region["code"]) == ("湖南省", "娄底市", "431300")
    assert region["lat"] and region["lon"]


def test_district_named_without_its_suffix_and_provincial_buyers():
    assert record("采购人：合肥市公安局瑶海分局")["region"]["code"] == "340102"
    # A provincial department buys for its province, whatever town the notice mentions.
    assert record("采购人：广东省公安厅\n交付地点：广州市")["region"]["code"] == "440000"
    assert record("采购人：云浮市政府\n项目名称：视频监控系统建设（罗定市）项目")["region"]["code"] == "445381"


def test_ambiguous_county_is_not_guessed():
    # 南山区 is in Shenzhen and in Hegang; nothing in the text says which.
    assert record("采购人：南山区教育局")["region"] is None
    region = record("采购人：深圳市南山区教育局")["region"]
    assert region["code"] == "440305" and region["county"] == "南山区"


def test_english_record():
    rec = record("Department of Police - City of Chicago\nJuly 20, 2015\n"
                 "Vendor: Pen-Link, Ltd.\nTotal contract amount: $137,171.67", language="en")
    assert rec["buyer"] == "Department of Police - City of Chicago"
    assert rec["suppliers"] == ["Pen-Link, Ltd."]
    assert rec["amount"]["usd"] == pytest.approx(137_171.67) and rec["amount_cny"] is None
    assert rec["date"] == "2015-07-20"


@pytest.mark.parametrize("text, vendor", [
    ("are being provided with a copy of the quote from Pen-\nLink, Ltd. These are the only documents", "Pen-Link, Ltd."),
    ("Attached to this report is an invoice from Celleﬁrite\nUSA, Corporation of Glen Rock NJ", "Cellefirite USA, Corporation"),
])
def test_english_vendor_wrapped_across_lines(text, vendor):
    assert record("Chicago Police Department\n" + text, language="en")["suppliers"] == [vendor]


@pytest.fixture(scope="module")
def fddc_records(eval_dir):
    """Records of every FDDC document, and every field fact with the page text it points into."""
    records, checked = {}, []
    for path in sorted((eval_dir / "fddc" / "html").glob("*.html")):
        doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
        facts = extract_fields(doc, "test")
        checked.extend((path.name, doc.pages[f.page - 1].text[f.start:f.end], f) for f in facts)
        records[doc.id] = summarise(doc.id, facts)
    return records, checked


def test_fddc_fields_against_gold(eval_dir, fddc_records):
    records, _ = fddc_records
    report = score(load_gold(str(eval_dir / "fddc" / "gold_contracts.tsv")), records).as_dict()
    assert report["matched"] == report["documents"] == 1502
    for name, (precision, recall) in FDDC_FLOORS.items():
        s = report["fields"][name]
        assert s["precision"] >= precision and s["recall"] >= recall, (name, s)


def test_labels_fields_against_gold(eval_dir):
    gold = load_gold(str(eval_dir / "labels.jsonl"))
    records = {}
    for g in gold:
        path = eval_dir / g.path
        doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
        records[doc.id] = summarise(doc.id, extract_fields(doc, "test"))
    report = score(gold, records).as_dict()
    assert report["matched"] == len(gold)
    for name, (precision, recall) in LABELS_FLOORS.items():
        s = report["fields"][name]
        assert s["precision"] >= precision and s["recall"] >= recall, (name, s)


def test_every_field_quote_is_the_page_text_at_its_span(eval_dir, fddc_records):
    _, checked = fddc_records
    for path in sorted((eval_dir / "cn-gov-pdfs" / "examples").glob("*.pdf")) + sorted(
            (eval_dir / "lpl-foia").rglob("*.txt")):
        doc = extract_document(RawDoc(str(path), path.read_bytes(), path.name))
        checked.extend((path.name, doc.pages[f.page - 1].text[f.start:f.end], f)
                       for f in extract_fields(doc, "test"))
    assert len(checked) > 5000
    for name, text, fact in checked:
        assert fact.quote and text == fact.quote, (name, fact)
        assert fact.codebook_version == "test" and fact.extractor.startswith("fields.")
