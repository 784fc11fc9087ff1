"""Masking of personal identifiers: what is masked, what is left alone, and that lengths hold."""
from __future__ import annotations

import hashlib
import json

from tenderlens.privacy import mask


def test_mobile_and_id_numbers_masked_keeping_length():
    text = "联系人手机：13912345678，+86 139-1234-5678；身份证号110101199003071234、11010119900307123X"
    out = mask(text)
    assert len(out) == len(text)
    for secret in ("13912345678", "1234-5678", "110101199003071234", "11010119900307123X"):
        assert secret not in out
    assert "139********" in out and "110101************" in out


def test_ids_amounts_and_landlines_untouched():
    doc_id = hashlib.sha256(b"x").hexdigest()
    # Hex document ids often hold runs like ...a13912345678b...; they are not phone numbers.
    planted = "a13912345678b" + doc_id[13:]
    for text in (doc_id, planted, "座机 0476-7866605", "金额 13800000000000元", "项目编号 ZB139123456789"):
        assert mask(text) == text


# -- Property tests: every planted number is found, in every format privacy.py claims --------------

import re  # noqa: E402

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from tenderlens.privacy import KEEP_ID, KEEP_MOBILE, identifier_spans, mask_tree  # noqa: E402

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
CJK_CHAR = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Context: Chinese, Latin letters, digits, punctuation and spaces; it always meets the number with a
# Chinese character, since a number inside a longer run of digits or letters is not one (see privacy.py).
CONTEXT = st.text(st.one_of(CJK_CHAR, st.sampled_from(list("abcXYZ 0123456789，。：；、（）-\n"))), max_size=30)
DIGIT = st.sampled_from("0123456789")


@st.composite
def mobiles(draw) -> str:
    return "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(DIGIT, min_size=9, max_size=9)))


@st.composite
def ids(draw) -> str:
    region = draw(st.sampled_from("123456789")) + "".join(draw(st.lists(DIGIT, min_size=5, max_size=5)))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 31))
    serial = "".join(draw(st.lists(DIGIT, min_size=3, max_size=3)))
    if draw(st.booleans()):  # the 15-digit numbers issued before 1999
        return f"{region}{draw(st.integers(0, 99)):02d}{month:02d}{day:02d}{serial}"
    check = draw(st.sampled_from("0123456789Xx"))
    return f"{region}{draw(st.integers(1900, 2099))}{month:02d}{day:02d}{serial}{check}"


def printed(draw, number: str, groups: list[int]) -> str:
    """The number as a document may print it: grouped by spaces or dashes, split across lines, full-width."""
    out, pos = [], 0
    sep = draw(st.sampled_from(["", " ", "-", "－", "\u3000"]))
    for g in groups:
        out.append(number[pos:pos + g])
        pos += g
    text = sep.join(out)
    if draw(st.booleans()):  # a line break between two of its characters
        digits = [i for i, c in enumerate(text) if c not in " -－\u3000"]
        at = draw(st.sampled_from(digits[1:]))
        if text[at - 1] not in " -－\u3000":
            text = text[:at] + draw(st.sampled_from(["\n", "\r\n"])) + text[at:]
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text


@st.composite
def planted(draw):
    """(text, start, end, kept digits) with one ID-card or mobile number planted between start and end."""
    if draw(st.booleans()):
        number, keep = draw(mobiles()), KEEP_MOBILE
        groups = [3, 4, 4]
        label = draw(st.sampled_from(["", "TEL", "手机", "+86 ", "+86", "电话：", "Mobile:"]))
    else:
        number, keep = draw(ids()), KEEP_ID
        groups = [6, 8, 4] if len(number) == 18 else [6, 6, 3]
        label = draw(st.sampled_from(["", "ID", "身份证", "身份证号码：", "No."]))
    body = printed(draw, number, groups)
    before = draw(CONTEXT) + draw(CJK_CHAR) + label
    text = before + body + draw(CJK_CHAR) + draw(CONTEXT)
    return text, len(before), len(before) + len(body), keep


def only_digits_starred(text: str, masked: str) -> bool:
    return len(masked) == len(text) and all(
        a == b or (b == "*" and re.fullmatch(r"[0-9０-９XxＸｘ]", a)) for a, b in zip(text, masked))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted())
def test_every_planted_number_is_masked_in_every_printed_form(case):
    text, start, end, keep = case
    out = mask(text)
    assert only_digits_starred(text, out)
    digits = [i for i in range(start, end) if re.fullmatch(r"[0-9０-９XxＸｘ]", text[i])]
    assert all(out[i] == "*" for i in digits[keep:]), (text[start:end], out[start:end])
    assert any(s <= start and end <= e for s, e in identifier_spans(text))
    assert mask(out) == out


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200),
                 # Mostly digits and the separators masking reads between them: every branch of the matcher.
                 st.text(st.sampled_from("0123456789１３Xx +-－\n\r.TEL身份证"), max_size=80),
                 # Runs of digits as long as the numbers masking looks for, joined the ways it reads them.
                 st.lists(st.text(st.sampled_from("0123456789"), min_size=1, max_size=19), max_size=5).flatmap(
                     lambda runs: st.lists(st.sampled_from([" ", "-", "\n", "。", "X", "a", "."]), min_size=len(runs),
                                           max_size=len(runs)).map(
                         lambda seps: "".join(r + s for r, s in zip(runs, seps))))))
def test_masking_any_text_keeps_every_offset(text):
    out = mask(text)
    assert only_digits_starred(text, out)
    assert mask(out) == out


@settings(max_examples=100, deadline=None)
@given(planted(), st.sampled_from(["title", "sources", "meta"]))
def test_masking_a_record_reaches_every_string_but_ids(case, key):
    text, start, end, _ = case
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    record = {"doc_id": doc_id, key: [text] if key == "sources" else {"Author": text} if key == "meta" else text}
    out = mask_tree(record, keep=("doc_id",))
    assert out["doc_id"] == doc_id
    assert text[start:end] not in json.dumps(out, ensure_ascii=False)


def test_numbers_in_tables_and_longer_runs_are_left_alone():
    for text in ("数量 13 5 20 30 40 50 60 台", "合同号 2019110101199003071234", "订单 139123456789", "编号1391234567890",
                 "哈希 " + hashlib.sha256(b"y").hexdigest() + " 13912345678abc"):
        assert mask(text) == text, text


def test_amounts_with_fractions_are_not_phone_numbers():
    # Bid prices one per line, as a real notice prints them: a fraction, a line break, the next price.
    prices = "投标报价(元/%)\n172745995.96\n171747909.13\n171311527.79\n金额 13912345678.50 元"
    assert mask(prices) == prices
    assert mask("电话：13912345678,13812345678。") == "电话：139********,138********。"
