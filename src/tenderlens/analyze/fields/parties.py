"""The parties of a notice: buyer, contract party, agent and winning suppliers.

Three kinds of evidence, strongest first:
- an alias the document defines: NAME（以下简称“甲方”）;
- a role label followed by a name: 招标人：NAME, 中标供应商为NAME, 收到NAME发出的中标通知书;
- for listed-company announcements (公司中标XX项目), the announcing company or the
  subsidiary it names is the winner, and the other signing party is party A.

The buyer is the government end client. When an operator, a PPP company or a general
contractor signs on its behalf (甲方 is a company and a public body is named as 业主 /
建设单位 / 用户), the signing party becomes `contract_party` (../shared/spec/categories.md).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from .evidence import FactMaker, View
from .notice import title_span
from .orgs import after_break, is_public_body, name_before, plausible

BUYER_WORDS = ("招标人|招标单位|招标方|采购人|采购单位|采购方|业主单位|业主方|业主|建设单位|发包人|发包方|委托方|委托人|项目授权主体|项目单位|"
               "用户单位|项目实施机构|实施机构|项目法人|需方|买方|甲方")
SIGNER_WORDS = "甲方|买方|需方|发包人|发包方|委托方|交易对方|合同对方|合同相对方|交易对手方"
OWNER_WORDS = "业主单位|业主方|业主|建设单位|用户单位|最终用户|项目单位|采购人|招标人"
# Every alternative of these word lists opens with a plain character, so that re can skip ahead to
# where one may start (a leading group or lookbehind would make it try every position).
WINNER_WORDS = ("第一中标(?:[（(]选[）)])?(?:排序)?(?:候选)?(?:人|单位|供应商|方)|"
                "中(?<!第[二三四五六七八九]中)标(?:[（(]选[）)])?(?:排序)?(?:候选)?(?:人|单位|供应商|方)|"
                "成交供应商|成交单位|成交人|中标社会资本|成交社会资本|乙方|分包人|分包方|承包人|承包方|总承包商|承包商|卖方|供方|供货方")
AGENT_WORDS = "招标代理机构|采购代理机构|代理机构|招标代理|采购代理"
ISSUER_ALIASES = ("公司", "本公司", "我公司", "上市公司")

# Role words that name the party right after them with no colon (与发包方NAME, 招标单位NAME的...).
# A pattern scanned over whole pages opens each alternative with a plain character, or with a lookahead on
# its first characters: re then skips ahead to where it may start (a leading lookbehind would defeat that).
_BARE_LABEL = re.compile(r"(?P<label>招标人|招标单位|采购人|采购单位|发包方|发包人|业主方|业主单位|建设单位|交易对手方)"
                         r"(?![:：为是])")
_FULL_NAME = re.compile(r"(?:有限公司|有限责任公司|分公司|集团|局|委员会|管委会|政府|中心|院|办公室|处)$")
# A role word (乙方, or 乙方1 of several), then 为 / 是 / a colon, a heading (交易对方基本情况), or nothing (a table cell).
_LABEL = re.compile(rf"(?P<label>{AGENT_WORDS}|{WINNER_WORDS}|{SIGNER_WORDS}|{BUYER_WORDS}|{OWNER_WORDS})"
                    r"(?:[1-9一二三四五](?=[:：]))?(?:名称|单位名称|全称|当事人)?(?:(?P<colon>(?:为|是|[:：]){1,2})|(?P<heading>的?(?:基本)?情况(?:介绍)?))?")
# NAME（以下简称“甲方”）, and NAME（发包人）: a role in brackets after a name is the same alias.
_ALIAS = re.compile(r"[（(](?:(?:以下|下)?(?P<joint>合并|统)?(?:简称|称)[:：为]?(?P<alias>[^）)]{1,60})"
                    rf"|[“\"]?(?P<role>{BUYER_WORDS}|{WINNER_WORDS}|{SIGNER_WORDS})[”\"]?)[）)]")
_NOTICE_FROM = re.compile(rf"(?:收到|接到|获得|取得|获|的由)(?:了)?(?:由)?(?:(?P<label>{AGENT_WORDS}|招标人|招标单位|采购人|业主方|业主|建设单位|发包人)[:：]?)?")
# A project named after its buyer: “天津市公安局南开分局南开区2016年视频监控网建设运维服务项目”.
# (The lookahead only spares name reading where no 项目 follows within a name and 60 characters.)
_PROJECT_TITLE = re.compile(r"[“《\"](?=[^”》\"。]{4,100}?(?:项目|工程|采购))")
_TITLE_REST = re.compile(r"[^”》\"。]{2,60}?(?:项目|工程|采购)")
_NOTICE_AFTER = re.compile(r"^(?:于\d{4}年\d{1,2}月\d{1,2}日)?(?:发出|签发|出具|送达|下发|发来|发给|颁发|盖章)?的?(?:[《“]|关于)?[^。；，]{0,40}?(?:中标|成交|授标|入围)[^。；，]{0,8}?(?:通知|确认书|函)")
# A name cut short inside a longer noun (收到XX航站楼...项目招标单位发来的): what follows is not a verb,
# a particle, a quote or the notice itself, so the sender is someone else.
_NOT_SENDER = re.compile(r"[\u4e00-\u9fff](?<![发签出送下盖的关中成授入颁招给《])")
_ASIDE = re.compile(r"(?:[（(][^）)]{0,60}[）)])*")
_PART_OF = re.compile(r"[的之](?:全资|控股)?(?:子公司|孙公司|下属|分支机构|附属公司|附属企业)")
# The company's subsidiary, affiliate or controlling shareholder: a related company that may act for it.
_SUBSIDIARY = re.compile(r"(?:全资子公司|全资孙公司|控股子公司|控股孙公司|二级子公司|二级孙公司|三级子公司|三级孙公司|所属子公司|所属孙公司|"
                         r"下属子公司|下属孙公司|子公司|孙公司|下属的|下属公司|下属企业|附属公司|附属企业|控股股东|联营企业|联营公司|"
                         r"海外全资公司|全资公司|本公司下属的|本公司下属|下(?<=[）)]下)属的|下(?<=[）)]下)属)[:：—-]*")
_WITH = re.compile(r"与|和|同")
_BEFORE_WITH = re.compile(r"[”\"]?(?:[（(][^（()）]{0,40}[）)])*$")
_LETTERED_CONSORTIUM = re.compile(r"乙丙丁?戊?方?(?:共同)?组成的?联合体|乙方[、和及]丙方(?:[、和及]丁方)?(?:共同)?组成")
_LATER_PARTY = re.compile(r"[丙丁戊]方[:：]")
_CONSORTIUM_ASIDE = re.compile(r"[（(](?P<names>[^（()）]{8,200}?)(?:共同)?(?:组成的)?联合体[）)]")
# The company itself won (not its subsidiary, not a company named in full): 公司成为…标段中标人.
_COMPANY_WON = re.compile(r"(?=[本我公])(?<![子孙属资股营分该限团总])(?:本公司|我公司|公司)(?:成为|被确定为|被确认为|为)[^。；，]{0,160}?(?:中标|成交)(?:人|单位|供应商)")
_SUBCONTRACT = re.compile(r"分包(?:人|方)[:：）)”\"]|（分包(?:人|方)|\(分包(?:人|方)|“分包(?:人|方)|\"分包(?:人|方)")
# A subsidiary is the winner when it is the one that acts (收到, 中标, 签订 ...), not when it is
# named in passing (a list of assets, an earlier project), nor when it bids together with its parent.
_SUBSIDIARY_ACTS = re.compile(r"(?:[（(][^）)]{0,90}[）)]){0,2}(?:于|已|近日|日前|前期|近期|分别|顺利|成功|拟|将|共同|"
                              r"\d{4}年\d{1,2}月\d{1,2}日|[，,])*"
                              r"(?:收到|接到|中标|成交|签订|签署|与|和|及|被|确定|参与|参加|投标|获得|作为|成为|通过|经|在|为|的通知|中选|入围|组成|、)")
# The company itself is named with its subsidiary (公司（以下简称“公司”）及全资子公司X, 本公司与公司之子公司X):
# the company leads the bid and is the winner.
_WITH_PARENT = re.compile(r"(?:公司|我司)(?:[（(][^）)]{0,30}[）)])?(?:近期|近日|日前)?(?:与|和|及|、|联合)(?:公司|本公司|我司)?(?:之|的)?"
                          r"(?:下属)?(?:(?:间接)?持股)?(?:[\d.]+%)?的?$")
# The title names the company the notice is about: 关于NAME收到《中标通知书》的公告.
_TITLE_SUBJECT = re.compile(r"关于(?![与和同对向])")
# The same, when the name has no suffix we know (外国政府部门, 联营体): bounded by the verb on both sides.
_BOUNDED_NAME = r"([^，。；、“”《》（）()\s]{4,30}?)"
_BOUNDED = re.compile(rf"与(?:项目业主|业主)?{_BOUNDED_NAME}(?:正式)?(?:签署|签订|签定)|和(?:项目业主|业主)?{_BOUNDED_NAME}(?:正式)?(?:签署|签订|签定)"
                      rf"|收到由?{_BOUNDED_NAME}(?:发来|发出|签发|出具)的|接到由?{_BOUNDED_NAME}(?:发来|发出|签发|出具)的")
# A place, a date or another verb inside the stretch: it is a clause, not a name (HMF收到荷兰安全与司法部签署).
_NOT_BOUNDED = re.compile(r"在|\d+日|收到|接到|尚未")
# NAME作为招标人, NAME为本项目的业主: a name, then the role it has.
_NAMED_AS = re.compile(rf"(?:作为|担任|为|是)(?:本|该)?(?:项目|工程|次)?的?(?P<label>{AGENT_WORDS}|招标人|招标单位|采购人|采购单位|业主单位|业主|"
                       r"建设单位|发包人|发包方)(?![代])")
# 确认公司为NAME“...项目”的中标人, 确定联合体为NAME（以下简称...）58台还原炉电极的中标单位: the
# project's owner named before the project the company won.
_FOR_OWNER = re.compile(r"为")
_OWNED_PROJECT_AHEAD = re.compile(r"[^。；，]{0,150}?的(?:第一)?(?:预)?(?:中标|成交|中选)")
_OWNED_PROJECT = re.compile(r"[^。；，]{0,60}?的(?:第一)?(?:预)?(?:中标|成交|中选)"
                            r"(?:人|单位|供应商|候选人|社会资本)")
# Regulators and courts appear in listed-company notices without buying anything.
_OVERSEER = re.compile(r"证券监督|证监|证券交易所|法院|仲裁|检察院|审计署|税务")
_OFFICE = re.compile(r"(?<=公司)(?:招投标|招标|物资|采购)(?:管理)?(?:部|中心|处|办公室)$")
_PARTY_BEFORE = re.compile(r"(?:与|和|同|、|，|。)(?P<name>[^，。；、：:“”（）()\s\d]{4,30})$")
_ASIDES = re.compile(r"[（(][^）)]{0,60}[）)]")
# An agency sends the notice of the buyer's project: 发来的NAME（简称“工信部”）2015年...项目中标通知书.
_SENT_FOR = re.compile(r"(?:发来|发出|签发|出具)的")
_GOVERNMENT_END = re.compile(r"(?:局|厅|部|委员会|管委会|政府|署|办公室)$")
_NOTICE_OF = re.compile(r"[^。；，《》“”]{0,50}?(?:中标|成交)(?:通知|确认)")
# Public bodies that host tenders for others: never the client a company signed for.
_VENUE = re.compile(r"公共资源交易|交易中心|采购中心|招标中心|招投标|交易所")
_BY = re.compile(r"由")
_OWN_SUBSIDIARY = re.compile(r"(?:(?:本|我)?公司)?(?:下属|所属)?(?:的)?(?:全资|控股)?(?:子公司)?")
_SIGNED_BY = re.compile(r"(?:等)?(?:三方|双方|四方|各方|共同)?(?:签署|签订|签定)")
_RECEIVED = re.compile(r"(?:收到|接到)(?:了)?")
# The body that has an agency run its tender: (受)NAME(本级的)委托XX招标代理机构, 由NAME、NAME共同委托XX进行.
_ENTRUSTS = re.compile(r"委托")
_ENTRUSTS_BEFORE = re.compile(r"(?:本级)?的?(?:共同|联合)?$")
_ENTRUSTED_TO = re.compile(r"[^。；，]{0,40}?(?:招标|代理|采购|交易|进行|组织)")
# Tendering agencies send award notices on the buyer's behalf; they are agents, never party A.
_AGENCY_NAME = re.compile(r"招标.{0,6}公司|招标(?:服务)?中心|招投标管理|代理|项目管理(?:有限|股份)|工程咨询|造价咨询|管理咨询|咨询(?:有限|股份)|事务所")
_SIGN_AFTER = re.compile(r"^[^。；]{0,30}?(?:签订|签署|签定|订立|签约)")
_CONSORTIUM_AFTER = re.compile(r"^(?:[（(][^）)]{0,40}[）)])?(?:等|共同)?(?:组成|成立)(?:的)?(?:投标)?联合体")
# NAME和本公司（联合体）, NAME与公司联合投标: a partner named before the company.
_PARTNER_OF_COMPANY = re.compile(r"(?:和|与|及)(?:本公司|公司|我公司)(?:[（(]联合体[）)]|联合投标|组成(?:的)?(?:投标)?联合体|共同)")
# Who ran the tender the company took part in or won: 参与了NAME组织的..., 中标NAME的...项目.
# (No name starts with what follows 中标 in 中标通知书, 中标结果, 中标的...)
_TOOK_PART = re.compile(r"(?:参与|参加|投标|中标|竞得|获得)(?:了)?(?!通知|公告|结果|的|对公司|为)")
_TOOK_PART_AFTER = re.compile(r"^(?:的|组织的|举办的|发布的|（|\(|[^。；，]{0,30}?(?:项目|工程|招标|采购|标段|包|出让|挂牌|拍卖))")
_WON_AFTER = re.compile(r"^(?:组织的|举办的|发布的|[^。；，]{0,30}?(?:项目|工程|招标|采购|标段|包|出让|挂牌|拍卖))")
# A name opening a clause, then what the buyer does: NAME通知公司中标, NAME发布中标公告 (not NAME保安服务项目…组织,
# where the name starts a project's).
_ACTS_AFTER = re.compile(r"^(?:[（(][^）)]{0,40}[）)])?(?:已|于|近日|通过)?(?:\d{4}年\d{1,2}月\d{1,2}日)?"
                         r"(?:(?:(?!项目|工程)[^。；，]){0,24}?(?:通知|发布|公布|公示|组织|授予|发出)|决定采用|在[^。；]{0,80}?(?:发布|公布|公示|公告)"
                         r"|向[^。；]{0,60}?(?:下发|发出|发来|送达|颁发))")


_WITH_TRIGGER = re.compile(r"签订|签署|签定|订立|签约|组成|成立")
_CLAUSE_START = re.compile(r"(?:^|[。；，：、]|\d[、.])(?=\S)")
_BRIDGE = re.compile(r"[（(在向、]")
# What follows a name at a clause start when the clause is about a party (see _ACTS_AFTER, _PARTNER_OF_COMPANY).
_CLAUSE_TRIGGER = re.compile(r"通知|发布|公布|公示|公告|组织|授予|发出|下发|决定采用|和(?:本公司|公司|我公司)|与(?:本公司|公司|我公司)|及(?:本公司|公司|我公司)")


def _clause_starts(t: str) -> list[int]:
    """Clause starts that a party-naming verb follows closely enough to matter."""
    starts = set()
    for m in _CLAUSE_TRIGGER.finditer(t):
        # Between a name and its verb stand no clause marks (an aside or 在…，…发布 at most one):
        # the last two clause starts before the verb are the ones to read.
        at = m.start()
        if m.group() == "公告" and t.rfind("在", max(0, at - 81), at) < 0:
            continue  # 公告 is a party's verb only in 在…公告 (本公告, 公告编号 are everywhere)
        clauses = [c.end() for c in _CLAUSE_START.finditer(t, max(0, at - 132), at) if c.end() >= at - 130]
        if clauses:
            starts.add(clauses[-1])
        # The clause before only when something can bridge the mark: an aside, 在…, 向… or a list of names (A、B发出).
        if len(clauses) > 1 and _BRIDGE.search(t, clauses[-2], at):
            starts.add(clauses[-2])
    return sorted(starts)


@dataclass
class Mention:
    view: View
    start: int
    end: int
    role: str          # buyer, signer, owner, counterparty, winner, partner, agent, issuer, subsidiary
    how: str           # extractor detail
    rank: int          # lower is stronger
    alias: str = ""    # for a full name: the short name the document defines for it

    @property
    def name(self) -> str:
        return self.view.text[self.start:self.end]

    @property
    def shown(self) -> str:
        """The name as a value: Chinese without the line breaks of the layout, Latin with its spaces."""
        s, e = self.view.span(self.start, self.end)
        raw = self.view.page.text[s:e]
        return re.sub(r"\s+", "", raw) if re.search(r"[\u4e00-\u9fff]", raw) else " ".join(raw.split())


_ROLE_WORDS = [(re.compile(AGENT_WORDS), "agent"), (re.compile(WINNER_WORDS), "winner"),
               (re.compile(SIGNER_WORDS), "signer"), (re.compile(OWNER_WORDS), "owner")]


@lru_cache(maxsize=None)
def _role_of_label(label: str, subcontract: bool = False) -> str:
    if subcontract and label in ("承包人", "承包方"):
        return "signer"  # the general contractor buys from its subcontractor (分包人)
    role = next((r for words, r in _ROLE_WORDS if words.fullmatch(label)), "buyer")
    return "buyer" if role == "owner" and label in ("采购人", "招标人") else role


def mentions(views: list[View]) -> list[Mention]:
    out: list[Mention] = []
    about_subsidiary = False  # the title says the notice is about a subsidiary (关于全资子公司...的公告)
    defined: list[Mention] = []  # full names with the short name the document gives them
    related: set[str] = set()  # the company's subsidiaries named so far: their own subsidiaries are the company's too
    subcontract = any(_SUBCONTRACT.search(v.text) for v in views)
    issuer = _issuer(views[0]) if views else None
    for vi, view in enumerate(views):
        t = view.text
        for m in _ALIAS.finditer(t):
            span = name_before(t, m.start(), breaks=view.breaks, joint=bool(m.group("joint")))
            aliases = [m.group("role")] if m.group("role") else (
                re.findall(r"[“\"‘]([^”\"’]{1,20})[”\"’]", m.group("alias"))
                or re.split(r"[、，,或和及]", m.group("alias")))
            following = view.name_at(m.end()) if m.group("role") else None
            if following and following[0] == m.end():  # （买方）NAME（卖方）NAME2: the role labels what follows
                out.append(Mention(view, *following, _role_of_label(m.group("role"), subcontract), "label", 1))
                continue
            if not span:
                # 与国内军方某部（以下简称“甲方”）: a party the document names by its role, whatever its name.
                bounded = _PARTY_BEFORE.search(t, max(0, m.start() - 32), m.start())
                if not bounded or m.group("role") or not any(a in ("甲方", "乙方") for a in aliases):
                    continue
                span = bounded.span("name")
            for alias in aliases:
                role = "issuer" if alias in ISSUER_ALIASES else None
                if role is None and re.fullmatch(f"{WINNER_WORDS}|{BUYER_WORDS}|{OWNER_WORDS}|{AGENT_WORDS}", alias):
                    role = _role_of_label(alias, subcontract)
                if role:
                    out.append(Mention(view, *span, role, "alias", 0))
                elif len(alias) >= 2:
                    defined.append(Mention(view, *span, "defined", "alias", 9, alias))
                    out.append(defined[-1])
        for m in _LABEL.finditer(t):
            role = _role_of_label(m.group("label"), subcontract)
            if m.group("colon"):
                # 中标人：达实智能与NAME组成的联合体: a short name the document defined, then the partners.
                short = next((d for d in defined if t.startswith(d.alias, m.end())
                              and t[m.end() + len(d.alias):m.end() + len(d.alias) + 1] in "与和及、"), None)
                if short:
                    out.append(replace(short, role=role, how="label", rank=1))
                at = m.end() + len(short.alias) + 1 if short else m.end()
                for span in _name_list(view, at) if role == "winner" or short else [view.name_at(at)]:
                    # 交易对方为NAME（…）的全资子公司: the party is NAME's subsidiary, not NAME.
                    if span and not _PART_OF.match(t, _ASIDE.match(t, span[1]).end()):
                        out.append(Mention(view, *span, role, "label", 1))
            elif m.group("heading"):
                # 2、合同对方当事人情况⏎双流县人民政府（…）。: a paragraph under the heading opens with the party's full name.
                span = view.name_at(m.end()) if m.end() in view.breaks else None
                if span and _FULL_NAME.search(t, *span) and span[1] - span[0] >= 6 and (
                        span[1] in view.breaks or t[span[1]:span[1] + 1] in "（(，。；"):
                    out.append(Mention(view, *span, role, "label_heading", 1))
        out.extend(_table_row(view, defined))
        for m in _CONSORTIUM_ASIDE.finditer(t) if "联合体" in t else ():
            # 中标价格：308,702,744元（A、B、C联合体）: the partners named in an aside.
            spans = _name_list(view, m.start("names"))
            if spans and spans[-1][1] == m.end() - 1 and t.endswith("联合体", 0, spans[-1][1]):
                spans[-1] = (spans[-1][0], spans[-1][1] - 3)  # the last name read on into 联合体
            if len(spans) > 1 and spans[-1][1] == m.end("names"):
                out.extend(Mention(view, *span, "partner", "consortium", 1) for span in spans)
        if _LETTERED_CONSORTIUM.search(t):
            # 卖方（乙丙丁组成的联合体）：乙方：A 丙方：B 丁方：C: every lettered party sells.
            for m in _LATER_PARTY.finditer(t):
                if span := view.name_at(m.end()):
                    out.append(Mention(view, *span, "winner", "label", 1))
        for m in _BARE_LABEL.finditer(t):
            if t[m.start() - 1:m.start()] in (":", "："):
                continue
            span = view.name_at(m.end())
            # Without a colon the role word may be a clause's subject (发包人可派员...): only full names count.
            if span and _FULL_NAME.search(t, span[0], span[1]) and span[1] - span[0] >= 6:
                out.append(Mention(view, *span, _role_of_label(m.group("label")), "label_bare", 2))
        for m in _NOTICE_FROM.finditer(t):
            span = view.name_at(m.end() + (t[m.end():m.end() + 1] in "“\""))
            # NAME（以下简称“X”）发来的: the sender's alias stands between the name and the verb.
            after = _ASIDE.match(t, span[1]).end() if span else 0
            senders = [span] if span else []
            # 收到中技国际招标公司和NAME发来的: two senders, an agency and the client.
            if span and t[after:after + 1] in ("和", "及", "、") and (second := view.name_at(after + 1)):
                senders.append(second)
                after = _ASIDE.match(t, second[1]).end()
            if senders and not _NOT_SENDER.match(t, after) and _NOTICE_AFTER.search(t[after:after + 60]):
                label = m.group("label") or ""
                role = "agent" if re.fullmatch(AGENT_WORDS, label) else "buyer"
                for span in senders:
                    # 国家电网公司招投标管理中心, 江苏省电力公司物资部: the company's own tendering office sent it.
                    office = _OFFICE.search(t, span[0], span[1]) if role == "buyer" else None
                    if office and office.start() - span[0] >= 4:
                        span = (span[0], office.start())
                    out.append(Mention(view, *span, role, "notice_from", 1))
        for m in _PROJECT_TITLE.finditer(t):
            span = view.name_at(m.end())
            if span and is_public_body(t[span[0]:span[1]]) and _TITLE_REST.match(t, span[1]):
                out.append(Mention(view, *span, "counterparty", "project_title", 3))
        for m in _CHOSEN.finditer(t):
            before = _CHOSEN_AS.search(t, m.end(), m.end() + 80)
            span = view.name_at(m.end()) if before else None
            if span and before.start() == span[1] and not _REFERENCE.match(t, span[0]):
                out.extend(_joint_names(view, span, defined, Mention(view, *span, "winner", "chosen", 1)))
        if vi == 0:
            title = title_span(view)
            about_subsidiary = bool(title and _SUBSIDIARY.search(t, *title))
            subject = _TITLE_SUBJECT.search(t, *title) if title else None
            span = view.name_at(subject.end()) if subject else None
            if span and _SUBSIDIARY_ACTS.match(t, span[1]) and not re.search(r"子公司$|联合体$", t[span[0]:span[1]]):
                out.append(Mention(view, *span, "subsidiary", "title_subject", 2))
        for m in _SUBSIDIARY.finditer(t):
            if _owned_by_other(view, m.start(), issuer, related):
                continue
            # 全资子公司长治晋清与...: the subsidiary by the short name defined earlier.
            short = next((d for d in defined if t.startswith(d.alias, m.end())
                          and _SUBSIDIARY_ACTS.match(t, m.end() + len(d.alias))), None)
            # 长沙子公司与NAME签订: the short name is itself a subsidiary's.
            named = next((d for d in defined if d.alias.endswith("子公司") and t.endswith(d.alias, 0, m.end())), None)
            if named and _SUBSIDIARY_ACTS.match(t, m.end()):
                view_, span, after = named.view, (named.start, named.end), m.end()
            elif short:
                view_, span, after = short.view, (short.start, short.end), m.end() + len(short.alias)
            elif t[m.end():m.end() + 1] in "与和及同":
                continue  # 长沙子公司与NAME: the subsidiary by a short name, then the other party
            else:
                # 的全资子公司，NAME（以下简称…）: a comma may stand before the name the notice then defines.
                comma = t[m.end():m.end() + 1] in "，," and m.end() + 1
                span = view.name_at(comma or m.end())
                if comma and span and not t.startswith(("（以下简称", "(以下简称"), span[1]):
                    span = None
                if span and "与" in t[span[0]:span[1]]:
                    span = None  # a short name not defined yet, then 与 and the other party
                elif span and len(_ASIDES.sub("", t[span[0]:span[1]])) < 4:
                    span = None  # 下属的分（子）公司: a kind of company, not a name
                view_, after = view, span[1] if span else 0
            shareholder = m.group().startswith("控股股东")  # acts for the company only where it acts
            acts = _SUBSIDIARY_ACTS.match(t, after)
            if span and (about_subsidiary and not shareholder or acts) and not (
                    shareholder and issuer and view_.text[span[0]:span[1]] == issuer.name):
                joint = _WITH_PARENT.search(t, max(0, m.start() - 60), m.start())
                out.append(Mention(view_, *span, "joint" if joint else "subsidiary", "subsidiary" if acts else "subsidiary_title", 2))
                related.add(out[-1].name)
            elif span and _PART_OF.match(t, after):
                related.add(view_.text[span[0]:span[1]])  # 控股子公司X的附属公司Y: Y is the company's too
        for m in _BOUNDED.finditer(t):
            group = m.lastindex  # the name signed with, or the sender
            # 委内瑞拉电力部所属的委内瑞拉国家电力公司: the party is the one after 所属的.
            owned = list(re.finditer(r"所属的|下属的|旗下的|之", m.group(group)))
            start = m.start(group) + (owned[-1].end() if owned else 0)
            if plausible(t[start:m.end(group)]) and not _NOT_BOUNDED.search(t, start, m.end(group)):
                out.append(Mention(view, start, m.end(group), "counterparty", "bounded", 4))
        for m in _NAMED_AS.finditer(t):
            span = name_before(t, m.start(), breaks=view.breaks)
            if span:
                out.append(Mention(view, *span, _role_of_label(m.group("label")), "named_as", 2))
        for m in _FOR_OWNER.finditer(t):
            if not m.start() or t[m.start() - 1] in "。；，：:" or t[m.start() - 1].isspace():
                continue
            if not t.endswith("公司", 0, m.start()) and not _OWNED_PROJECT_AHEAD.match(t, m.end()):
                continue
            span = view.name_at(m.end())
            if span and span[0] == m.end() and (re.match(r"[“\"《]|的|\d|[A-Za-z]", t[span[1]:span[1] + 1])
                         or _FULL_NAME.search(t, span[0], span[1]) and _OWNED_PROJECT.match(t, _ASIDE.match(t, span[1]).end())):
                out.append(Mention(view, *span, "counterparty", "project_owner", 3))
        for m in _SENT_FOR.finditer(t):
            span = view.name_at(m.end())
            if span and _GOVERNMENT_END.search(t, span[0], span[1]) and _NOTICE_OF.match(t, _ASIDE.match(t, span[1]).end()):
                out.append(Mention(view, *span, "buyer", "notice_for", 2))
        for m in _ENTRUSTS.finditer(t):
            span = name_before(t, _ENTRUSTS_BEFORE.search(t, max(0, m.start() - 6), m.start()).start(), breaks=view.breaks)
            if span and (t[span[0] - 1:span[0]] == "受" or _ENTRUSTED_TO.match(t, m.end())) \
                    and not t.startswith(("代理人", "书"), m.end()):
                out.append(Mention(view, *span, "buyer", "entrusts", 1))
        for m in _BY.finditer(t):
            # 本协议由A、B（以下简称…）、C三方签署: every signing party.
            spans, at = [], m.end()
            while len(spans) < 6 and (span := view.name_at(at)):
                spans.append(span)
                at = _ASIDE.match(t, span[1]).end()
                sep = re.match(r"[、，,和及与]", t[at:at + 1])
                if not sep:
                    break
                at = _OWN_SUBSIDIARY.match(t, at + 1).end()
            if spans and _SIGNED_BY.match(t, at):
                out.extend(Mention(view, *span, "counterparty", "signed_by", 2) for span in spans)
        for m in _RECEIVED.finditer(t):
            span = view.name_at(m.end())
            if span:
                out.append(Mention(view, *span, "counterparty", "received_from", 3))
        # 与 and 和 are everywhere; only a signing or a consortium can follow the name, within 80 characters.
        withs = {w.end() for s in _WITH_TRIGGER.finditer(t) for w in _WITH.finditer(t, max(0, s.start() - 79), s.start())}
        for name_start in sorted(withs):
            span = view.name_at(name_start)
            if not span:
                continue
            after = t[span[1]:span[1] + 40]
            if after[:1] in "（(":  # 与NAME（以下简称“X”）、NAME2（...）分别签署: what follows, without the asides
                after = _ASIDES.sub("", t[span[1]:span[1] + 160])[:40]
            # 与A、B组成联合体: every partner listed before the consortium is named.
            partners, at = [span], _ASIDE.match(t, span[1]).end()
            while len(partners) < 6 and t[at:at + 1] in ("、", "和", "及") and (more := view.name_at(at + 1)):
                partners.append(more)
                at = _ASIDE.match(t, more[1]).end()
            if _CONSORTIUM_AFTER.search(after) or len(partners) > 1 and _CONSORTIUM_AFTER.search(t[at:at + 40]):
                # “A”（以下简称“甲”）与B组成的联合体: A leads it, unless A is the company (公司与B).
                lead = _BEFORE_WITH.search(t, max(0, name_start - 60), name_start - 1)
                first = name_before(t, lead.start(), breaks=view.breaks) if lead else None
                out.extend(Mention(view, *p, "partner", "consortium", 1) for p in ([first] if first else []) + partners)
            elif _SIGN_AFTER.search(after):
                out.append(Mention(view, *span, "counterparty", "signed_with", 3))
        for m in _TOOK_PART.finditer(t):
            span = view.name_at(m.end())
            # 获得NAME的 is as often a guarantee or a licence as a tender: only a project follows.
            after = _WON_AFTER if m.group().startswith(("获得", "竞得")) else _TOOK_PART_AFTER
            if span and after.search(t[span[1]:span[1] + 40]):
                out.append(Mention(view, *span, "counterparty", "tender_of", 3))
        for start in _clause_starts(t):
            span = view.name_at(start)
            if span and _PARTNER_OF_COMPANY.match(t, span[1]):
                out.append(Mention(view, *span, "partner", "consortium", 1))
            elif span and _ACTS_AFTER.search(t[span[1]:span[1] + 110]):
                out.append(Mention(view, *span, "counterparty", "acts", 3))
    if issuer:
        out.append(issuer)
    return out


# 国华下属的NAME, 杭州中策橡胶有限公司（…）属下控股子公司—NAME: another organisation's subsidiary.
# 里海资源公司及其下属的NAME, X集团在刚果的子公司NAME: the owner stands before 其 or a place.
_OWNER_LINK = re.compile(r"(?:[（(][^）)]{0,40}[）)])?(?:(?:及|和)?其)?(?:在[^，。；、]{1,12}?)?(?:的|之|属下|下属的?|所属的?|旗下的?)?$")


_OWNER_WORD = re.compile(r"(?:^|[，。；：、由与和及为是])(?P<word>[\u4e00-\u9fff]{2,10})$")
_SELF_WORDS = ("公司", "司", "本", "我", "其", "与", "和", "及", "控股", "全资", "直接", "间接")


def _owned_by_other(view: View, at: int, issuer: Mention | None, related: set[str] = frozenset()) -> bool:
    t = view.text
    link = _OWNER_LINK.search(t, max(0, at - 50), at)
    owner = name_before(t, link.start(), breaks=view.breaks) if link else None
    if not owner:
        # 合同由国华下属的NAME签署, 日本神户钢铁的子公司NAME: an owner named by a word that is not the company.
        of = t[at - 1:at] == "的"
        word = _OWNER_WORD.search(t, max(0, at - 13), at - of)
        return bool(word) and (of or t.startswith(("下属", "所属", "旗下"), at)) and not word.group("word").endswith(_SELF_WORDS)
    name = t[owner[0]:owner[1]]
    if name in ISSUER_ALIASES or re.search(r"[了的是为在及和与]公司$", name):
        return False  # 披露了公司二级子公司: the company itself
    return not (issuer and (name in issuer.name or issuer.name in name)) and name not in related


# 确认NAME为该项目的中标单位: the winner the buyer chose.
_CHOSEN = re.compile(r"确定|确认|选定|被评为|成为")
_CHOSEN_AS = re.compile(r"为[^。；，]{0,30}?(?:中标|成交)(?:人|单位|供应商|候选人)")
# 前述联合体, 上述公司: a name given earlier, referred to.
_REFERENCE = re.compile(r"前述|上述|该|此")
_JOINT = re.compile(r"与|和|及|、")


def _joint_names(view: View, span: tuple[int, int], defined: list[Mention], whole: Mention) -> list[Mention]:
    """确认山东雅百特与沪宁钢机股份有限公司为中标单位: each partner of a name joined by 与, by its full
    name where the document defined the short one; the whole span when a part is not a name."""
    t = view.text
    cuts = [m.span() for m in _JOINT.finditer(t, *span)]
    if not cuts:
        return [whole]
    parts, at = [], span[0]
    for a, b in cuts + [(span[1], span[1])]:
        short = next((d for d in defined if d.alias == t[at:a]), None)
        if short:
            parts.append(replace(short, role=whole.role, how=whole.how, rank=whole.rank))
        elif view.name_at(at) == (at, a):
            parts.append(replace(whole, start=at, end=a))
        else:
            return [whole]
        at = b
    return parts


# A table written one cell a line: a header row of column titles, then the first data row.
_COLUMN_TITLE = re.compile(r"序号|排序|名次|排名|[\u4e00-\u9fff]{0,8}(?:名称|单位|人|方|供应商|类别|金额|总价|价格|备注|编号|日期|时间|地点|地址|电话|"
                           r"联系方式|内容|期限|工期|数量)"
                           r"(?:[（(][^）)]{1,6}[）)])?")
_BUYER_COLUMN_WORDS = "采购人|招标人|客户|业主|甲方|发包人|发包方|建设单位|招标单位|采购单位"
_WINNER_COLUMN_WORDS = "中标人|中标单位|中标供应商|成交供应商|成交人|中标方"
_COLUMN_CELL = re.compile(rf"\n[ \t]*(?:{_BUYER_COLUMN_WORDS}|{_WINNER_COLUMN_WORDS})[ \t]*(?:名称)?[ \t]*\n")
_RANK_COLUMN = re.compile(r"排序|名次|排名")
_BUYER_COLUMN = re.compile(rf"(?:{_BUYER_COLUMN_WORDS})(?:名称)?")
_WINNER_COLUMN = re.compile(rf"(?:{_WINNER_COLUMN_WORDS})(?:名称)?")


def _table_row(view: View, defined: list[Mention]) -> list[Mention]:
    """Buyer and winner from the first row under a header naming their columns (采购人名称, 中标人名称)."""
    t = view.text
    if not _COLUMN_CELL.search(view.page.text):
        return []
    edges = sorted(view.breaks | {0, len(t)})
    cells = [(a, b) for a, b in zip(edges, edges[1:]) if b > a]
    out: list[Mention] = []
    i = 0
    while i < len(cells):
        j = i
        while j < len(cells) and _COLUMN_TITLE.fullmatch(t, *cells[j]):
            j += 1
        header = cells[i:j]
        roles = [("buyer" if _BUYER_COLUMN.fullmatch(t, *c) else "winner" if _WINNER_COLUMN.fullmatch(t, *c) else None)
                 for c in header]
        if len(header) >= 3 and any(roles):
            # Row after row while every role cell holds a name (a merged cell shifts the rest); under a
            # ranking column (排序 第一名, 第二名) only the first row won.
            ranked = any(_RANK_COLUMN.fullmatch(t, *c) for c in header)
            for r in range(j, j + len(header) if ranked else len(cells) - len(header) + 1, len(header)):
                row = [_cell_name(view, defined, *c) for c in cells[r:r + len(header)]]
                if not all(m for role, m in zip(roles, row) if role):
                    break
                out.extend(replace(m, role=role) for role, m in zip(roles, row) if role)
            # Rows for several buyers: the document has no single buyer.
            if len({m.name for m in out if m.role == "buyer"}) > 1:
                out = [m for m in out if m.role != "buyer"]
            return out
        i = max(j, i + 1)
    return out


def _cell_name(view: View, defined: list[Mention], a: int, b: int) -> Mention | None:
    """The name filling a table cell, or the full name of the short name it holds."""
    short = next((d for d in defined if d.alias == view.text[a:b]), None)
    if short:
        return replace(short, how="table", rank=1)
    span = view.name_at(a)
    return Mention(view, *span, "", "table", 1) if span and span[1] == b else None


_LISTED = re.compile(r"证券代码|证券简称|股票代码|股票简称|董事会|全体董事|信息披露")
_TITLE_COMPANY = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司)")
_TITLE_AFTER = re.compile(r"[^。，；]{0,10}?(?:关于|重大|中标|签订|签署|合同|项目|公告|日常)|$")


def _name_list(view: View, start: int) -> list[tuple[int, int]]:
    """Names listed after a label: 中标单位：A、B、C (a consortium)."""
    spans = []
    quote = re.match(r"[“\"]", view.text[start:start + 1])
    span = view.name_at(start + (1 if quote else 0))
    while span and len(spans) < 6:
        spans.append(span)
        sep = re.match(r"[”\"]?(?:[、，,]|和|及|以及)[“\"]?", view.text[span[1]:span[1] + 4])
        span = view.name_at(span[1] + sep.end()) if sep else None
    return spans


_SENTENCE = re.compile(r"[。；，]")


def _title_lines(text: str) -> Iterator[int]:
    """Line starts in the top 600 characters that lie in a paragraph without sentence punctuation: a title
    is a paragraph of its own, not a sentence (…\nConergy AG\n公司签订了…合同。). Read lazily: the
    first line or two usually name the company."""
    start = 0
    while start < min(600, len(text)):
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        if not _SENTENCE.search(text, start, end):
            line = start
            while 0 <= line < min(end, 600):
                yield line
                line = text.find("\n", line, end) + 1 or -1
        start = end + 2


def _issuer(view: View) -> Mention | None:
    """The listed company that publishes the announcement: a company name opening a line near the top
    (on its own, or starting the title: XX股份有限公司关于...的公告); else the full name that the
    stock short name (证券简称) abbreviates. Only a listed company's announcement has one: a government
    notice opens with its buyer's name on a line of its own."""
    if not _LISTED.search(view.text, 0, 800):
        return None
    text = view.page.text
    for line in _title_lines(text):
        vs = view.map.to_view(line)
        span = view.name_at(vs)
        if not span:
            # 中国南车股份有限公司海外项目中标公告: the title runs on past the company's legal form.
            legal = _TITLE_COMPANY.match(view.text, vs)
            span = legal.span() if legal and plausible(legal.group()) and not any(
                b in view.breaks for b in range(legal.start() + 1, legal.end())) else None
        if span:
            span = (after_break(*span, view.breaks, view.text), span[1])
        if span and view.text[span[1] - 2:span[1]] == "公司" and (
                _TITLE_AFTER.match(view.text, span[1]) or span[1] in view.breaks):
            return Mention(view, *span, "issuer", "issuer", 4)
    short = re.search(r"证券简称[:：]?([\u4e00-\u9fffA-Za-z]{2,8})", view.text[:300])
    if short:
        for m in re.finditer("公司", view.text[:3000]):
            span = name_before(view.text, m.end(), breaks=view.breaks)
            if span and short.group(1)[:2] in view.text[span[0]:span[1]]:
                return Mention(view, *span, "issuer", "issuer_short_name", 4)
    return None


