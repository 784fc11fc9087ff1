"""Options and output helpers shared by the commands."""
from __future__ import annotations

import json
import sys

import click
from rich.console import Console

from ..store import Store, StoreError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

db_option = click.option("--db", "db_path", default="tenderlens.db", show_default=True,
                         envvar="TENDERLENS_DB", help="SQLite database file (env TENDERLENS_DB).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (schema: docs/json.md).")
mask_option = click.option("--no-mask", "no_mask", is_flag=True,
                           help="Show ID-card and mobile numbers unmasked (masked by default).")


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    sys.exit(code)


def open_store(path: str, readonly: bool = True) -> Store:
    try:
        return Store(path, readonly=readonly)
    except StoreError as e:
        fail(str(e))


def print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
