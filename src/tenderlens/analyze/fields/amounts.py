"""Money amounts: Arabic or Chinese numerals with 元 / 万元 / 亿元, or in another currency (kept in that
currency, never converted), and their role.

Text reaches here normalised (full-width digits are ASCII; the full-width comma
stays, so it is accepted as a thousands separator). Chinese numerals, including
the financial forms of 大写 (肆佰叁拾柒万元整), are converted by cn2an.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

import cn2an

from .evidence import FactMaker, View

_ARABIC = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Thousands written with dots, as garbled conversions have them (488.806.625.00元, 789,041.480.06元):
# two or more dots cannot be a decimal point.
_DOTTED = r"\d{1,3}(?:[.,，]\d{3})*\.\d{3}(?:[.,，]\d{3})*\.\d{1,2}(?!\d)"
_CN_DIGITS = "零〇壹贰叁肆伍陆柒捌玖拾佰仟一二两三四五六七八九十百千"
_CN_FRACTION = "零壹贰叁肆伍陆柒捌玖〇一二三四五六七八九"
# Currencies other than the yuan, by the name a Chinese text gives them. Where one name stands for
# several currencies (卢比, 比索, 第纳尔 ...) the amount is left out rather than guessed.
FOREIGN = {"美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY", "英镑": "GBP",
           "澳元": "AUD", "加元": "CAD", "新加坡元": "SGD", "新元": "SGD", "瑞士法郎": "CHF", "瑞郎": "CHF",
           "林吉特": "MYR", "雷亚尔": "BRL", "坚戈": "KZT", "兰特": "ZAR", "韩元": "KRW", "泰铢": "THB",
           "越南盾": "VND", "印尼盾": "IDR", "新台币": "TWD", "卢布": "RUB"}
# The first characters go first so that a scan rejects most positions with one class test.
_FX_NAMES = "(?=[{}])(?:{})".format("".join(sorted({n[0] for n in FOREIGN})),
                                     "|".join(sorted(FOREIGN, key=len, reverse=True)))
# 惩 stands for 亿 in announcements whose PDF font was mapped wrongly (42.1惩元, 2.03惩美元).
_SCALE = {"": 1, "千": 1e3, "仟": 1e3, "万": 1e4, "亿": 1e8, "惩": 1e8}
# Case is ignored only where letters are (currency codes): `re` scans the Chinese parts faster without it.
_AMOUNT = re.compile(
    rf"(?=[人RCUHErcuhe¥$€（(:：\d{_CN_DIGITS}万亿])"  # lets the scan skip characters no amount starts with
    rf"(?:[（(](?:人民币)?(?P<label>万元|亿元|元)[)）])?"  # the unit given in the label: 中标金额（元）：
    rf"(?P<cur>人民币|(?i:RMB|CNY)|¥|(?i:US\$|USD|HK\$|HKD|EUR)|€|\$)?[:：\s]?"
    rf"(?:(?P<num>{_DOTTED}|{_ARABIC})(?:余|多)?"
    rf"(?:(?P<scale>[千仟万亿惩]?)(?P<name>元|{_FX_NAMES})|\s?(?P<code>(?i:USD|EUR|HKD|GBP|JPY|dollars))\b"
    rf"|(?P<bare>[万亿])(?=人民币|(?i:[^\u4e00-\u9fffA-Za-z])|$))?"
    rf"|(?P<cn>[{_CN_DIGITS}万亿]{{2,}})(?:(?P<cnunit>[元圆](?:零?(?P<jiao>[{_CN_FRACTION}])角)?"
    rf"(?:零?(?P<fen>[{_CN_FRACTION}])分)?(?:整|正)?|万元|亿元)|(?P<cnfx>{_FX_NAMES}))?)")
_CODES = {"USD": "USD", "DOLLARS": "USD", "EUR": "EUR", "HKD": "HKD", "GBP": "GBP", "JPY": "JPY", "US$": "USD",
          "$": "USD", "HK$": "HKD", "€": "EUR"}
# Currency names several countries use: such an amount is left out (the document's own yuan figure,
# if any, is used), whether the name follows the number or comes before it.
_AMBIGUOUS = "里亚尔|卢比|比索|迪拉姆|第纳尔"
_AMBIGUOUS_AFTER = re.compile(rf"[万亿]?(?:{_AMBIGUOUS})")
# Thresholds (合同金额1亿元以上), unit prices (万元/公里), statistics (106亿元，同比增长10.1%) and the
# base of a discount (预估价392,000,000元下浮4.36%) are not what was bought.
_NOT_A_PRICE = re.compile(r"(?:人民币)?(?:以上|以下|以内|及以上|/|每)|[，,]?(?:同比|年均|比上年)?增长|"
                          r"(?:人民币)?(?:下浮|上浮)")
# "Total" words: an announcement covering several lots states their sum.
_TOTAL = re.compile(r"(?:合计|共计|总计|累计|总额|汇总)[^。；，,]{0,12}$")

# What the words before an amount say it is. Searched right to left: the nearest cue wins.
ROLE_CUES = {
    "award": r"中标金额|中标价|中标标价|中选金额|中选价|(?:中标|成交)[（(][^)）]{1,4}[)）](?:价|金额|总价)|"
             r"中标总价|中标总金额|中标额|中标价格|成交金额|成交价|成交总价|中标合同金额|投标报价|投标总价|报价|"
             r"award|awarded",
    "contract": "合同金额|合同总金额|合同总价|合同价|合同额|合同总额|合同价款|合同总价款|总价款|签约金额|协议金额|"
                "协议总金额|订单金额|合同标的|contract amount|contract price|not to exceed|total cost",
    "ceiling": "最高限价|控制价|拦标价|限价|上限|最高投标限价",
    "budget": "预算|概算|总投资|投资总额|投资额|项目金额|估算|budget",
}
# A price with no word saying whose: what was agreed, unless a specific cue says otherwise.
GENERIC_PRICE = re.compile(r"金额|总价|总额|价款|造价|价格|费用|(?i:price|amount)")
# Amounts that describe the company or the market, not the purchase. Every word starts with a
# plain character (定金's lookbehind comes after it), so `re` scans for those characters quickly.
IGNORE = re.compile(
    r"(注册资本|注册资金|开办资金|资本金|出资|营业收入|营业总收入|营业额|收入|净利润|利润|毛利|总资产|净资产|固定资产|资产总额|"
    r"股本|市值|零售总额|贸易总额|贸易额|保证金|履约保证|担保|负债|贷款|本金|利息|违约金|募集|市场规模|产值|生产总值|财政|收入的|"
    r"占.{0,12}比例|每股|权益|实际发生|单价|补助|补贴|成本|"
    r"笔货款|预付款|首付款|进度款|尾款|质保金|拨付|付款金额|支付金额|定金(?<![确约规决指固核设认鉴测审限制评既]定金)|订金)[^。；;]{0,14}$")
# A share of the price (支付合同总金额的30%，即¥27,201,000.00元): an instalment, not the price.
SHARE = re.compile(r"的\d+(?:\.\d+)?[%％][^\d。；;]{0,8}$")
# A payment (买方支付2000万元人民币（预付款）): an instalment, not the price.
PAYMENT = re.compile(r"支付(?:人民币)?[:：]?$")
# A price per unit (每平方米18,760.05元): not what the whole purchase costs.
PER_UNIT = re.compile(r"每[^\d。；;，,]{1,10}$")
# Anywhere in the sentence: what the company has won or sold over a period (截至公告日，公司本年度累计
# 中标金额..., 最近三个会计年度...发生的购销金额, 已中标未开工项目), a past contract (曾签署) or a
# comparison (比预计成交金额少...). A batch announced together (成功中标一批项目，累计中标金额...)
# is not a period.
# Written as alternatives that each start with a plain character (so `re` scans for those quickly):
# a year is found from its 年 back.
AGGREGATE = re.compile("|".join([
    "会计年度", "曾(?:经|与|签)", "未开工", "在手订单",
    *(rf"{since}[^。；;]*累计" for since in "截至 截止 本年 今年 年初 以来 连同 前期 目前为止 迄今 已签订 已中标".split()),
    *(rf"{recent}(?:[一二两三四五十]|十二)(?:年|个月)" for recent in ("最近", "过去", "近")),
    "资金往来",
    r"年(?<=\d{4}年)度?[，,]?(?:本公司|公司)?(?:向|与)[^。；;]{0,20}(?:销售|采购|交易)",
    r"比[^。；;]{0,30}(?:少|多|低|高|减少|增加)$"]))
_ROLE_RE = {role: re.compile(rf"(?:{cues})", re.I) for role, cues in ROLE_CUES.items()}
_WINDOW = 40           # how far back a cue names an amount's role
_SENTENCE_WINDOW = 160   # how far back the sentence can say the amount is a period's figure


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
    cur = _CODES.get((m.group("cur") or "").upper(), "CNY")
    if m.group("num"):
        name, scale = m.group("name"), m.group("scale") or m.group("bare") or ""
        if m.group("code"):
            name = m.group("code").upper()
            cur = _CODES[name]
        elif name:
            cur = FOREIGN.get(name, cur)
        elif m.group("label") and not scale:
            scale, name = m.group("label")[:-1], "元"
        elif not scale and not m.group("cur"):
            return None  # a bare number is not money
        raw = m.group("num")
        if raw.count(".") > 1:   # dotted thousands: only the last dot is a decimal point
            whole, _, frac = raw.rpartition(".")
            raw = f"{whole}.{frac}".replace(".", "", whole.count("."))
        number = float(raw.replace(",", "").replace("，", ""))
        return Amount(number * _SCALE[scale], cur, number, scale + (name or ("元" if cur == "CNY" else cur)))
    if m.group("cnfx"):
        cur, unit = FOREIGN[m.group("cnfx")], m.group("cnfx")
    else:
        unit = m.group("cnunit") or ""
        if not unit and not m.group("cur") and not bare_numerals:
            return None  # a run of numerals in prose is not money unless a unit or currency says so
    try:
        number = float(cn2an.cn2an(m.group("cn"), "smart"))
    except (ValueError, KeyError):
        return None
    cents = sum(_CN_FRACTION.index(d) % 10 * w for d, w in ((m.group("jiao"), 0.1), (m.group("fen"), 0.01)) if d)
    scale = _SCALE.get(unit[:1], 1) if unit in ("万元", "亿元") else 1
    value = round(number * scale + cents, 2)
    return Amount(value, cur, number, unit or "元") if value > 0 else None


def role_of(before: str) -> str | None:
    """The role the nearest cue before an amount gives it; None when the amount is about something else."""
    sentence = _SENTENCE_END.split(before)[-1]
    clause = sentence[-_WINDOW:]
    if (IGNORE.search(clause) or PER_UNIT.search(clause) or SHARE.search(clause) or PAYMENT.search(clause)
            or AGGREGATE.search(sentence)):
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
    replaced: set[tuple] = set()   # amounts the document restates: in yuan (约合...), or revised (由X调整为Y)
    for view in views:
        text = view.text
        starts: list[int] = []   # where the amounts kept so far on this page start and end
        ends: list[int] = []
        listed = (-1, None, False)   # end, role and part-ness of the amount read last
        for m in _AMOUNT.finditer(text):
            if m.lastgroup in ("num", "cn") and m.start(m.lastgroup) == m.start():
                continue   # a bare number (2018, 12345): not money, and most of what the scan meets
            if m.group("label") and m.start(m.lastgroup) in view.breaks and not (
                    m.group("num") and _CELL_NUMBER.fullmatch(m.group("num"))):
                continue   # a column header (金额（万元）) and a serial number below it
            amount = _from_match(m)
            if amount is None or amount.value < 1000:
                continue
            if m.group("num") and text[m.end():m.end() + 1] in ("%", "％"):
                continue
            if _AMBIGUOUS_AFTER.match(text, m.end()) or _NOT_A_PRICE.match(text, m.end()):
                continue
            named = _NAMED_BEFORE.search(text, max(0, m.start() - 6), m.start())
            if named:   # 多米尼加比索322,585,015.00元: the currency is named before the number
                if named.group() not in FOREIGN:
                    continue
                amount.currency = FOREIGN[named.group()]
            before = text[max(0, m.start() - _SENTENCE_WINDOW):m.start()]
            in_list = _LIST_JOINER.fullmatch(text, listed[0], m.start()) is not None
            after_kept = in_list and bool(ends) and ends[-1] == listed[0]
            role = listed[1] if in_list else role_of(before)
            total = _TOTAL.search(_SENTENCE_END.split(before)[-1]) is not None
            # A breakdown goes on to the end of its sentence, however long its list, up to a total;
            # so does a list of amounts each of its own (金额分别为A、B).
            part = not total and (listed[2] and "。" not in text[listed[0]:m.start()]
                                  or _EACH.search(before) is not None or _is_part(text, m.start(), ends))
            listed = (m.end(), role, part)
            if _RANGE_TO.match(text, m.end()):
                continue   # the lower end of a range: its upper end is the figure
            if _REVISED.match(text, m.end()):   # 由1,880万元调整为2,060万元: the old figure gives way
                _replace((amount.currency, round(amount.value, 2)), facts, replaced)
                continue
            if amount.currency == "CNY" and _converts(text, m.start(), facts, starts, ends):
                role = facts[-1].value["role"]   # the yuan figure of the foreign amount before it
                _replace(_key(facts[-1].value), facts, replaced)
            elif after_kept and m.group("cn") and _unit_slip(_key(facts[-1].value)[1], amount.value):
                # 99,850,000万元（大写：玖仟玖佰捌拾伍万元整）: the amount in words is the binding one
                _replace(_key(facts[-1].value), facts, replaced)
            if role is None:
                continue
            key = "yuan" if amount.currency == "CNY" else amount.currency.lower()
            value = {key: round(amount.value, 2), "currency": amount.currency, "amount": amount.number,
                     "unit": amount.unit, "role": role}
            if _key(value) in replaced:
                value["replaced"] = True
            if total:
                value["total"] = True
            if part:
                value["part"] = True
            starts.append(m.start())
            ends.append(m.end())
            # The colon or space the pattern passes over before a bare number is not part of the quote.
            quoted = m.start() + len(m.group()) - len(m.group().lstrip(":： \t\n"))
            facts.append(make(view, quoted, m.end(), "amount", value, "fields.amounts"))
        facts.extend(_table_amounts(view, make, set(ends)))
    return facts


# A table column whose header gives the unit (中标金额（万元）) holds bare numbers, one a cell.
_COLUMN_UNIT = re.compile(r"[（(](?:人民币)?(?P<unit>万元|亿元|元)[)）][:：]?")
_CELL_NUMBER = re.compile(r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+\.\d+")
_TABLE_REACH = 3000


def _table_amounts(view: View, make: FactMaker, read: set[int]) -> list:
    """Amounts in the cells of a column whose header names the unit and what the amounts are. A cell is
    a number with a line break on both sides, written with a decimal point or thousands separators (not
    a serial number, a year, a telephone or certificate number). The row labelled 合计 holds the total. `read`: where
    the amounts the page's scan has read end (a header and its value, 投标报价（万元）：\n890.068859)."""
    text, breaks, facts = view.text, view.breaks, []
    headers = [h for h in _COLUMN_UNIT.finditer(text) if h.end() in breaks]
    if not headers:
        return facts
    lines = sorted(breaks)

    def cell_start(end: int) -> int:   # a cell begins after the last line break before its end
        return lines[max(0, bisect.bisect_left(lines, end) - 1)] if lines and lines[0] < end else 0

    for i, h in enumerate(headers):
        cell = text[cell_start(h.start()):h.start()]
        role = role_of(cell)
        if role in (None, "unknown"):
            continue
        end = min(len(text), h.end() + _TABLE_REACH, headers[i + 1].start() if i + 1 < len(headers) else len(text))
        scale = _SCALE[h.group("unit")[:-1]]
        for c in _CELL_NUMBER.finditer(text, h.end(), end):
            if c.start() not in breaks or (c.end() not in breaks and c.end() != len(text)) or c.end() in read:
                continue
            if text[c.end():c.end() + 1] in _UNIT_START:
                continue   # a number in prose wrapped onto its own line (113,683.37\n万元): the scan has it
            number = float(c.group().replace(",", "").replace("，", ""))
            value = {"yuan": round(number * scale, 2), "currency": "CNY", "amount": number, "unit": h.group("unit"),
                     "role": role, "cell": True}
            if _TOTAL_CELL.fullmatch(text, cell_start(c.start()), c.start()):
                value["total"] = True
            facts.append(make(view, c.start(), c.end(), "amount", value, "fields.amounts"))
    return facts