def _first(ms: list[Mention], *roles: str, exclude: set[str] = frozenset()) -> Mention | None:
    best = [m for m in ms if m.role in roles and not any(m.name in o or o in m.name for o in exclude)
            and (m.role == "agent" or not _AGENCY_NAME.search(m.name))]
    # A role label (招标人：NAME) outranks the sender of the award notice, which may be an agency.
    return min(best, key=lambda m: (m.rank, m.how == "notice_from", m.view.page.n, m.start)) if best else None


_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区|市)")


def _fullest(chosen: Mention, ms: list[Mention]) -> Mention:
    """The same body where the notice names it in full, with its province or city
    (招标人：老河口市住房和城乡建设局, elsewhere 湖北省老河口市住房和城乡建设局)."""
    longer = [m for m in ms if m.role in ("buyer", "owner", "signer", "counterparty") and len(m.name) > len(chosen.name)
              and m.name.endswith(chosen.name) and _PLACE_PREFIX.fullmatch(m.name[:len(m.name) - len(chosen.name)])]
    return min(longer, key=lambda m: (m.rank, m.view.page.n, m.start)) if longer else chosen


def _public_client(ms: list[Mention], own: set[str]) -> Mention | None:
    """The public body the project is for, when one is named as buyer, owner or counterparty."""
    public = [m for m in ms if m.role in ("buyer", "owner", "counterparty") and is_public_body(m.name)
              and not _AGENCY_NAME.search(m.name) and not _OVERSEER.search(m.name) and not _VENUE.search(m.name) and not any(m.name in o or o in m.name for o in own)]
    return min(public, key=lambda m: (m.rank, m.view.page.n, m.start)) if public else None


