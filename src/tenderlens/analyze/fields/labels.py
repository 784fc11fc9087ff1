"""Labelled values: what a notice prints after a label of the lexicon (labels.yaml), in any format.

Government notices are mostly forms: `采购人：NAME` lines, the numbered sections of the national
templates (一、项目编号：…, 八、1.采购人信息 名称：…), and tables. Extraction writes a table row as
a line of tab-separated cells, or, where the page's source breaks lines between cells, one cell a
line with rows apart by a blank line; both are read here as rows of cells:
- a label opening a cell, then its value in the same cell (`招标人：NAME`) or in the next cell
  (`中标价(元)` | `180014035.01`; a unit alone in a cell between them is the label's: `拟中标金额 | (万元) | 326.64`);
- a row that a bidder column opens (`中标候选人名称 | A | B | C`), or a header row of bidder columns
  (`序号 | 供应商名称 | 投标报价 | 名次`) over rows of values.
A label opens a cell when only a section number (一、, 1.2, （三）) or an ordinal (第一中标候选人) stands
before it. Every value keeps its span in the page text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .amounts import parse_amount
from .evidence import View
from .lexicon import Label, lexicon
from .orgs import ends_as_name, name_at

_ALL_FIELDS = ("buyer", "owner", "agent", "project_number", "winner", "method", "amount", "bidder")
_NUMBERING = re.compile(r"(?:[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}(?:[.．、]\d{1,2})*[.．、]?|[（(][一二三四五六七八九十\d]{1,3}[)）]|\s)*")
_ORDINAL = re.compile(r"\s*第([一二三四五六七八九十\d]{1,2})\s*$")
# After the label: its role or unit in brackets, 名称 (采购人名称), a heading word (采购人信息), a colon.
_SUFFIX = re.compile(r"(?P<note>(?:[ \u3000]*[（(][^（()）\n]{1,12}[)）])*)[ \u3000]*(?P<name>名[ \u3000]*称)?[ \u3000]*"
                     r"(?P<info>信息|基本情况|情况)?[ \u3000]*(?P<colon>[:：])?")
_UNIT_CELL = re.compile(r"[（(][^（()）\n]{1,12}[)）][:：]?")
# A cell that titles a column (中标项目名称, 中标金额（万元）, 备注): the label beside it heads a column too.
_COLUMN_TITLE = re.compile(r"序号|备注|排序|名次|排名|[^\d]{0,10}(?:名称|金额|编号|日期|时间|地点|地址|电话|报价|价格|数量|内容|类别|"
                           r"期限|工期|联系方式)(?:[（(][^）)]{1,8}[)）])?[:：]?")
_ASIDE_END = re.compile(r"[（(][^（()）]{1,20}[)）]$")
_ABBREVIATION = re.compile(r"[（(][A-Za-z]{2,10}[)）]$")   # NAME（EUCL）: the short name it goes by
_NOT_TOTAL = re.compile(r"\s*(?:[\d.%％/每多余]|元?/)")
_UNIT_AFTER = re.compile(r"\s{0,3}(?:万元|亿元|元)")
_CELL_END = re.compile(r"[\t\n]")
# Where a value written on a line with others stops: two spaces, or a space then another label (地址：).
_VALUE_END = re.compile(r"\s{2,}|\s+\S{1,10}[:：]|[；;。]")
_NAME_CELL = re.compile(r"(?:单位)?名\s*称\s*[:：]")
_EMPTY = re.compile(r"[/／\\\-—－无空略详见同上*\s]*")
_NUMBER = re.compile(r"(?:人民币)?[￥¥]?\s*(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元)?(?:整)?")
_ORDINALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_CONSORTIUM_ROLE = re.compile(r"[（(](?:联合体)?(?:牵头人|牵头方|牵头单位|主办方|主体|成员单位|成员方|成员)[)）]"
                              r"|(?:联合体)?(?:牵头人|牵头方|牵头单位|成员单位|成员方|成员)\s*(?:[:：]|——|—|--)")
_ROLE_END = re.compile(r"[（(](?:联合体)?(?:牵头人|牵头方|牵头单位|主办方|成员单位|成员方|成员)[)）]$")
_MEMBER_SPLIT = re.compile(r"[、，,；;/]|--|——|(?<=[司院所局心队)）])(?:和|与|及|以及)")


@dataclass
class Value:
    label: Label
    printed: str       # the label as the notice prints it, brackets included (中标价(元))
    note: str          # what the brackets after the label hold: a role or unit (甲方, 元, 万元, %)
    view: View
    start: int         # the value's span in view positions
    end: int
    rank: int | None = None   # 第一中标候选人: the ordinal before the label

    @property
    def text(self) -> str:
        """The value as shown: Chinese without the layout's whitespace, Latin with single spaces; a party
        without the Latin short name after it (NAME（EUCL）)."""
        s, e = self.view.span(self.start, self.end)
        raw = self.view.page.text[s:e]
        if not re.search(r"[\u4e00-\u9fff]", raw):
            return " ".join(raw.split())
        text = re.sub(r"\s+", "", raw)
        return _ABBREVIATION.sub("", text) if self.label.field in ("buyer", "owner", "agent", "winner") else text


@dataclass
class Bidder:
    name: Value
    price_text: str | None
    price: float | None
    rank: int | None


@dataclass
class Reading:
    values: list[Value]
    bidders: list[Bidder]

    def first(self, field: str, role: str = "") -> Value | None:
        vs = [v for v in self.values if v.label.field == field and (not role or v.label.role == role)]
        return min(vs, key=lambda v: (v.label.order, v.view.page.n, v.start)) if vs else None


def _cell_end(page: str, at: int) -> int:
    m = _CELL_END.search(page, at)
    return m.start() if m else len(page)


def _heads_column(page: str, cell: int) -> bool:
    """Whether the cell at `cell` stands in a header row: the cell before it, in the same row, titles a
    column too (序号 | 中标金额（元）, then 1 | …: the 1 is a row number, not the amount)."""
    j = cell - 1
    while j >= 0 and page[j] in " \t\n":
        j -= 1
    if j < 0:
        return False
    start = max(page.rfind("\n", 0, j + 1), page.rfind("\t", 0, j + 1)) + 1
    return _title_cell(page, start, j + 1)


def _next_cell(page: str, at: int) -> tuple[int, int] | None:
    """The next non-empty cell after position `at` (a cell end), within one blank line."""
    i = at
    while i < len(page) and page[i] in " \t\n\u3000":
        i += 1
    if i >= len(page) or page.count("\n", at, i) > 2:
        return None
    return i, _cell_end(page, i)


def _row(page: str, start: int) -> tuple[list[tuple[int, int]], int]:
    """The cells of the row of the cell at `start`, as page spans, and where the row ends: the line's
    tab-separated cells, or, on a line without tabs, the lines from `start` up to the next blank line."""
    line_end = page.find("\n", start)
    line_end = len(page) if line_end < 0 else line_end
    line_start = page.rfind("\n", 0, start) + 1
    if "\t" in page[line_start:line_end]:
        start, end = line_start, line_end
    else:
        end = page.find("\n\n", start)
        end = len(page) if end < 0 else end
    cells, at = [], start
    while at < end:
        e = min(_cell_end(page, at), end)
        if page[at:e].strip():
            s = at + len(page[at:e]) - len(page[at:e].lstrip())
            cells.append((s, s + len(page[s:e].rstrip())))
        at = e + 1
    return cells, end


def _label_cell(page: str, s: int, e: int, fields: tuple[str, ...] = ("bidder",)) -> Label | None:
    """The label of one of `fields` that fills a cell, with its brackets (投标报价(元/%), 中标人名称)."""
    lex = lexicon()
    compact = re.sub(r"\s+", "", page[s:e])
    m = lex.pattern.match(compact)
    if not m or not re.fullmatch(r"(?:[（(][^（()）]{1,12}[)）])*(?:名称)?[:：]?", compact[m.end():]):
        return None
    label = lex.label(m.group())
    return label if label.field in fields else None


def read(views: list[View]) -> Reading:
    lex = lexicon()
    values: list[Value] = []
    bidders: list[Bidder] = []
    listed: list[Bidder] = []
    rows_read: set[tuple[int, int]] = set()
    for view in views:
        page = view.page.text
        for m_start, m_end in lex.find(view.text, spaced=view.text is page):
            ts = view.map.to_text(m_start)
            cell = max(page.rfind("\n", 0, ts), page.rfind("\t", 0, ts)) + 1
            before = page[cell:ts]
            rank = None
            ordinal = _ORDINAL.search(before)
            if ordinal:
                before = before[:ordinal.start()]
                rank = _ORDINALS.get(ordinal.group(1)) or (int(ordinal.group(1)) if ordinal.group(1).isdigit() else None)
            if len(before) > 16 or not _NUMBERING.fullmatch(before):
                continue
            label = lex.label(view.text[m_start:m_end])
            te = view.map.to_text(m_end - 1) + 1
            suffix = _SUFFIX.match(page, te)
            note = re.sub(r"[\s（()）]+", "", suffix.group("note"))
            after = suffix.end()
            end = _cell_end(page, after)
            if label.field == "bidder" and not suffix.group("colon") and not rank:
                if not page[after:end].strip():
                    bidders += _table(view, cell, rows_read)
                continue
            rest = page[after:end]
            if rest.strip() and not suffix.group("colon"):
                continue   # 采购人委托…, 采购人地址: prose or another field, not this label's value
            span = _inline(page, after, end) if rest.strip() else None
            # A label with its colon or an ordinal (第一中标候选人) is followed by its value, whatever stands before it.
            if span is None and not rest.strip() and (suffix.group("colon") or rank or not _heads_column(page, cell)):
                nxt = _next_cell(page, end)
                if nxt and _UNIT_CELL.fullmatch(page, *nxt):     # 拟中标金额 | (万元) | 326.64
                    note += re.sub(r"[\s（()）:：]+", "", page[nxt[0]:nxt[1]])
                    nxt = _next_cell(page, nxt[1])
                if nxt and suffix.group("info"):                   # 采购人信息 | 名称：NAME
                    name = _NAME_CELL.match(page, nxt[0])
                    nxt = (name.end(), nxt[1]) if name else None
                if nxt and not _is_label(page, *nxt) and not _COLUMN_TITLE.fullmatch(re.sub(r"\s+", "", page[nxt[0]:nxt[1]])):
                    span = _inline(page, nxt[0], nxt[1])
            if span is None:
                continue
            if label.field == "amount":   # 2,958⏎万元: the unit on the next line of a converted PDF
                unit = _UNIT_AFTER.match(page, span[1])
                span = (span[0], unit.end()) if unit else span
            printed = page[ts:suffix.end()].strip()
            field = "bidder" if label.field == "bidder" else label.field
            v = Value(label, printed, note, view, *view.locate(*span), rank=rank)
            if field == "bidder":
                if label.role == "name":
                    listed += _listed(v, rank)
            elif _acceptable(v):
                values.append(v)
    # Candidates named in a line (第一中标候选人：A; 中标候选人：A、B) where no table lists them; their
    # ordinals are no ranks where the notice says the candidates are unranked (排名不分先后).
    if any(b.rank for b in listed) and any(lex.unranked.search(v.text) for v in views):
        for b in listed:
            b.rank = None
    return Reading(values, bidders or listed)


def _listed(v: Value, rank: int | None) -> list[Bidder]:
    """The bidders a label's value names: one, or several apart by 、 (a consortium, 联合体, stays whole)."""
    if rank or "联合体" in v.text:
        return [Bidder(v, None, None, rank)] if winners(v.text) else []
    out, at = [], v.start
    for part in re.split(r"(、)", v.view.text[v.start:v.end]):
        if part != "、" and _organisation(part):
            out.append(Bidder(Value(v.label, v.printed, v.note, v.view, at, at + len(part)), None, None, None))
        at += len(part)
    return out


