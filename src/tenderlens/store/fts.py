"""Chinese and English full-text search on SQLite FTS5, by CJK bigrams.

Why bigrams: FTS5's trigram tokenizer cannot find 2-character words (上访, 卡口,
人脸), the words researchers search for most, and a word segmenter (jieba) only
finds a word where its dictionary cut the text the same way, so 上访 inside 非访
or a new term like 雪亮 can be missed. Overlapping bigrams miss nothing: every
2-character string in the text is a token, and a longer word is the phrase of its
bigrams. Each CJK run also ends with its last character alone, so a 1-character
query is a prefix query that matches both bigrams starting with it and a run's
final character.

The index text is written into a contentless FTS5 table with the unicode61
tokenizer, which handles English and other scripts as words (case- and
accent-insensitive). Page text itself lives in `pages`; snippets are cut from it.

ID-card and mobile numbers are masked (privacy.mask) in the index text, so a
search for a person's number finds nothing: search must not confirm who appears
in which document. Queries are bounded in length and terms (MAX_QUERY_CHARS,
MAX_TERMS) so one request cannot hold the index for seconds.
"""
from __future__ import annotations

import re
import shlex
from operator import add

from ..privacy import mask

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\U00020000-\U0002fa1f"
_CJK_RUN = re.compile(f"[{CJK}]+")
_SPLIT = re.compile(f"([{CJK}]+)")
MAX_QUERY_CHARS = 500
MAX_TERMS = 40


def _bigrams(run: str) -> str:
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(map(add, run, run[1:])) + f" {run[-1]} "


def index_text(text: str) -> str:
    """The text as the FTS index sees it: CJK runs as overlapping bigrams, personal identifiers masked."""
    return _CJK_RUN.sub(lambda m: _bigrams(m.group()), mask(text))


class QueryError(ValueError):
    pass


def _term_to_fts(term: str) -> str:
    """One user term or phrase to an FTS5 expression."""
    pieces: list[str] = []
    segs = [s for s in _SPLIT.split(term) if s]
    for k, seg in enumerate(segs):
        if _CJK_RUN.fullmatch(seg):
            if len(seg) == 1:
                pieces.append(seg)  # prefix below if it stands alone
            else:
                pieces.extend(seg[i:i + 2] for i in range(len(seg) - 1))
                if k < len(segs) - 1:
                    pieces.append(seg[-1])  # the run ends here, so the index holds its last character
        else:
            pieces.extend(re.findall(r"\w+", seg))
    if not pieces:
        raise QueryError(f"nothing searchable in {term!r}")
    if len(pieces) == 1 and _CJK_RUN.fullmatch(pieces[0]) and len(pieces[0]) == 1:
        return f'"{pieces[0]}" *'
    return '"' + " ".join(p.replace('"', '""') for p in pieces) + '"'


def parse_query(query: str) -> tuple[str, list[str]]:
    """User query -> (FTS5 MATCH expression, the literal terms to highlight).

    Syntax: words and "quoted phrases" must all occur; `OR` between two terms
    takes either; a leading `-` excludes a term. A CJK word is always matched as a
    contiguous string, never as scattered characters.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(query)} characters, at most {MAX_QUERY_CHARS}")
    try:
        tokens = shlex.split(query, posix=True)
    except ValueError as e:
        raise QueryError(f"unbalanced quotes in query: {query}") from e
    if not tokens:
        raise QueryError("empty query")
    if len(tokens) > MAX_TERMS:
        raise QueryError(f"too many terms: {len(tokens)}, at most {MAX_TERMS}")
    parts: list[str] = []
    terms: list[str] = []
    negated: list[str] = []
    pending_or = False
    for tok in tokens:
        if tok == "OR":
            if not parts:
                raise QueryError("OR needs a term on each side")
            pending_or = True
            continue
        if tok.startswith("-") and len(tok) > 1:
            negated.append(_term_to_fts(tok[1:]))
            continue
        expr = _term_to_fts(tok)
        terms.append(tok)
        if pending_or:
            parts[-1] = f"({parts[-1]} OR {expr})"
            pending_or = False
        else:
            parts.append(expr)
    if pending_or:
        raise QueryError("OR needs a term on each side")
    if not parts:
        raise QueryError("a query needs at least one term that is not excluded")
    match = " AND ".join(parts)
    for n in negated:
        match = f"({match}) NOT {n}"
    return match, terms
