"""Organisation names in Chinese text: where one ends, and whether it is a public body.

A name is a run of name characters that ends in an organisation suffix
(有限公司, 局, 中心, 人民政府 ...). Cutting the run at the last suffix before a
verb or a particle (发出的, 签订, 为本项目 ...) keeps the full legal name,
branch included (中国电信股份有限公司娄底分公司).
"""
from __future__ import annotations

import re
from functools import lru_cache

NAME_CHARS = r"[\u4e00-\u9fffA-Za-z0-9（）()·&\-－—]"
# Ministries end in 部, as do many ordinary words (全部, 内部): only these count.
MINISTRIES = """农业部 公安部 交通运输部 交通部 铁道部 水利部 国防部 商务部 工业和信息化部 财政部 司法部 民政部 教育部 科技部 科学技术部 卫生部
国土资源部 环境保护部 环保部 住房和城乡建设部 建设部 文化部 外交部 生态环境部 应急管理部 自然资源部 农业农村部 信息产业部 总参谋部 总后勤部
总装备部 装备发展部 后勤保障部 联合参谋部""".split()
# Longest first, so that 有限责任公司 wins over 公司.
SUFFIXES = sorted("""有限责任公司 股份有限公司 有限公司 分公司 子公司 公司 集团 总局 分局 局 厅 委员会 管委会 人民政府 政府 办公室 办事处
分行 支行 中心 研究院 设计院 医院 学院 大学 学校 中学 小学 院 研究所 事务所 派出所 交易所 管理所 监测所 设计所 检测所 供电所 卫生所 看守所 拘留所 戒毒所 司法所 财政所 总站 站 总队 支队 大队 队 管理处 处 指挥部 项目部 事业部 馆 协会 学会
基金会 合伙企业 司 总署 务署 管理署 经理部 交易平台 旅行社 杂志社 通讯社 监狱 法院 检察院 银行 合作社 工厂 厂 场 矿 联合体 集团公司 总公司 电视台 报社 出版社""".split() + MINISTRIES,
                  key=len, reverse=True)
_SUFFIX_TUPLE = tuple(SUFFIXES)
SUFFIX_ANY = re.compile("|".join(SUFFIXES))


def ends_as_name(s: str) -> bool:
    return s.endswith(_SUFFIX_TUPLE)

# Where a name stops even if name characters go on.
_STOP = re.compile(r"\d{2,4}(?:[-—至]\d{2,4})?年|委托|向|网站|决定|经|近期|(?:全资|控股|下属)(?:子公司|孙公司)|[（(](?:联合体)?(?:牵头人|牵头方|主办方|成员方?)[）)]|[（(](?:以下|下)?(?:简称|称)|被|公司类型|注册资本|注册地|法定代表人|住所|发出|签发|出具|送达|下发|发来|发给|颁发|取得|的|于|关于|就|签订|签署|签约|共同|作为|以下简称|为本|为该|为公司|为项目|为中标|"
                   r"为第|为预|为成交|是|确定|中标|成交|进行|已|正式|并|和|及|与|拟|将|通知|公告|合同|等|近日|日前|分别|收到|接到|重大|之|新近|在|获得|组成|为|"
                   r"招标(?!中心|办|代理|有限|股份|公司|采购)|采购(?!中心|办|管理|处|站|部|供应|有限|股份|公司)|"
                   r"项目(?!部|管理|办|建设|有限|股份|公司)|工程(?!局|公司|有限|股份|集团|处|队|院|建设|技术|咨询)")
_ASIDE_AT = re.compile(r"[（(][^（()）]{1,20}[）)]")
_GOVERNMENT_PURCHASING = re.compile(r"政府(?=采购|[与和]社会资本)")
PUBLIC_SUFFIX = re.compile(r"(局|厅|委员会|管委会|委|政府|办公室|办事处|法院|检察院|监狱|公安.*|总队|支队|大队|部|署|中心|站|院|所|学校|大学|学院|医院)$")
_GENERIC = {"公司", "本公司", "子公司", "分公司", "全资子公司", "控股子公司", "该公司", "我公司", "集团", "联合体", "政府", "人民政府",
            "委员会", "中心", "项目部", "指挥部", "招标人", "甲方", "乙方", "管理办公室", "办公室", "采购中心", "管理处",
            "管委会", "管理委员会", "项目管理有限公司", "管理中心", "建设单位", "招标单位", "采购单位", "社会资本方"}