def _inline(page: str, start: int, end: int) -> tuple[int, int] | None:
    """The value that starts at `start` in a cell ending at `end`, trimmed."""
    while start < end and page[start] in " \u3000":
        start += 1
    stop = _VALUE_END.search(page, start, end)
    stop = stop.start() if stop else end
    while stop > start and page[stop - 1] in " \u3000，,。；;":
        stop -= 1
    return (start, stop) if stop > start else None


def _is_label(page: str, s: int, e: int) -> bool:
    compact = re.sub(r"\s+", "", page[s:e])
    m = lexicon().pattern.match(compact)
    return bool(m) and bool(re.fullmatch(r"(?:[（(][^（()）]{1,12}[)）])*(?:名称)?[:：]?.*", compact[m.end():])) and (
        m.end() == len(compact) or compact[m.end()] in "（(：:名")


def _organisation(name: str) -> bool:
    """A party's value is one organisation's name, whole (an aside after it allowed: 某某分局(本部)), a
    name masked with *, or a Latin name: not a sentence that holds one (本公司及子公司X组成的联合体)."""
    if not _plausible(name):
        return False
    core = _ASIDE_END.sub("", name)
    if not re.search(r"[\u4e00-\u9fff]", core):
        return bool(re.search(r"[A-Za-z]{2}", core))
    span = name_at(core, 0)
    if span == (0, len(core)) or ("*" in core and ends_as_name(core)):
        return True
    # A name whose first part reads as a whole name (重庆交通大学|工程设计研究院有限公司): still one name
    # when it ends as one and holds no clause marks.
    return bool(span) and span[0] == 0 and ends_as_name(core) and len(core) <= 40 and not re.search(r"[，。；、,;—\-]", core)