_UNIT_START = set("元万亿美欧港%％")
_TOTAL_CELL = re.compile(r"(?:合计|总计|共计|小计)[:：]?")


_SENTENCE_END = re.compile(r"[。；;]")
_EACH = re.compile(r"分别(?:为|是)[:：]?(?:人民币)?$")
# The next item of a list (分别为16,686.92万元、14,949.07万元和43,826.39万元) or the same amount again
# (壹仟玖佰玖拾贰元（¥1992元）, 27,201,000.00元（大写：贰仟柒佰贰拾万壹仟元整）).
_LIST_JOINER = re.compile(r"[)）]?(?:[、和及，,]|[（(]?(?:人民币)?(?:[（(]?[大小]写[)）]?)?[:：]?)")
_CONVERSION = re.compile(r"折合|约合|折算|相当于|合人民币|汇率")


_RANGE_TO = re.compile(r"(?:至|~|～|-|－|—|–|到)(?=人民币|\d|[{_CN_DIGITS}])".format(_CN_DIGITS=_CN_DIGITS))
_REVISED = re.compile(r"(?:人民币)?(?:调整|变更|增加|减少|下调|上调|修改)(?:为|到|至)")
_NAMED_BEFORE = re.compile(rf"(?:{_FX_NAMES}|{_AMBIGUOUS})$")


