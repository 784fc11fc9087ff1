from __future__ import annotations

import click

from ..orgs.merges import MergesError
from ..store import StoreError
from ..store.purchases import merges_path, rebuild
from .common import console, db_option, fail, open_store


def relink(store, db_path: str) -> dict:
    """Rebuild organisations and purchases, failing with one clear line on a bad merges file."""
    try:
        return rebuild(store, db_path)
    except MergesError as e:
        fail(str(e))
    except StoreError as e:
        fail(str(e))


def report(counts: dict, db_path: str) -> None:
    console.print(f"{counts['purchases']} purchases ({counts['linked_documents']} documents linked to another), "
                  f"{counts['organisations']} organisations -> {db_path}")


@click.command("link")
@db_option
def command(db_path):
    """Rebuild organisations and purchases from the stored facts.

    Resolves every party name to an organisation and links the documents of one
    procurement into a purchase, applying the merges file beside the database
    (notices.db -> notices.merges.yaml; see docs/purchases.md). `ingest` and
    `analyze` run this at their end; run it after editing the merges file.

    \b
    Example:
      tenderlens link --db notices.db
    """
    store = open_store(db_path, readonly=False)
    try:
        counts = relink(store, db_path)
    finally:
        store.close()
    report(counts, db_path)
    console.print(f"merges file: {merges_path(db_path)}")
