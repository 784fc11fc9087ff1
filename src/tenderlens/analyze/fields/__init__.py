"""Procurement fields of a notice, each a Fact with its evidence.

`extract_fields(doc, codebook)` is a pure function: the parties (buyer, contract
party, agent, suppliers), amounts with their role, dates, notice type, project
number and region. Which of several candidates a document record shows is
decided later, by tenderlens.summary.
"""
from __future__ import annotations

from ...model import Document, Fact
from .amounts import find_amounts
from .evidence import FactMaker, views
from .parties import find_parties


def extract_fields(doc: Document, codebook) -> list[Fact]:
    version = str(getattr(codebook, "version", codebook))
    make = FactMaker(doc.id, version)
    vs = views(doc)
    if not vs:
        return []
    facts: list[Fact] = []
    for find in (find_parties, find_amounts):
        facts.extend(find(vs, make))
    return facts
