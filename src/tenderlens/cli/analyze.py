from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import __version__, codebook
from ..pipeline import analyze_safely
from ..store import StoreError
from .common import console, db_option, err_console, fail, open_store

BATCH = 200


@click.command("analyze")
@db_option
@click.option("--codebook", "codebook_path", type=click.Path(exists=True, file_okay=False),
              help="Folder of codebook YAML files (default: the codebook shipped with tenderlens).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def command(db_path, codebook_path, quiet):
    """Analyse stored documents again with the current codebook, without extracting text again.

    Reads each document's stored pages, runs analysis and replaces the facts of
    this codebook version (facts of other versions stay). Running it twice gives
    the same facts. Commits every 200 documents, so an interrupted run keeps
    what it finished; run it again to complete.

    \b
    Example:
      tenderlens analyze --db notices.db
      tenderlens analyze --db notices.db --codebook ~/my-codebook/
    """
    try:
        book = codebook.load(codebook_path)
    except codebook.CodebookError as e:
        fail(str(e))
    store = open_store(db_path, readonly=False)
    ids = [r[0] for r in store.db.execute("SELECT id FROM documents WHERE status != 'failed' ORDER BY id")]
    run = store.start_run("analyze", __version__, book.version)
    counts = {"documents": 0, "facts": 0, "analysis_failed": 0}
    status = "interrupted"
    progress = Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err_console, disable=quiet or not err_console.is_terminal)
    try:
        with progress:
            task = progress.add_task("analyse", total=len(ids))
            for i, doc_id in enumerate(ids, 1):
                doc = store.load_document(doc_id)
                facts = analyze_safely(doc, book)
                store.begin()
                store.replace_facts(doc_id, book.version, facts)
                counts["documents"] += 1
                counts["facts"] += len(facts)
                counts["analysis_failed"] += "analysis_error" in doc.meta
                if i % BATCH == 0:
                    store.commit()
                progress.advance(task)
        status = "completed"
    except StoreError as e:
        fail(str(e))
    except KeyboardInterrupt:
        err_console.print("interrupted: analysed documents are stored; run the same command again to finish")
        sys.exit(130)
    finally:
        store.commit()
        store.finish_run(run, status, counts)
        store.close()
    console.print(f"{counts['documents']} documents analysed with codebook {book.version}: {counts['facts']} facts"
                  f" -> {db_path}")
    if counts["analysis_failed"]:
        err_console.print(f"{counts['analysis_failed']} documents could not be analysed")
        sys.exit(1)
