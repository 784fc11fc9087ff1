from __future__ import annotations

import json
import sys

import click

from ..evaluate import GoldError, check_floors, load_gold, part_of, score
from ..privacy import mask
from ..records import document_records
from .common import console, fail, open_store, plain, print_json


def _read_export(path: str) -> dict[str, dict]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        fail(f"cannot read export {path}: {e.strerror}")
    try:
        stripped = text.lstrip()
        # JSON lines are split at "\n" only: names and quotes may hold U+2028 and other line separators.
        records = json.loads(text) if stripped.startswith("[") else [json.loads(l) for l in text.split("\n") if l.strip()]
    except json.JSONDecodeError as e:
        fail(f"{path} is not a JSON or JSON-lines export: {e}")
    return {r["doc_id"]: r for r in records if isinstance(r, dict) and "doc_id" in r}


def _floor(ctx, param, values):
    out = {}
    for v in values:
        key, sep, num = v.partition("=")
        try:
            out[key] = float(num)
        except ValueError:
            raise click.BadParameter(f"{v!r}: expected MEASURE=NUMBER, e.g. fields.buyer.recall=0.9") from None
        if not sep:
            raise click.BadParameter(f"{v!r}: expected MEASURE=NUMBER")
    return out


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", "db_path", envvar="TENDERLENS_DB", help="Score the documents of this database.")
@click.option("--export", "export_path", type=click.Path(exists=True, dir_okay=False),
              help="Score an export file (tenderlens export --format jsonl or json) instead of a database.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable results.")
@click.option("--min-f1", type=float, help="Exit 1 when any scored field's F1 or any family's micro-F1 is lower.")
@click.option("--min", "floors", multiple=True, callback=_floor, metavar="MEASURE=VALUE",
              help="Exit 1 when this measure is lower, e.g. --min fields.party_a.recall=0.9 (repeatable).")
@click.option("--part", type=click.Choice(["read", "scored"]),
              help="Score one fixed, seeded half of the gold documents: the half rules are written from (read) "
                   "or the half only ever scored (scored).")
@click.option("--misses", type=int, default=30, show_default=True, help="Misses to list; 0 for all.")
def command(gold, db_path, export_path, as_json, min_f1, floors, part, misses):
    """Score extraction against gold labels: precision, recall and F1 per field and category.

    GOLD is a labels.jsonl file (document paths relative to its folder), a
    portal-table gold such as yichang/gold.jsonl (buyer, agent, project number,
    winner, amount, bidders, notice type), or the FDDC contract gold
    (gold_contracts.tsv, documents in html/ beside it).
    Documents are matched by the SHA-256 of their bytes, so the database (or
    export) must have ingested the same files. Recall on a field is the share
    of gold documents whose value was found exactly (amounts within 0.5%).

    \b
    Example:
      tenderlens eval ../shared/eval/labels.jsonl --db notices.db
      tenderlens eval fddc/gold_contracts.tsv --export notices.jsonl --min fields.party_a.recall=0.9 --json
      tenderlens eval ../shared/eval/yichang/gold.jsonl --db yichang.db --part scored
    """
    if bool(db_path) == bool(export_path):
        fail("give exactly one of --db or --export")
    try:
        gold_docs = load_gold(gold)
    except GoldError as e:
        fail(str(e))
    if part:
        gold_docs = [g for g in gold_docs if part_of(g.path) == part]
    if export_path:
        records = _read_export(export_path)
    else:
        store = open_store(db_path)
        records = {r["doc_id"]: r for r in document_records(store, masked=False)}
    result = score(gold_docs, records, gold).as_dict()
    failed = check_floors(result, min_f1, floors)
    result["failed_floors"] = failed
    if as_json:
        print_json(result)
    else:
        _print(result, misses)
    sys.exit(1 if failed else 0)


def _row(name: str, s: dict) -> str:
    return f"  {name:<34} {s['n']:>5} {s['precision']:>7.3f} {s['recall']:>7.3f} {s['f1']:>7.3f}"


def _print(result: dict, misses: int) -> None:
    console.print(plain((result["gold"], "bold"), f": {result['matched']} of {result['documents']} gold documents found"))
    header = f"  {'measure':<34} {'n':>5} {'prec':>7} {'recall':>7} {'F1':>7}"
    console.print(header)
    for name, s in result["fields"].items():
        console.print(plain(_row(name, s)))
    if result["categories"]:
        for fam, s in result["families"].items():
            console.print(plain(_row(f"{fam}.* micro", s["micro"]) + f"   macro-F1 {s['macro_f1']:.3f}"))
        for name, s in result["categories"].items():
            console.print(plain(_row(name, s)))
    shown = result["misses"] if misses == 0 else result["misses"][:misses]
    if shown:
        console.print(f"[bold]misses[/bold] ({len(result['misses'])}, {len(shown)} shown):")
    for m in shown:
        quote = f"“{m['quote']}”" if m.get("quote") else "(no quote)"
        reason = m.get("reason") or f"gold {m['gold']!r}, found {m['predicted']!r}"
        console.print(plain(mask(f"  {m['doc']}  {m['field']}: {reason}  {quote}")))
    for msg in result["failed_floors"]:
        console.print(plain(("below floor:", "red"), f" {msg}"))
