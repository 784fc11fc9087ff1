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
from .dates import find_date
from .notice import find_notice_type, find_project_number
from .english import find_english_parties
from .parties import find_parties
from .region import find_region


def extract_fields(doc: Document, codebook) -> list[Fact]:
    version = str(getattr(codebook, "version", codebook))
    make = FactMaker(doc.id, version)
    vs = views(doc)
    if not vs:
        return []
    parties = (find_english_parties if doc.language == "en" else find_parties)(vs, make)
    facts: list[Fact] = list(parties)
    for find in (find_amounts, find_date, find_notice_type, find_project_number):
        facts.extend(find(vs, make))
    facts.extend(find_region(vs, make, parties))
    return facts
