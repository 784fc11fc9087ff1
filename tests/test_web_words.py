"""The web app's words and amounts, without a browser: every label in both languages, amounts as readers write them."""
from __future__ import annotations

import re

import pytest

from tenderlens import codebook
from tenderlens.web.document import value_text
from tenderlens.web.i18n import LANGS, Words, _table, lang_of, money
from tenderlens.web.labels import Labels

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_label_has_both_languages():
    for section, entries in _table().items():
        for key, pair in entries.items():
            assert isinstance(pair, list) and len(pair) == len(LANGS), (section, key)
            assert all(isinstance(x, str) and x for x in pair), (section, key, pair)
    # The codes of the shared fact contract each have a label.
    table = _table()
    assert set(table["notice_type"]) == {"tender", "shortlist", "award", "contract", "modification",
                                         "cancellation", "other"}
    assert set(table["method"]) == {"open", "selective", "competitive_negotiation", "competitive_consultation",
                                    "inquiry", "single_source", "framework", "other"}
    assert {"is_surveillance", "notice_type", "date", "buyer", "contract_party", "agent", "project_number", "region",
            "supplier", "amount", "bidder", "method", "consortium"} <= set(table["field"])


def test_english_labels_are_english():
    en = Words("en")
    for key in _table()["text"]:
        if key != "query_placeholder":
            assert not CJK.search(en(key)), key
    labels = Labels.from_codebook(codebook.load()).in_lang("en")
    assert all(not CJK.search(labels.category(c)) for c in labels.categories)


def test_language_choice():
    assert lang_of("zh", "en") == "zh"
    assert lang_of(None, "zh") == "zh"
    assert lang_of("fr", None) == "en"
    assert Words("zh").html_lang == "zh-Hans" and Words("en").html_lang == "en"


@pytest.mark.parametrize("value, currency, text", [
    (54_720_000, "CNY", "¥5,472万"), (85_143_000_000, "CNY", "¥851.43亿"), (4_800, "CNY", "¥4,800"),
    (1_250_000, "USD", "$1.25M"), (48_500, "USD", "$48.5K"), (999.5, "EUR", "€999.5"), (3e9, "USD", "$3B"),
    (12_000, "CHF", "CHF 12K"), (None, "CNY", ""),
])
def test_money(value, currency, text):
    assert money(value, currency) == text


def test_facts_read_as_a_person_says_them():
    en, zh = Words("en"), Words("zh")
    amount = {"amount": 5472.0, "currency": "CNY", "role": "contract", "unit": "万元", "yuan": 54720000.0}
    assert value_text("field", "amount", amount, en) == "¥5,472万 (contract)"
    assert value_text("field", "amount", amount, zh) == "¥5,472万 (合同金额)"
    assert value_text("field", "amount", {"amount": 48500.0, "currency": "USD", "role": "award", "usd": 48500.0},
                      en) == "$48.5K (award)"
    region = {"code": "441700", "province": "广东省", "prefecture": "阳江市", "county": None, "lat": 21.8, "lon": 111.9}
    assert value_text("field", "region", region, en) == "广东省 阳江市"
    assert value_text("field", "is_surveillance", True, en) == "yes"
    assert value_text("field", "notice_type", "shortlist", zh) == "中标候选人公示"
    assert value_text("field", "method", "single_source", en) == "single source"
    assert value_text("field", "bidder", {"name": "甲公司", "price": 1200000.0, "price_text": None, "rank": 1},
                      en) == "#1 甲公司 · ¥120万"
    assert value_text("tech", "tech.face_recognition", None, en) == ""
