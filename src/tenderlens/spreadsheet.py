"""CSV cells a spreadsheet would not run.

A cell starting with =, +, -, @, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets, and a formula can fetch URLs or run
commands on the machine of whoever opens the export. Document text is written by
strangers, so every text cell that starts like that gets a leading apostrophe
(the OWASP recipe for CSV injection): spreadsheets show the text as written and
the apostrophe as a marker. Numbers are left as numbers.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: dict) -> dict:
    return {k: safe_cell(v) for k, v in row.items()}


def write_csv(out: IO[str], columns: Iterable[str], rows: Iterable[dict]) -> int:
    """Write a header and the rows, every cell made safe; the number of rows written."""
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(safe_row(row))
        n += 1
    return n