def _key(value: dict) -> tuple:
    return value["currency"], round(value.get("yuan") or value[value["currency"].lower()], 2)


def _unit_slip(figure: float, words: float) -> bool:
    """Whether a figure is its amount in words times a power of ten (元 written for 万元, or the reverse);
    other differences are more likely a misread of the words than a slip of the figure."""
    ratio = max(figure, words) / min(figure, words)
    return ratio > 5 and abs(ratio / 10 ** round(math.log10(ratio)) - 1) <= 0.005


def _replace(key: tuple, facts: list, replaced: set) -> None:
    """Every mention of an amount the document restates gives way to the restatement."""
    replaced.add(key)
    for f in facts:
        if _key(f.value) == key:
            f.value["replaced"] = True


def _converts(text: str, start: int, facts: list, starts: list[int], ends: list[int]) -> bool:
    """Whether an amount in yuan is the conversion (折合人民币约...) of the foreign amount just before it,
    or the second of two conversions in a row (589.5亿墨西哥比索（约合43.96亿美元，270.16亿元人民币）)."""
    if not ends or facts[-1].value["currency"] == "CNY" or start - ends[-1] > 24:
        return False
    if _SENTENCE_END.search(text, ends[-1], start):
        return False
    return bool(_CONVERSION.search(text, ends[-1], start)
                or (start - ends[-1] <= 1 and _CONVERSION.search(text, max(0, starts[-1] - 4), starts[-1])))


def _is_part(text: str, start: int, ends: list[int]) -> bool:
    """An amount in the breakdown of one stated just before it in the sentence (总投资163,667万元（其中：
    建筑安装费用129,619.22万元，预备费...）): a part of that price, not the price."""
    window = text[max(0, start - 400):start]
    *earlier, last = window.rsplit("。", 2)   # a breakdown may list its items with ；
    sentence = start - len(last)
    if last.startswith("其中") and earlier:   # ...总计为X的《合同协议书》。其中：A合同额为...
        sentence -= len(earlier[-1]) + 1
    among = text.rfind("其中", sentence, start)
    return among >= 0 and any(sentence <= e <= among for e in ends)
