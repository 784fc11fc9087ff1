from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..codebook import CodebookError
from ..executors import make_executor
from ..privacy import mask
from ..reanalyze import reanalyze
from ..store import StoreError
from .common import console, db_option, err_console, fail, open_store, plain
from .link import relink, report


@click.command("analyze")
@db_option
@click.option("--codebook", "codebook_path", type=click.Path(exists=True, file_okay=False),
              help="Folder of codebook YAML files (default: the codebook shipped with tenderlens).")
@click.option("--engine", default="local", show_default=True,
              help="Where analysis runs: local (all cores), local:N, or serial.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--no-link", "no_link", is_flag=True,
              help="Do not rebuild purchases and organisations at the end (run `tenderlens link` after the last batch).")
def command(db_path, codebook_path, engine, quiet, no_link):
    """Analyse stored documents again with the current codebook, without extracting text again.

    Reads each document's stored pages, runs analysis and replaces the facts of
    this codebook version (facts of other versions stay), with the document
    summaries that search filters use. Running it twice gives the same facts.
    Commits every 200 documents, so an interrupted run keeps what it finished;
    run it again to complete.

    \b
    Example:
      tenderlens analyze --db notices.db
      tenderlens analyze --db notices.db --codebook ~/my-codebook/ --engine local:4
    """
    try:
        executor = make_executor(engine)
    except ValueError as e:
        fail(str(e))
    store = open_store(db_path, readonly=False)
    total = store.db.execute("SELECT count(*) FROM documents WHERE status != 'failed'").fetchone()[0]
    progress = Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err_console, disable=quiet or not err_console.is_terminal)
    try:
        with progress:
            task = progress.add_task("analyse", total=total)
            result = reanalyze(store, executor, codebook_path, on_document=lambda _: progress.advance(task))
        linked = None if no_link else relink(store, db_path)
    except (StoreError, CodebookError) as e:
        fail(str(e))
    except KeyboardInterrupt:
        err_console.print("interrupted: analysed documents are stored; run the same command again to finish")
        sys.exit(130)
    finally:
        executor.close()
        store.close()
    c = result.counts
    console.print(plain(f"{c['documents']} documents analysed with codebook {result.codebook_version}:"
                        f" {c['facts']} facts -> {db_path}"))
    if linked:
        report(linked, db_path)
    if result.failures:
        err_console.print(f"{len(result.failures)} documents could not be analysed:")
        for doc_id, reason in result.failures[:20]:
            err_console.print(plain(f"  {doc_id[:12]}  {mask(reason)}"))
        sys.exit(1)
