"""Options and output helpers shared by the commands."""
from __future__ import annotations

import errno
import json
import sqlite3
import sys

import click
from rich.console import Console

from ..store import DiskFull, Store, StoreError, StoreLocked

# Exit codes (README.md, "Exit codes"): each failure a script may want to tell apart.
EXIT_SOME_FAILED = 1   # the command ran; some documents failed (their reasons are stored)
EXIT_USAGE = 2         # bad arguments, a missing path, or a file that is not a tenderlens database
EXIT_LOCKED = 3        # another tenderlens process is writing to the database
EXIT_DISK_FULL = 4     # the disk filled up; finished documents are stored, a rerun resumes
EXIT_INTERNAL = 5      # a bug in tenderlens

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

db_option = click.option("--db", "db_path", default="tenderlens.db", show_default=True,
                         envvar="TENDERLENS_DB", help="SQLite database file (env TENDERLENS_DB).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (schema: docs/json.md).")
mask_option = click.option("--no-mask", "no_mask", is_flag=True,
                           help="Show ID-card and mobile numbers unmasked (masked by default).")


def fail(message: str, code: int = EXIT_USAGE) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    sys.exit(code)


def exit_code(e: BaseException) -> int | None:
    """The exit code for an error that has one of its own, else None."""
    if isinstance(e, StoreLocked):
        return EXIT_LOCKED
    if isinstance(e, DiskFull) or _disk_full(e):
        return EXIT_DISK_FULL
    if isinstance(e, StoreError):
        return EXIT_USAGE
    return None


def _disk_full(e: BaseException) -> bool:
    return (isinstance(e, OSError) and e.errno == errno.ENOSPC
            or isinstance(e, sqlite3.OperationalError) and "disk is full" in str(e))


def fail_on(e: BaseException) -> None:
    """One line and the exit code for a store error, a full disk or anything else (an internal error)."""
    code = exit_code(e)
    if code == EXIT_DISK_FULL and not isinstance(e, DiskFull):
        fail(f"disk full: {e}; finished documents are stored: free some space and run the same command again", code)
    if code is not None:
        fail(str(e), code)
    fail(f"internal error: {type(e).__name__}: {e} (a tenderlens bug: please report it;"
         " TENDERLENS_DEBUG=1 shows the traceback)", EXIT_INTERNAL)


def open_store(path: str, readonly: bool = True) -> Store:
    try:
        return Store(path, readonly=readonly)
    except StoreError as e:
        fail_on(e)


def print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
