"""store/fts.py's FTS5 expressions as a tree, for translation into Tantivy queries.

tantivy-py's own query parser mistranslates Chinese terms and wildcards, so the
sidecar never sees the user's text: it reads the FTS5 expression tenderlens
already builds (fts.parse_query) and turns it into Tantivy's Query API.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


class SidecarError(Exception):
    pass


_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"|(\()|(\))|(\*)|(AND|OR|NOT)\b)')


@dataclass
class Node:
    op: str                     # "phrase", "prefix", "and", "or", "not"
    words: tuple[str, ...] = ()
    kids: tuple["Node", ...] = ()


def parse_match(match: str) -> Node:
    """store/fts.py's FTS5 expression as a tree (NOT binds tightest, then AND, then OR, as in FTS5)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(match.rstrip()):
        m = _TOKEN.match(match, pos)
        if not m:
            raise SidecarError(f"cannot translate {match!r} at {pos}")
        pos = m.end()
        if m.group(1) is not None:
            tokens.append(("str", m.group(1).replace('""', '"')))
        else:
            tokens.append((m.group(0).strip(), ""))
    k = 0

    def peek() -> str:
        return tokens[k][0] if k < len(tokens) else ""

    def take(kind: str) -> str:
        nonlocal k
        if peek() != kind:
            raise SidecarError(f"cannot translate {match!r}: expected {kind}")
        k += 1
        return tokens[k - 1][1]

    def atom() -> Node:
        if peek() == "(":
            take("(")
            node = disjunction()
            take(")")
            return node
        text = take("str")
        if peek() == "*":
            take("*")
            return Node("prefix", (text,))
        return Node("phrase", tuple(text.split()))

    def negation() -> Node:
        node = atom()
        while peek() == "NOT":
            take("NOT")
            node = Node("not", kids=(node, atom()))
        return node

    def conjunction() -> Node:
        kids = [negation()]
        while peek() == "AND":
            take("AND")
            kids.append(negation())
        return kids[0] if len(kids) == 1 else Node("and", kids=tuple(kids))

    def disjunction() -> Node:
        kids = [conjunction()]
        while peek() == "OR":
            take("OR")
            kids.append(conjunction())
        return kids[0] if len(kids) == 1 else Node("or", kids=tuple(kids))

    node = disjunction()
    if k != len(tokens):
        raise SidecarError(f"cannot translate {match!r}: trailing {tokens[k:]}")
    return node


def page_independent(node: Node) -> bool:
    """True when a document matches exactly when one of its pages does: phrases and ORs of them.

    FTS5 matches pages; the sidecar matches documents. `a b` or `a -b` tested on a whole
    document can differ from the same test page by page, so such queries stay with SQLite."""
    return node.op in ("phrase", "prefix") or (node.op == "or" and all(page_independent(n) for n in node.kids))