# Role labels that may stand right before a name without a colon (及采购人NAME, 建设方为NAME).
LABELS = ("采购代理机构|招标代理机构|采购人|采购单位|招标人|招标单位|招标方|建设单位|建设方为|建设方|业主单位|业主方|业主|发包方|发包人|"
          "甲方|乙方|交易对手方|交易对方")
_LEADING = re.compile(rf"^(?:本公司|公司|我公司|项目|{LABELS}|联合体(?:牵头方|牵头人|成员)?[—\-－]*|关联方|参股公司|安装|(?:全资|控股|二级|三级)?子公司|全资公司|"
                      r"概况|情况|概述|简介|介绍|履约能力分析|分析|与|和|及|或|由|向|经|受|被|对|在|将|了|即|为|是|系|以|鉴于|同意|从|出卖人|买受人|采购方|供应方|销售方|购买方|卖方|买方|成员方|牵头方|均是|均为|关联企业|根据|依据|来自|一|近期|近日|日前|上述|金额|分别|参与了|参与|就(?!业)|"
                      r"[(（][一二三四五六七八九十\d]{1,3}[)）]|[(（](?:主|牵头人?|成员)[)）]|"
                      r"临?[\d\-—/.]+号?(?=[\u4e00-\u9fff])|[A-Z]\d{5,}(?=[\u4e00-\u9fff])|\d{4}年\d{1,2}月(?:\d{1,2}日)?|[\d\-—/.]+)+")


def name_at(text: str, start: int, max_len: int = 40, breaks: frozenset[int] = frozenset()) -> tuple[int, int] | None:
    """The organisation name that starts at `start`, as a span, or None.

    `breaks` are positions where the text had a line break: a name is read across one
    (PDF conversions wrap names), unless what precedes it is already a whole name
    (two table cells, one under the other)."""
    latin = _LATIN_NAME.match(text, start)
    # A Latin name ends where Chinese starts, when what starts is a verb or a particle (Fluor Limited就..., 签署).
    if latin and (not re.match(r"[\u4e00-\u9fff]", text[latin.end():latin.end() + 1]) or _STOP.match(text, latin.end())):
        code = _CODE.fullmatch(latin.group())  # ZC-AZB17093: a project number, not a name
        return (start, latin.end()) if latin.end() - start >= 4 and not code else None
    run = _run(max_len).match(text, start, start + max_len)
    if not run:
        return None
    s = run.group()
    # Suffix matches do not overlap: their ends come sorted and distinct.
    ends = [m.end() for m in SUFFIX_ANY.finditer(s)]
    # 政府采购网, 政府采购中心: 政府 opens a compound noun here, it does not end a name.
    if "政府" in s:
        compound = {m.end() for m in _GOVERNMENT_PURCHASING.finditer(s)}
        ends = [e for e in ends if e not in compound]
    if not ends:
        return None
    # A stop word ends the name, unless it is inside the name itself (中国电信 is not 中标).
    for e in ends:
        # 中国能源运输有限公司（China VLCC）近期…: a stop word after the name's aside ends it too.
        if e >= 2 and (_STOP.match(s, e) or (aside := _ASIDE_AT.match(s, e)) and _STOP.match(s, aside.end())):
            s = s[:e]
            break
    lead = _LEADING.match(s)
    if lead and lead.end():
        s = s[lead.end():]
        start += lead.end()
        ends = [e - lead.end() for e in ends]
    for cut in reversed([e for e in ends if 1 < e <= len(s)]):
        head = s[:cut]
        if _balanced(head):
            # A whole name on its line (a title line, a table cell) ends at the line break.
            # A window of the text, not all of the page's breaks (intersection walks the range in C).
            for b in sorted(breaks.intersection(range(start + 4, start + cut))):
                if b - start in ends and plausible(text[start:b]):
                    return start, b
            if not plausible(head):
                return None
            # Two companies written one after the other (甲股份有限公司乙股份有限公司): a legal name ends
            # at its legal form; only a branch (分公司, 项目部 ...) continues it.
            first = _LEGAL_FORM.search(head)
            if first and first.end() < cut and _LEGAL_FORM.search(head, first.end()) and plausible(head[first.end():]) \
                    and len(head) - first.end() >= 6:
                return start, start + first.end()
            return start, start + cut
    return None


