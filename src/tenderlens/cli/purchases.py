from __future__ import annotations

import click

from ..purchases.flags import definitions, docs_page
from ..privacy import mask_tree
from ..store.aggregates import GROUPS, SORTS, Filters, count, grouped, has_purchases, purchases
from .common import console, db_option, fail, json_option, mask_option, open_store, print_json
from .export import KEEP

METHODS = ("open", "selective", "competitive_negotiation", "competitive_consultation", "inquiry", "single_source",
           "framework", "other")


def filter_options(f):
    for opt in reversed([
        click.option("--category", help="A category id (tech.face_recognition) or a family or prefix (tech)."),
        click.option("--region", help="A province, prefecture or county name, or a region code prefix."),
        click.option("--year", type=int, help="The year of the purchase's first document."),
        click.option("--buyer", help="An organisation id or part of any of its names."),
        click.option("--supplier", help="An organisation id or part of any of its names."),
        click.option("--method", type=click.Choice(METHODS)),
        click.option("--min-amount", type=float, help="Final amount at least this, in its own currency."),
        click.option("--max-amount", type=float, help="Final amount at most this, in its own currency."),
        click.option("--currency", help="Only purchases in this currency (CNY, USD ...)."),
        click.option("--flag", type=click.Choice([d["id"] for d in definitions()]), help="Only purchases with this red flag."),
    ]):
        f = opt(f)
    return f


def money(totals: dict) -> str:
    return ", ".join(f"{v:,.0f} {c}" for c, v in totals.items()) or "-"


@click.command("purchases")
@db_option
@filter_options
@click.option("--sort", type=click.Choice(sorted(SORTS)), default="amount", show_default=True)
@click.option("--group-by", "group_by", type=click.Choice(sorted(GROUPS)),
              help="Count and total purchases per group instead of listing them.")
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to show; 0 for all.")
@click.option("--flags-doc", is_flag=True, help="Print the red-flag definitions page (docs/red-flags.md) and exit.")
@json_option
@mask_option
def command(db_path, category, region, year, buyer, supplier, method, min_amount, max_amount, currency, flag,
            sort, group_by, limit, flags_doc, as_json, no_mask):
    """Purchases: each procurement once, across its notices and their copies.

    A purchase links a tender, shortlist, award and contract and their republished
    copies; its amount is the contract's, else the award's, else the budget, in its
    own currency. Totals are per currency, never yuan and dollars added. Run
    `tenderlens link` after editing the merges file.

    \b
    Example:
      tenderlens purchases --category tech.face_recognition --region 广东 --db notices.db
      tenderlens purchases --group-by supplier --buyer 公安局 --json --db notices.db
      tenderlens purchases --flag award_near_estimate --db notices.db
    """
    if flags_doc:
        click.echo(docs_page())
        return
    store = open_store(db_path)
    if not has_purchases(store.db):
        fail(f"no purchases in {db_path} yet: run `tenderlens link --db {db_path}`")
    filters = Filters(category, region, year, buyer, supplier, method, min_amount, max_amount, currency, flag)
    limit = limit or None
    if group_by:
        rows = grouped(store.db, group_by, filters, limit)
        rows = rows if no_mask else mask_tree(rows, KEEP)
        if as_json:
            print_json({"group_by": group_by, "overall": count(store.db, filters), "groups": rows})
            return
        for g in rows:
            console.print(f"{g['purchases']:6d}  {g['share_of_purchases']:6.1%}  {money(g['totals']):>28}  "
                          f"{g['label']}", markup=False)
        return
    records = purchases(store.db, filters, sort, limit)
    records = records if no_mask else mask_tree(records, KEEP)
    if as_json:
        print_json({"overall": count(store.db, filters), "purchases": records})
        return
    overall = count(store.db, filters)
    console.print(f"[bold]{overall['purchases']}[/bold] purchases, {money(overall['totals'])}")
    for r in records:
        amount = f"{r['amount']:,.0f} {r['currency']}" if r["amount"] is not None else "-"
        flags = " ".join(f"[{f['id']}]" for f in r["flags"])
        console.print(f"{r['id']}  {amount:>20}  {len(r['documents'])} docs  {r['title'] or ''}\n"
                      f"    buyer {r['buyer_name'] or '-'}; suppliers {'; '.join(filter(None, r['supplier_names'])) or '-'}"
                      f" {flags}", markup=False)
