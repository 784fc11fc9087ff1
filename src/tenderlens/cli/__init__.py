"""The `tenderlens` command line: one module per command, registered below.

Exit codes (common.py, README.md): 0 success; 1 the command ran but some documents
failed (the count is printed); 2 usage error, bad path, or an unusable database;
3 the database is locked by another writer; 4 disk full; 5 internal error. Each is
one line on stderr, never a traceback (TENDERLENS_DEBUG=1 lets a bug's through).
"""
from __future__ import annotations

import importlib
import os

import click

from .. import __version__
from .common import fail_on


class _Guarded(click.Group):
    """Every error not handled by a command still ends in one line and its own exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:
            if os.environ.get("TENDERLENS_DEBUG"):
                raise
            fail_on(e)

COMMANDS = ["ingest", "search", "show", "stats", "demo", "serve", "export", "eval", "analyze", "facts", "codebook", "link",
            "purchases", "orgs", "index"]


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