_LEGAL_FORM = re.compile(r"股份有限公司|有限责任公司|有限公司(?![\u4e00-\u9fff]{0,12}(?:分公司|分行|项目部|经理部|指挥部|研究院|办事处))")


# What precedes a name in its clause (the nearest verb, particle or role word ends the name's left side).
# Each alternative opens with a plain character (lookbehinds come after it), so `re` scans for those quickly.
_BEFORE_NAME = re.compile(r"概况|情况|概述|简介|介绍|与|由|受|授权|向(?<=[局司会府部厅院]向)|期内|收到|接到|获得|确认|确定|中标|签订|签署|委托|通过|参与|参加|子公司|参股公司|下属|旗下|所属的|以及|"
                          r"关联方|披露|公告|公示|注册在|投标了|参与了|由于|鉴于|关联企业|日同|司同|"
                          rf"年(?<=\d{{4}}年)\d{{1,2}}月\d{{1,2}}日[对与和向同]?|{LABELS}")
_AND = re.compile(r"和|及|、")
_LATIN_BEFORE = re.compile(r"[A-Za-z][A-Za-z0-9.,&'\-]{3,80}$")


def name_before(text: str, end: int, max_len: int = 40, breaks: frozenset[int] = frozenset(),
                joint: bool = False) -> tuple[int, int] | None:
    """The organisation name that ends at `end` (e.g. before （以下简称...）), as a span, or None.

    A name starts after the last line break inside it unless what comes before the break
    is one or two characters (a name that the layout wrapped: 广\n东水电二局). Two names joined by 和/及
    give the last, unless they are `joint` (A及B（以下合并简称“甲方”）)."""
    latin = _LATIN_BEFORE.search(text[max(0, end - 80):end])
    if latin:  # a foreign party written in Latin letters: SEALAND ENGINEERING（以下简称“甲方”）
        return end - len(latin.group()), end
    # The run of name characters ending at `end`, read backwards: one pass, where a search for a run
    # that ends there tries every start.
    run = _run(max_len).match(text[max(0, end - max_len):end][::-1])
    if not run:
        return None
    s = run.group()[::-1]
    if not ends_as_name(s):
        return None
    # Drop what precedes the name in the clause: the nearest verb or particle and everything before it.
    cut = 0
    for m in _BEFORE_NAME.finditer(s):
        if len(s) - m.end() >= 4:
            cut = m.end()
    if "）" in s or ")" in s:  # a closing bracket without its opening one ends what came before
        depth = 0
        for i, ch in enumerate(s):
            depth += (ch in "（(") - (ch in "）)")
            if depth < 0:
                cut, depth = max(cut, i + 1), 0
    s2 = _LEADING.sub("", s[cut:])
    # A和B（以下简称“招标人”）: the name next to the aside is the last of the two.
    for m in _AND.finditer("" if joint else s2):
        if ends_as_name(s2[:m.start()]) and plausible(s2[:m.start()]) and plausible(s2[m.end():]):
            s2 = s2[m.end():]
            break
    start = end - len(s2)
    start = after_break(start, end, breaks, text)
    s2 = text[start:end]
    return (start, end) if plausible(s2) and _balanced(s2) else None