def _plausible(name: str) -> bool:
    return 2 <= len(name) <= 80 and not _EMPTY.fullmatch(name) and not re.search(r"[:：]", name) and bool(
        re.search(r"[\u4e00-\u9fffA-Za-z]", name))


def _acceptable(v: Value) -> bool:
    text = v.text
    if v.label.field == "project_number":
        return 3 <= len(text) <= 60 and bool(re.search(r"\d", text)) and not re.search(r"[\u4e00-\u9fff]{4}", text)
    if v.label.field == "winner":
        return bool(winners(text))
    if v.label.field in ("buyer", "owner", "agent"):
        # A buyer's name may hold words that end a company's name in prose (枝江市建设项目中心).
        core = _ASIDE_END.sub("", text)
        return (_organisation(text) or (_plausible(text) and ends_as_name(core) and len(core) <= 30
                                        and not re.search(r"[，。；、,;]", core))) and not text.startswith(("详见", "见", "同上"))
    return bool(text.strip())


def _table(view: View, cell: int, rows_read: set) -> list[Bidder]:
    """Bidders of the table whose row opens at `cell`: rows that bidder columns open (名次 | 第一名 | 第二名,
    中标候选人名称 | A | B), or a header row of bidder columns over rows of values."""
    page = view.page.text
    cells, end = _row(page, cell)
    if not cells or (view.page.n, cells[0][0]) in rows_read:
        return []   # read already, from another of its labels
    labels = [_label_cell(page, *c) for c in cells]
    columns = [l.role if l and l.field == "bidder" else None for l in labels]
    notes = [re.sub(r"[\s（()）:：]+", "", page[c[0]:c[1]])[len(l.text):] if l else "" for c, l in zip(cells, labels)]
    series: dict[str, tuple[list[tuple[int, int]], str]] = {}
    if sum(1 for c in columns if c) >= 2 and "name" in columns:
        # A header row: each following row with as many cells holds one bidder.
        rows_read.add((view.page.n, cells[0][0]))
        at = end
        data: list[list[tuple[int, int]]] = []
        while True:
            nxt = _next_cell(page, at)
            if not nxt:
                break
            row, row_end = _row(page, nxt[0])
            if len(row) != len(cells):
                break
            data.append(row)
            at = row_end
        for i, col in enumerate(columns):
            if col and col not in series:
                series[col] = ([r[i] for r in data], notes[i])
    else:
        # Rows that bidder columns open, one after another (a table turned on its side).
        at = cell
        while True:
            row, row_end = _row(page, at)
            label = _label_cell(page, *row[0]) if row else None
            if label and label.field == "bidder" and len(row) > 1:
                rows_read.add((view.page.n, row[0][0]))
                note = re.sub(r"[\s（()）:：]+", "", page[row[0][0]:row[0][1]])[len(label.text):]
                series.setdefault(label.role, (row[1:], note))
            elif row and label is None and series:
                break
            nxt = _next_cell(page, row_end)
            if not nxt or len(series) == 3:
                break
            at = nxt[0]
    if "name" not in series or not ({"price", "rank"} & set(series)):
        return []   # a table of bidders has their names and a price or a rank
    names = series["name"][0]
    out = []
    for i, (s, e) in enumerate(names):
        name = Value(lexicon().label("供应商名称"), "", "", view, *view.locate(s, e))
        if not winners(name.text):
            continue
        price_text = price = rank = None
        if "price" in series and len(series["price"][0]) == len(names):
            ps, pe = series["price"][0][i]
            price_text = page[ps:pe].strip()
            price = _price(price_text, series["price"][1])
        if "rank" in series and len(series["rank"][0]) == len(names):
            rs, re_ = series["rank"][0][i]
            rank = _rank(page[rs:re_])
        out.append(Bidder(name, price_text, price, rank))
    return out


