from __future__ import annotations

import click

from ..model import ORG_KINDS
from ..privacy import mask_tree
from ..store.aggregates import has_purchases, organisation, organisations
from .common import console, db_option, fail, json_option, mask_option, open_store, print_json
from .export import KEEP
from .purchases import money


@click.group("orgs", invoke_without_command=True)
@db_option
@click.option("--name", help="Part of any of the organisation's names.")
@click.option("--kind", type=click.Choice(ORG_KINDS))
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to show; 0 for all.")
@json_option
@mask_option
@click.pass_context
def command(ctx, db_path, name, kind, limit, as_json, no_mask):
    """Organisations (buyers, suppliers, agents) under all their names, with purchase counts and totals.

    \b
    Example:
      tenderlens orgs --name 公安局 --db notices.db
      tenderlens orgs show org-5334da8ea5c1 --db notices.db --json
    """
    if ctx.invoked_subcommand:
        return
    store = open_store(db_path)
    if not has_purchases(store.db):
        fail(f"no organisations in {db_path} yet: run `tenderlens link --db {db_path}`")
    rows = organisations(store.db, name, kind, limit or None)
    rows = rows if no_mask else mask_tree(rows, KEEP)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        console.print(f"{r['id']}  {r['kind']:<11}  bought {r['bought']:4d} ({money(r['totals_bought'])})  "
                      f"sold {r['sold']:4d} ({money(r['totals_sold'])})  {r['name']}", markup=False)


@command.command("show")
@click.argument("org_id")
@db_option
@json_option
@mask_option
def show(org_id, db_path, as_json, no_mask):
    """One organisation: aliases and the documents using them, relations, purchases, counterparties,
    totals by year and by category.

    \b
    Example:
      tenderlens orgs show org-5334da8ea5c1 --db notices.db
      tenderlens orgs show 宜昌市公安局 --db notices.db --json
    """
    store = open_store(db_path)
    if not has_purchases(store.db):
        fail(f"no organisations in {db_path} yet: run `tenderlens link --db {db_path}`")
    org = organisation(store.db, org_id)
    if org is None:
        fail(f"no organisation {org_id} (an id from `tenderlens orgs`, or a name as written)")
    org = org if no_mask else mask_tree(org, KEEP)
    if as_json:
        print_json(org)
        return
    p = console.print
    p(f"[bold]{org['name']}[/bold]  {org['id']}  {org['kind']}  {org['region'] or ''}  {org['credit_code'] or ''}")
    for a in org["aliases"]:
        p(f"  alias {a['name']} ({a['reason']}, {len(a['doc_ids'])} documents)", markup=False)
    for r in org["relations"]:
        p(f"  {r['child_name']} is a {r['relation']} of {r['parent_name']}", markup=False)
    for label, key in (("bought", "bought"), ("sold", "sold")):
        if org[key]:
            p(f"{label}: {len(org[key])} purchases")
            for pur in org[key][:20]:
                amount = f"{pur['amount']:,.0f} {pur['currency']}" if pur["amount"] is not None else "-"
                p(f"  {pur['id']}  {amount:>20}  {pur['title'] or ''}", markup=False)
    if org["counterparties"]:
        p("counterparties:")
        for c in org["counterparties"][:20]:
            p(f"  {c['role']:<8} {c['purchases']:4d}  {money(c['totals']):>24}  {c['name']}", markup=False)
    for label, key in (("by year", "totals_by_year"), ("by category", "totals_by_category")):
        if org[key]:
            p(f"{label}: " + "; ".join(f"{k} {money(v)}" for k, v in org[key].items()), markup=False)
