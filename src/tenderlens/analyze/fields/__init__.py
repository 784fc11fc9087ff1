"""Procurement fields of a notice, each a Fact with its evidence.

`extract_fields(doc, codebook)` is a pure function: the parties (buyer, contract
party, agent, suppliers and a consortium as printed), amounts with their role,
dates, notice type, procurement method, project number, shortlist bidders and
region. Labelled values (labels.py: `采购人：NAME`, table cells) win over what the
prose rules read for the same field. Which of several candidates a document record
shows is decided later, by tenderlens.summary.
"""
from __future__ import annotations

from ...model import Document, Fact
from .amounts import find_amounts
from .evidence import FactMaker, views
from .dates import find_date
from .labels import label_facts, read
from .notice import find_method, find_notice_type
from .english import find_english_parties
from .parties import find_parties
from .region import find_region

# Fields a labelled value settles: the prose rules' candidates for them give way.
_LABELLED = ("buyer", "agent", "supplier", "method")


def extract_fields(doc: Document, codebook) -> list[Fact]:
    version = str(getattr(codebook, "version", codebook))
    make = FactMaker(doc.id, version)
    vs = views(doc)
    if not vs:
        return []
    reading = read(vs)
    labelled = label_facts(reading, make)
    settled = {f.key for f in labelled} & set(_LABELLED)
    prose = (find_english_parties if doc.language == "en" else find_parties)(vs, make)
    if "buyer" in settled:   # a company the label names the buyer is not also the party that signed for one
        buyers = {f.value for f in labelled if f.key == "buyer"}
        prose = [f for f in prose if not (f.key == "contract_party" and f.value in buyers)]
    parties = [f for f in labelled if f.key in ("buyer", "agent", "supplier", "consortium")] + [
        f for f in prose if f.key not in settled]
    facts: list[Fact] = list(parties) + [f for f in labelled if f.key not in ("buyer", "agent", "supplier", "consortium")]
    facts.extend(find_amounts(vs, make))
    facts.extend(find_date(vs, make))
    kind = find_notice_type(vs, make, reading)
    facts.extend(kind)
    if kind and kind[0].value == "shortlist":
        # The candidates of a shortlist are bidders: nobody has won yet.
        facts = [f for f in facts if f.key not in ("supplier", "consortium")]
    if "method" not in settled:
        facts.extend(find_method(vs, make))
    facts.extend(find_region(vs, make, parties))
    return facts