def _title_cell(page: str, s: int, e: int) -> bool:
    """A cell that titles a column: a label alone (中标人名称) or a column word (序号, 联系地址, 中标项目名称)."""
    compact = re.sub(r"\s+", "", page[s:e])
    return bool(_COLUMN_TITLE.fullmatch(compact)) or _label_cell(page, s, e, fields=_ALL_FIELDS) is not None


def _price(text: str, note: str) -> float | None:
    """A bid price in yuan, when the cell is a plain amount: not a rate (投标报价(%)), not free text.
    Under a column that allows both (投标报价(元/%)) a figure of 100 or less is a rate."""
    parsed = _figure(text, note)
    return parsed[0] if parsed else None


def _figure(text: str, note: str) -> tuple[float, float, str] | None:
    """(yuan, number as printed, unit) of a plain amount, the unit from the text or else the label's note."""
    m = _NUMBER.fullmatch(text.strip())
    if not m:
        return None
    number = float(m.group("num").replace(",", "").replace("，", ""))
    unit = m.group("unit") or ("万元" if "万元" in note else "亿元" if "亿元" in note else "元")
    if "%" in note and ("元" not in note or number <= 100):
        return None
    return round(number * {"元": 1, "万元": 1e4, "亿元": 1e8}[unit], 2), number, unit