def after_break(start: int, end: int, breaks: frozenset[int], text: str = "") -> int:
    """Where a name really starts when a line break falls inside the span [start, end): after the
    break, unless the text after it carries on a word (深圳长城开发科技股\n份有限公司) or the text
    before it is a place the name begins with (湖南省\n娄底市人民政府)."""
    for b in sorted(breaks.intersection(range(start + 3, end - 3)), reverse=True):  # walks the range in C
        if (b - 1 in breaks or b - 2 in breaks and b - 1 not in breaks) and _CJK.fullmatch(text, b - 1, b):
            continue  # 中\n国葛洲坝…: a character or two on a line of their own begin the name
        if not _CARRIES_ON.match(text, b) and not _PLACE_END.search(text, start, b):
            return b
    return start


_PLACE_END = re.compile(r"[省市县区州盟旗]$")


_CARRIES_ON = re.compile(r"份|有限|限公|公司|司|责任|集团|[（(]")


@lru_cache(maxsize=None)
def _run(max_len: int) -> re.Pattern[str]:
    return re.compile(rf"{NAME_CHARS}{{2,{max_len}}}")


def _balanced(s: str) -> bool:
    return s.count("（") + s.count("(") == s.count("）") + s.count(")")


# A foreign counterparty written in Latin letters (Bangladesh Power Development Board, JDS Development Group).
_CODE = re.compile(r"(?=.*\d)[A-Z0-9\-_/.]+")
# A legal form abbreviated with a full stop keeps it: Co.,Ltd., B.V., A.Ş.
# OXLEY-GEM(CAMBODIA)CO.,LTD.: a bracketed word inside a Latin name is part of it.
_LATIN_NAME = re.compile(r"[A-Za-z](?:[A-Za-z\u00C0-\u024F0-9.,&'\-]|\([A-Za-z\u00C0-\u024F0-9.,&'\-]{2,30}\)(?=[A-Za-z]))"
                         r"{3,80}(?<![.,\-])"
                         r"(?:(?:(?<=Ltd)|(?<=LTD)|(?<=Co)|(?<=CO)|(?<=Inc)|(?<=INC)|(?<=Corp)|(?<=CORP)|(?<=\.[A-Z\u00C0-\u024F]))\.)?")
# The lookahead holds the first character of every alternative: a position no junk word starts at
# fails at once instead of trying each word.
_JUNK = re.compile(r"(?=[签近日所旗对持全控情风关概介公本简以中编\d联项的目截下详内同相分大通确仍收根合网接尚进为作获候])(?:签订|签署|签约|近日|日前|所在地|旗下|对公司|持有|(?:全资|控股)子公司$|情况|风险提示|关于|概况|概述|介绍|关联关系|公告|本公司|公司与|合同|简称|以下|中标|编号|\d+年|\d+月|联合体联合体|项目(?!部|管理|公司|有限|经理部|建设|投资)|的|目前|截止|下属|全资子|网站|详情|详见|内容|同类|相关|分别|大型|通知|确认|仍|收到|接到|尚未|作为|获得|候选人|(?<=[A-Za-z])为|通过|^(?:根据|进入))")


_CJK = re.compile(r"[\u4e00-\u9fff]")
_BARE_COMPANY = re.compile(r"(?<![有限分总团])公司$")


def plausible(name: str) -> bool:
    if name.endswith(("官司", "上司")):
        return False
    if len(name) < 6 and _CJK.search(name) and _BARE_COMPANY.search(name):
        return False  # 要求公司, 家大型公司: a word before 公司, not a name
    return (len(name) >= 4 and name not in _GENERIC and not name.startswith(("公司", "子公司", "该", "甲方", "乙方", "双方", "本公司", "本次", "本项目", "本单位", "本集团", "本合同", "本工程", "本期", "本联合体"))
            and not _JUNK.search(name))


def is_public_body(name: str) -> bool:
    return bool(PUBLIC_SUFFIX.search(name)) and not name.endswith("公司")
