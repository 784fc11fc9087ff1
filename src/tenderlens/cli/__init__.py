"""The `tenderlens` command line: one module per command, registered below.

Exit codes: 0 success; 1 the command ran but some documents failed (the count is
printed); 2 usage error, bad path, or an unusable database.
"""
from __future__ import annotations

import importlib

import click

from .. import __version__

COMMANDS = ["ingest", "search", "show", "stats", "demo", "serve", "export", "eval", "analyze", "facts", "codebook", "link",
            "purchases", "orgs", "index"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tenderlens")
def main() -> None:
    """tenderlens: search and map government surveillance purchases in procurement documents.

    \b
    Example:
      tenderlens ingest ~/notices/ --db notices.db
      tenderlens search 雪亮 --db notices.db
    """


for _name in COMMANDS:
    main.add_command(importlib.import_module(f".{_name}", __name__).command)