def _rank(text: str) -> int | None:
    m = re.search(r"\d+|[一二三四五六七八九十]", text)
    if not m:
        return None
    return int(m.group()) if m.group().isdigit() else _ORDINALS[m.group()]


def amount_of(v: Value) -> dict | None:
    """A labelled amount as an amount value (as in amounts.py): yuan from the figure that opens the value
    (23,770,786.75元（大写…）), its unit from the text or the label's brackets; None for a rate
    (中标价(%)), a unit price (元/吨) or free text (中标价(报价承诺) | 拟投本项目…)."""
    m = _NUMBER.match(v.text)
    if not m:   # 肆佰叁拾柒万元整, 人民币壹佰万元（¥1,000,000.00）: figures in words
        words = parse_amount(re.split(r"[（(]", v.text, maxsplit=1)[0])
        return {"yuan": round(words.value, 2), "currency": "CNY", "amount": words.number, "unit": words.unit,
                "role": v.label.role, "label": True} if words and words.currency == "CNY" else None
    rest = v.text[m.end():]
    # The figure is the value, or opens it with its unit (…元（大写…）); 1、…, 7,500多万元, 508.29万欧元,
    # 6400元/吨 are a list, a rough figure, another currency, a unit price: left to the prose rules.
    if not m or (rest and not (m.group("unit") and not _NOT_TOTAL.match(rest)) and not rest.startswith(("（", "("))):
        return None
    if not m.group("unit") and not re.search("元", v.note):
        return None   # a figure with no unit in the value or the label (中标金额 | 1) is not money
    parsed = _figure(m.group(), v.note)
    if not parsed:
        return None
    yuan, number, unit = parsed
    return {"yuan": yuan, "currency": "CNY", "amount": number, "unit": unit, "role": v.label.role, "label": True}