def _full_names(ms: list[Mention]) -> list[Mention]:
    """Short names replaced by the full name the document defines for them, the first definition:
    温州市洞头区住房和城乡规划建设局（以下简称“洞头区住建局”）."""
    defined: dict[str, list[Mention]] = {}
    for d in ms:
        if d.role == "defined":
            defined.setdefault(d.alias, []).append(d)
    out = []
    for m in ms:
        full = next((d for d in defined.get(m.name, ()) if len(d.name) > len(m.name)), None) if m.role != "defined" else None
        out.append(replace(full, role=m.role, how=m.how, rank=m.rank) if full else m)
    return out


def find_parties(views: list[View], make: FactMaker) -> list:
    ms = _full_names(mentions(views))
    facts = []
    issuer = _first(ms, "issuer")
    winners = [m for m in ms if m.role == "winner" and m.rank <= 1]
    if not winners:
        # The subsidiary named first acts for the company, unless the company acts with it:
        # then both won (公司及全资子公司X为中标单位).
        sub = _first(ms, "subsidiary", "joint")
        if sub and sub.role == "subsidiary" and issuer and any(_COMPANY_WON.search(v.text) for v in views):
            winners = [issuer, sub]  # 公司成为A1标段中标人；公司全资子公司X成为A6标段中标人
        elif sub and sub.role == "joint" and issuer:
            winners = [issuer] + [m for m in ms if m.role == "joint"]
        elif sub:
            # 全资子公司A收到…订单；全资子公司B与…签订了…合同: each subsidiary that acts won its own deal.
            winners = [sub]
            for m in ms:  # one mention a company: a name read short or long is the same subsidiary
                if m.role == "subsidiary" and m.how == "subsidiary" and not any(w.name in m.name or m.name in w.name for w in winners):
                    winners.append(m)
        else:
            winners = [issuer] if issuer else []
    else:
        first_rank = min(m.rank for m in winners)
        winners = [m for m in winners if m.rank == first_rank]
    # Consortium partners join a winner the notice implies (the company, its alias); a label's list
    # (中标单位：A、B) already names the whole consortium.
    if winners and winners[0].role != "winner" or any(w.how == "alias" for w in winners):
        winners += [m for m in ms if m.role == "partner"]
    seen: set[str] = set()
    for w in winners:
        if w.name not in seen:
            seen.add(w.name)
            facts.append(make(w.view, w.start, w.end, "supplier", w.shown, f"fields.parties.{w.how}"))
    own = seen | ({issuer.name} if issuer else set())
    # A body the notice calls the tendering agency (招标代理机构为NAME) runs the tender; it is not the
    # client, unless a label also names it the buyer (a company that runs its own tenders).
    agents = {m.name for m in ms if m.role == "agent"} - {m.name for m in ms if m.role in ("buyer", "signer", "owner")
                                                          and m.how in ("label", "alias")}
    ms = [m for m in ms if m.role == "agent" or m.name not in agents]
    signer = _first(ms, "signer", exclude=own)
    owner = _first(ms, "owner", exclude=own)
    buyer = _first(ms, "buyer", exclude=own) or owner or signer or _first(ms, "counterparty", exclude=own)
    if buyer and buyer.how == "tender_of" and len({m.name for m in ms if m.how == "tender_of" and is_public_body(m.name)}) >= 3:
        buyer = None  # 1、中标A项目 2、中标B项目 3、…: wins for several buyers, none of them the notice's
    if signer and owner and signer.name != owner.name and not is_public_body(signer.name) and is_public_body(owner.name):
        facts.append(make(signer.view, signer.start, signer.end, "contract_party", signer.shown,
                          f"fields.parties.{signer.how}"))
        buyer = owner
    else:
        if signer:
            buyer = signer if not (buyer and buyer.rank < signer.rank) else buyer
        client = _public_client(ms, own)
        if buyer and client and not is_public_body(buyer.name) and client.name not in buyer.name:
            # A company signed; the public body it works for is the buyer (categories.md conventions).
            facts.append(make(buyer.view, buyer.start, buyer.end, "contract_party", buyer.shown,
                              f"fields.parties.{buyer.how}"))
            buyer = client
    if buyer:
        buyer = _fullest(buyer, ms)
        facts.append(make(buyer.view, buyer.start, buyer.end, "buyer", buyer.shown, f"fields.parties.{buyer.how}"))
    agent = _first(ms, "agent", exclude=own) or next(
        (m for m in ms if m.role in ("buyer", "counterparty") and _AGENCY_NAME.search(m.name)), None)
    if agent:
        facts.append(make(agent.view, agent.start, agent.end, "agent", agent.shown, f"fields.parties.{agent.how}"))
    return facts
