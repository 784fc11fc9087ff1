"""From a store to OCDS packages: which notices form one contracting process, and its releases.

A contracting process is a key and the documents it holds: a purchase (its id, where
`tenderlens link` linked the store's notices into purchases), or a notice of its own (`doc-` and
the first 16 characters of its id).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..privacy import mask_tree
from ..store import Store
from . import ocds
from .notices import has_table, notice, notice_ids

Process = tuple[str, list[str]]   # (key, document ids)


def each_notice(store: Store) -> list[Process]:
    return [(f"doc-{doc_id[:16]}", [doc_id]) for doc_id in notice_ids(store)]


def contracting_processes(store: Store) -> list[Process]:
    """The store's purchases, their documents in date order; every notice in none, on its own."""
    if not has_table(store, "purchase_docs"):
        return each_notice(store)
    groups: dict[str, list[str]] = defaultdict(list)
    for purchase_id, doc_id in store.db.execute(
            "SELECT purchase_id, doc_id FROM purchase_docs ORDER BY purchase_id, coalesce(date, ''), doc_id"):
        groups[purchase_id].append(doc_id)
    linked = {d for docs in groups.values() for d in docs}
    return sorted(groups.items()) + [p for p in each_notice(store) if p[1][0] not in linked]


def fallback_date(store: Store) -> str:
    """The date a release without a notice date gets: when this store first recorded documents."""
    row = store.db.execute("SELECT min(started_at) FROM runs").fetchone()
    return _rfc3339(row[0]) if row and row[0] else ocds.now()


def _rfc3339(stamp: str) -> str:
    day, _, time = stamp.replace(" ", "T").partition("T")
    return f"{day}T{(time or '00:00:00')[:8]}Z"


def releases(store: Store, prefix: str, groups: Iterable[Process], masked: bool = True) -> Iterator[dict]:
    """Every notice's release, its ocid that of the process it belongs to."""
    fallback = fallback_date(store)
    for key, doc_ids in groups:
        for doc_id in doc_ids:
            yield ocds.release(notice(store, doc_id, masked), ocds.ocid(prefix, key), fallback)


def records(store: Store, prefix: str, groups: Iterable[Process], masked: bool = True) -> Iterator[dict]:
    """One record per process: its releases, the compiled release and, for a purchase, its red flags."""
    fallback = fallback_date(store)
    flags = red_flags(store)
    for key, doc_ids in groups:
        oc = ocds.ocid(prefix, key)
        record = ocds.compile_record(oc, [ocds.release(notice(store, d, masked), oc, fallback) for d in doc_ids])
        if flags.get(key):
            record["redFlags"] = mask_tree(flags[key]) if masked else flags[key]
        yield record


def red_flags(store: Store) -> dict[str, list[dict]]:
    """The red flags of each purchase, as `tenderlens link` computed them: {id, evidence}."""
    if not has_table(store, "purchase_flags"):
        return {}
    out: dict[str, list[dict]] = defaultdict(list)
    for purchase_id, flag, evidence in store.db.execute(
            "SELECT purchase_id, flag, evidence FROM purchase_flags ORDER BY purchase_id, flag"):
        out[purchase_id].append({"id": flag, "evidence": json.loads(evidence)})
    return out
