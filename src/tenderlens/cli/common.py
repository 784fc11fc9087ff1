"""Options and output helpers shared by the commands.

Text from documents (page text, titles, paths, names, errors) is printed only as
rich Text built by `plain` and `marked`, never as markup: a `[/x]` in a title or a
backslash before a hit is printed as written, not parsed. Control characters are
shown as \\x1b-style escapes, so a document cannot move the cursor, retitle the
terminal or hide text behind bidirectional overrides.
"""
from __future__ import annotations

import json
import re
import sys

import click
from rich.console import Console
from rich.text import Text

from ..store import Store, StoreError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

db_option = click.option("--db", "db_path", default="tenderlens.db", show_default=True,
                         envvar="TENDERLENS_DB", help="SQLite database file (env TENDERLENS_DB).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (schema: docs/json.md).")
mask_option = click.option("--no-mask", "no_mask", is_flag=True,
                           help="Show ID-card and mobile numbers unmasked (masked by default).")


# C0 (but tab and newline), DEL, C1, and the bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text) -> str:
    """`text` with every control character replaced by a visible escape such as \\x1b."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", str(text))


def plain(*parts) -> Text:
    """Printable text from parts: a string, or (string, rich style); strings are never read as markup."""
    return Text.assemble(*((clean(p[0]), p[1]) if isinstance(p, tuple) else clean(p) for p in parts))


def marked(snippet: str, open_mark: str, close_mark: str, style: str = "bold yellow") -> Text:
    """A snippet whose hits are enclosed in open_mark ... close_mark, the hits in `style`."""
    out = Text()
    for i, piece in enumerate(re.split(f"{re.escape(open_mark)}(.*?){re.escape(close_mark)}", snippet)):
        out.append(clean(piece), style=style if i % 2 else None)
    return out


def fail(message: str, code: int = 2) -> None:
    err_console.print(plain(("error:", "red"), " ", message))
    sys.exit(code)


def open_store(path: str, readonly: bool = True) -> Store:
    try:
        return Store(path, readonly=readonly)
    except StoreError as e:
        fail(str(e))


def print_json(obj) -> None:
    # json escapes C0 controls itself; C1 (such as the one-byte CSI, U+009B) and bidi controls it leaves as they are.
    text = json.dumps(obj, ensure_ascii=False, indent=2, default=str)
    click.echo(_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
