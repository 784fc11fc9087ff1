"""Money amounts: Arabic or Chinese numerals with 元 / 万元 / 亿元 (or US dollars), and their role.

Text reaches here normalised (full-width digits are ASCII; the full-width comma
stays, so it is accepted as a thousands separator). Chinese numerals, including
the financial forms of 大写 (肆佰叁拾柒万元整), are converted by cn2an.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from .evidence import FactMaker, View

_ARABIC = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_DIGITS = "零〇壹贰叁肆伍陆柒捌玖拾佰仟一二两三四五六七八九十百千"
_CN_FRACTION = "零壹贰叁肆伍陆柒捌玖〇一二三四五六七八九"
_AMOUNT = re.compile(
    rf"(?=[人RCU¥$:：\d{_CN_DIGITS}万亿])"  # lets the scan skip characters no amount starts with
    rf"(?P<cur>人民币|RMB|CNY|¥|US\$|USD|\$)?[:：]?"
    rf"(?:(?P<num>{_ARABIC})(?:余|多)?(?P<unit>万元|亿元|千元|元|万美元|亿美元|美元|\s?USD\b|\s?dollars\b|(?:万|亿)(?=人民币|[^\u4e00-\u9fff]|$))?"
    rf"|(?P<cn>[{_CN_DIGITS}万亿]{{2,}})(?P<cnunit>[元圆](?:零?(?P<jiao>[{_CN_FRACTION}])角)?"
    rf"(?:零?(?P<fen>[{_CN_FRACTION}])分)?(?:整|正)?|万元|亿元)?)",
    re.I)
_MULTIPLIER = {"元": 1, "千元": 1e3, "万元": 1e4, "万": 1e4, "亿元": 1e8, "亿": 1e8, "美元": 1, "万美元": 1e4,
               "亿美元": 1e8}
# Other currencies: an amount in them is not converted (the document's own conversion, if any, is used).
_FOREIGN = re.compile(r"(?:万|亿)?(?:欧元|港元|港币|日元|英镑|卢布|里亚尔|澳元|加元|新元|林吉特|雷亚尔|坚戈|卢比|兰特|比索|"
                      r"迪拉姆|第纳尔|瑞郎|韩元|泰铢|越南盾|印尼盾|EUR|HKD|JPY|GBP)", re.I)
# Thresholds (合同金额1亿元以上) and unit prices (万元/公里) are not what was bought.
_NOT_A_PRICE = re.compile(r"(?:人民币)?(?:以上|以下|以内|及以上|/|每)")
# "Total" words: an announcement covering several lots states their sum.
_TOTAL = re.compile(r"(?:合计|共计|总计|累计|总额|汇总)[^。；，,]{0,12}$")

# What the words before an amount say it is. Searched right to left: the nearest cue wins.
ROLE_CUES = {
    "award": "中标金额|中标价|中标总价|中标总金额|中标额|中标价格|成交金额|成交价|成交总价|中标合同金额|投标报价|投标总价|报价|award|awarded",
    "contract": "合同金额|合同总金额|合同总价|合同价|合同额|合同总额|合同价款|合同总价款|总价款|签约金额|协议金额|协议总金额|订单金额|合同标的|contract amount|contract price|not to exceed|total cost",
    "ceiling": "最高限价|控制价|拦标价|限价|上限|最高投标限价",
    "budget": "预算|概算|总投资|投资总额|投资额|项目金额|估算|budget",
}
# A price with no word saying whose: what was agreed, unless a specific cue says otherwise.
GENERIC_PRICE = re.compile(r"金额|总价|总额|价款|造价|价格|费用|price|amount", re.I)
# Amounts that describe the company or the market, not the purchase.
IGNORE = re.compile(
    r"(注册资本|注册资金|营业收入|营业总收入|营业额|收入|净利润|利润|总资产|净资产|资产总额|资产|股本|市值|"
    r"保证金|履约保证|担保|负债|募集|市场规模|产值|生产总值|财政|收入的|占.{0,12}比例|每股|权益|实际发生|单价)[^。；;]{0,14}$")
_ROLE_RE = {role: re.compile(rf"(?:{cues})", re.I) for role, cues in ROLE_CUES.items()}
_WINDOW = 40


@dataclass
class Amount:
    value: float
    currency: str
    number: float
    unit: str


def parse_amount(text: str) -> Amount | None:
    """'1.25亿元' -> 125000000 CNY; '肆佰叁拾柒万' -> 4370000; '2，850，000.00元' -> 2850000."""
    m = _AMOUNT.fullmatch(text.strip())
    return _from_match(m, bare_numerals=True) if m else None


def _from_match(m: re.Match, bare_numerals: bool = False) -> Amount | None:
    cur = (m.group("cur") or "").upper()
    if m.group("num"):
        unit = m.group("unit") or ""
        if not unit and not cur:
            return None
        number = float(m.group("num").replace(",", "").replace("，", ""))
        unit = unit.strip()
        usd = "美元" in unit or "$" in cur or cur == "USD" or unit in ("USD", "dollars")
        unit = "美元" if unit in ("USD", "dollars") else unit or ("美元" if usd else "元")
        return Amount(number * _MULTIPLIER[unit], "USD" if usd else "CNY", number, unit)
    unit = m.group("cnunit") or ""
    if not unit and not cur and not bare_numerals:
        return None  # a run of numerals in prose is not money unless a unit or currency says so
    try:
        number = float(cn2an.cn2an(m.group("cn"), "smart"))
    except (ValueError, KeyError):
        return None
    cents = sum(_CN_FRACTION.index(d) % 10 * w for d, w in ((m.group("jiao"), 0.1), (m.group("fen"), 0.01)) if d)
    scale = _MULTIPLIER.get(unit, 1)
    value = round(number * scale + cents, 2)
    return Amount(value, "CNY", number, unit if unit in _MULTIPLIER else "元") if value > 0 else None


def role_of(before: str) -> str | None:
    """The role the nearest cue before an amount gives it; None when the amount is about something else."""
    clause = re.split(r"[。；;]", before)[-1]
    if IGNORE.search(clause):
        return None
    best, pos = "unknown", -1
    for role, rx in _ROLE_RE.items():
        for m in rx.finditer(clause):
            if m.end() > pos:
                best, pos = role, m.end()
    if best == "unknown" and GENERIC_PRICE.search(clause):
        best = "contract"
    return best


def find_amounts(views: list[View], make: FactMaker) -> list:
    facts = []
    for view in views:
        text = view.text
        ends: list[int] = []   # where the amounts kept so far on this page end
        for m in _AMOUNT.finditer(text):
            amount = _from_match(m)
            if amount is None or amount.value < 1000:
                continue
            if m.group("num") and text[m.end():m.end() + 1] in ("%", "％"):
                continue
            if _FOREIGN.match(text, m.end()) or _NOT_A_PRICE.match(text, m.end()):
                continue
            before = text[max(0, m.start() - _WINDOW):m.start()]
            role = role_of(before)
            if role is None:
                continue
            key = "yuan" if amount.currency == "CNY" else "usd"
            value = {key: round(amount.value, 2), "currency": amount.currency, "amount": amount.number,
                     "unit": amount.unit, "role": role}
            if _TOTAL.search(re.split(r"[。；;]", before)[-1]):
                value["total"] = True
            if _is_part(text, m.start(), ends):
                value["part"] = True
            ends.append(m.end())
            facts.append(make(view, m.start(), m.end(), "amount", value, "fields.amounts"))
    return facts


_SENTENCE_END = re.compile(r"[。；;]")


def _is_part(text: str, start: int, ends: list[int]) -> bool:
    """An amount in the breakdown of one stated just before it in the sentence (总投资163,667万元（其中：
    建筑安装费用129,619.22万元，预备费...）): a part of that price, not the price."""
    window = text[max(0, start - 200):start]
    sentence = start - len(_SENTENCE_END.split(window)[-1])
    among = text.rfind("其中", sentence, start)
    return among >= 0 and any(sentence <= e <= among for e in ends)
