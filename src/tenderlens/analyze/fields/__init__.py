"""Procurement fields of a notice, each a Fact with its evidence.

`extract_fields(doc, codebook)` is a pure function: the parties (buyer, contract
party, agent, suppliers and a consortium as printed), amounts with their role,
dates, notice type, procurement method, project number, shortlist bidders and
region. Labelled values (labels.py: `采购人：NAME`, table cells) win over what the
prose rules read for the same field. Which of several candidates a document record
shows is decided later, by tenderlens.summary.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ...model import Document, Fact
from .amounts import find_amounts
from .evidence import FactMaker, views
from .dates import find_date
from .labels import label_facts, read
from .orgs import is_public_body
from .notice import find_method, find_notice_type
from .english import find_english_parties
from .parties import find_parties
from .region import find_region

# Fields a labelled value settles: the prose rules' candidates for them give way.
_LABELLED = ("buyer", "agent", "supplier", "method", "contract_party")
_PLACE_PREFIX = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:省|自治区|市)")


def _settle_buyer(labelled: list[Fact], prose: list[Fact], reading, make) -> list[Fact]:
    """The labelled buyer, checked against the rest of the notice. A labelled buyer that the notice
    also names as its winner or a candidate is no buyer. An owner (建设单位, 业主) is the buyer when no buyer label
    names one and it is a public body or the prose names no other buyer; when a company signed for a
    public owner, the company is the contract party. The buyer is shown in its fullest form when the
    prose names it with its province or city (福建省华安县… for 华安县…)."""
    # A body that bids (a winner, a shortlist's candidate) is not the one buying.
    suppliers = {f.value for f in labelled + prose if f.key == "supplier"} | {b.name.text for b in reading.bidders}
    out = [f for f in labelled if not (f.key == "buyer" and f.value in suppliers)]
    prose_buyer = next((f for f in prose if f.key == "buyer"), None)
    if not any(f.key == "buyer" for f in out):
        owner = reading.first("owner")
        if owner and owner.text not in suppliers and (is_public_body(owner.text) or not prose_buyer):
            out.append(make(owner.view, owner.start, owner.end, "buyer", owner.text, "fields.labels"))
            if prose_buyer and prose_buyer.value != owner.text and not is_public_body(prose_buyer.value):
                out.append(replace(prose_buyer, key="contract_party"))
    for i, f in enumerate(out):
        if f.key == "buyer" and prose_buyer and prose_buyer.value.endswith(f.value) and _PLACE_PREFIX.fullmatch(
                prose_buyer.value[:len(prose_buyer.value) - len(f.value)]):
            out[i] = prose_buyer
    return out


def _money(value: dict) -> tuple:
    return value.get("currency"), value.get("yuan", value.get("amount"))


def _unsaid(amounts: list[Fact], labelled: list[Fact]) -> list[Fact]:
    """The amounts the prose scan finds that no labelled value already states: one figure, one fact."""
    said = [f for f in labelled if f.key == "amount"]
    return [a for a in amounts if not any(
        s.page == a.page and s.start < a.end and a.start < s.end and _money(s.value) == _money(a.value) for s in said)]


def extract_fields(doc: Document, codebook) -> list[Fact]:
    version = str(getattr(codebook, "version", codebook))
    make = FactMaker(doc.id, version)
    vs = views(doc)
    if not vs:
        return []
    reading = read(vs)
    labelled = label_facts(reading, make)
    prose = (find_english_parties if doc.language == "en" else find_parties)(vs, make)
    labelled = _settle_buyer(labelled, prose, reading, make)
    settled = {f.key for f in labelled} & set(_LABELLED)
    if "buyer" in settled:   # a company the label names the buyer is not also the party that signed for one
        buyers = {f.value for f in labelled if f.key == "buyer"}
        prose = [f for f in prose if not (f.key == "contract_party" and f.value in buyers)]
    bidding = {b.name.text for b in reading.bidders}
    parties = [f for f in labelled if f.key in ("buyer", "agent", "supplier", "consortium", "contract_party")] + [
        f for f in prose if f.key not in settled and not (f.key == "buyer" and f.value in bidding)]
    facts: list[Fact] = list(parties) + [f for f in labelled if f.key not in
                                         ("buyer", "agent", "supplier", "consortium", "contract_party")]
    facts.extend(_unsaid(find_amounts(vs, make), labelled))
    facts.extend(find_date(vs, make))
    kind = find_notice_type(vs, make, reading)
    facts.extend(kind)
    if kind and kind[0].value == "shortlist":
        # The candidates of a shortlist are bidders: nobody has won yet.
        facts = [f for f in facts if f.key not in ("supplier", "consortium")]
    elif kind and kind[0].value == "award" and not any(f.key == "supplier" for f in facts):
        # An award notice that ranks its candidates (中标公示: 第一中标候选人 …) and names no winner otherwise:
        # the first is the winner.
        first = [b for b in reading.bidders if b.rank == 1]
        facts += [make(b.name.view, b.name.start, b.name.end, "supplier", b.name.text, "fields.labels") for b in first[:1]]
    if "method" not in settled:
        facts.extend(find_method(vs, make))
    facts.extend(find_region(vs, make, parties))
    return facts