def consortium_members(text: str) -> list[str] | None:
    """The members of a consortium winner as printed (A、B联合体; 联合体牵头人：A 成员：B; A（牵头方）、B（成员方）),
    or None when the text is not a consortium of named members."""
    if "联合体" not in text and not _CONSORTIUM_ROLE.search(text):
        return None
    body = re.sub(r"[（(]?联合体[)）]?$", "", _CONSORTIUM_ROLE.sub("、", text)).strip("、，, ")
    members = [m.strip() for m in _MEMBER_SPLIT.split(body) if m.strip()]
    members = [re.sub(r"^(?:联合体|牵头人|成员)", "", m) for m in members]
    return members if len(members) >= 2 and all(len(m) >= 4 for m in members) else None


def winners(text: str) -> list[str]:
    """The winners a winner label's value names: a consortium's members, or organisations listed
    (A、B; A和B), each a whole name; nothing when the value is not names."""
    members = consortium_members(text)
    if members:
        return members if all(_organisation(m) for m in members) else []
    text = _ROLE_END.sub("", text)   # NAME（牵头人）: a consortium's lead named alone
    if _organisation(text):
        return [text]
    parts = [p for p in _MEMBER_SPLIT.split(text) if p]
    return parts if len(parts) >= 2 and all(_organisation(p) for p in parts) else []


def method_of(text: str) -> str | None:
    """The method code a value or title names, or None."""
    for code, rx in lexicon().methods:
        if rx.search(text):
            return code
    return None


def label_facts(reading: Reading, make) -> list:
    """Facts of the labelled values: per field the value of the label listed first (project number,
    buyer, agent, method, each amount role); every winner label's winners, a consortium's members each a
    supplier and the consortium as printed; every bidder of a shortlist table."""
    facts = []
    for field in ("buyer", "agent", "project_number"):
        v = reading.first(field)
        if v:
            facts.append(make(v.view, v.start, v.end, field, v.text, "fields.labels"))
    method = reading.first("method")
    if method:
        facts.append(make(method.view, method.start, method.end, "method", method_of(method.text) or "other", "fields.labels"))
    for v in reading.values:   # every labelled amount: a notice of several lots labels each lot's price
        value = amount_of(v) if v.label.field == "amount" else None
        if value:
            facts.append(make(v.view, v.start, v.end, "amount", value, "fields.labels"))
    seen: set[str] = set()
    for v in (v for v in reading.values if v.label.field == "winner"):
        names = winners(v.text)
        if len(names) > 1 and consortium_members(v.text):
            facts.append(make(v.view, v.start, v.end, "consortium", v.text, "fields.labels"))
        for name in names:
            if name not in seen:
                seen.add(name)
                facts.append(make(v.view, v.start, v.end, "supplier", name, "fields.labels"))
    for b in reading.bidders:
        facts.append(make(b.name.view, b.name.start, b.name.end, "bidder",
                          {"name": b.name.text, "price": b.price, "price_text": b.price_text, "rank": b.rank},
                          "fields.labels"))
    return facts
