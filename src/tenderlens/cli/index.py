from __future__ import annotations

import time

import click

from ..store import StoreError, sidecar
from .common import console, db_option, fail, json_option, open_store, plain, print_json


@click.command("index")
@db_option
@click.option("--rebuild", is_flag=True, help="Build the search sidecar again from the store alone.")
@click.option("--force", is_flag=True,
              help=f"Build it even below {sidecar.MIN_DOCUMENTS:,} documents, where SQLite alone is fast enough.")
@json_option
def command(db_path, rebuild, force, as_json):
    """The search sidecar: a Tantivy index beside the store (<db>.tantivy/) that answers
    the web app's search page on large stores (total, results, facet counts) when it
    is current. Without --rebuild, brings an
    existing sidecar up to the store (what ingest and analyze do after each batch) and
    reports its state. The store stays the record: the sidecar can be deleted and rebuilt.

    \b
    Example:
      tenderlens index --rebuild --db notices.db
      tenderlens index --db notices.db --json
    """
    store = open_store(db_path, readonly=False)
    documents = store.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    t0 = time.perf_counter()
    try:
        if rebuild:
            if documents < sidecar.MIN_DOCUMENTS and not force:
                fail(f"{documents:,} documents: below {sidecar.MIN_DOCUMENTS:,} SQLite answers searches fast "
                     "enough and no sidecar is built (--force builds one anyway)")
            sidecar.rebuild(store)
        else:
            sidecar.sync(store)
    except (StoreError, sidecar.SidecarError, OSError, ValueError) as e:
        fail(f"cannot index {db_path}: {e}")
    finally:
        state = sidecar.state(store)
        store.close()  # the writer's lock goes with it, also when the command fails
    state.update(documents=documents, seconds=round(time.perf_counter() - t0, 2))
    if as_json:
        print_json(state)
    elif not state["present"]:
        console.print(plain(f"no sidecar for {db_path}: `tenderlens index --rebuild --db {db_path}` builds one"))
    else:
        console.print(plain(f"sidecar {state['path']}: {state['indexed']:,} of {documents:,} documents, "
                            f"generation {state['generation']}, {'current' if state['current'] else 'behind'}, "
                            f"{state['bytes'] / 1e6:.1f} MB, {state['seconds']} s"))
