from __future__ import annotations

import sys

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..codebook import CodebookError
from ..collect import Limits
from ..executors import make_executor
from ..ocr import OcrSettings, OcrSettingsError, default_cache_dir
from ..pipeline import ingest
from ..store import StoreError
from .common import console, db_option, err_console, fail, open_store, plain
from .link import relink, report


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option("--engine", default="local", show_default=True,
              help="Where extraction runs: local (all cores), local:N, serial, dask-local:N (a Dask cluster"
                   " of N worker processes here), or dask://HOST:PORT (a Dask scheduler).")
@click.option("--retry-failed", is_flag=True, help="Extract again documents that failed before.")
@click.option("--max-depth", type=int, default=Limits.max_depth, show_default=True, help="Archive nesting bound.")
@click.option("--max-file-mb", type=int, default=Limits.max_file_bytes >> 20, show_default=True,
              help="Largest single document, on disk or expanded from an archive.")
@click.option("--max-archive-mb", type=int, default=Limits.max_expanded_bytes >> 20, show_default=True,
              help="Most bytes one archive may expand to, nested archives included.")
@click.option("--codebook", "codebook_path", type=click.Path(exists=True, file_okay=False),
              help="Folder of codebook YAML files for analysis (default: the shipped codebook).")
@click.option("--ocr", "ocr_mode", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="auto: OCR scanned PDF pages and images (pages without a usable text layer); always: every PDF"
                   " page and image, replacing the text layer; never: leave them marked as needing OCR.")
@click.option("--ocr-engine", type=click.Choice(["auto", "tesseract", "ppocr"]), default="auto", show_default=True,
              help="auto: PP-OCR reads Chinese and mixed pages, Tesseract English ones (chosen page by page);"
                   " tesseract or ppocr: that engine reads every page.")
@click.option("--ocr-lang", default="chi_sim+eng", show_default=True,
              help="Tesseract languages joined by +, e.g. eng, chi_tra+eng (see `tesseract --list-langs`).")
@click.option("--ocr-dpi", type=int, default=300, show_default=True, help="Resolution PDF pages are rendered at for OCR.")
@click.option("--ocr-cache", default=default_cache_dir, show_default="~/.cache/tenderlens/ocr",
              envvar="TENDERLENS_OCR_CACHE",
              help="Folder of cached OCR results, so a re-run does not OCR again; 'off' for none (env TENDERLENS_OCR_CACHE).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--no-link", "no_link", is_flag=True,
              help="Do not rebuild purchases and organisations at the end (run `tenderlens link` after the last batch).")
def command(paths, db_path, engine, retry_failed, max_depth, max_file_mb, max_archive_mb, codebook_path,
            ocr_mode, ocr_engine, ocr_lang, ocr_dpi, ocr_cache, quiet, no_link):
    """Ingest folders, files, zip/tar(.gz)/7z archives and WARC captures into the database.

    Each distinct file is stored once (its id is the SHA-256 of its bytes), with
    every path or URL it was found at. Re-running skips what is stored, so an
    interrupted run resumes where it stopped. A file that cannot be read is
    stored as failed with its reason; the rest of the batch still goes in.

    \b
    Example:
      tenderlens ingest ~/notices/ leaks.zip crawl.warc.gz --db notices.db
      tenderlens ingest foia-scans/ --ocr-lang eng --db notices.db
      tenderlens ingest faxed-contracts/ --ocr always --ocr-engine ppocr --db notices.db
    """
    try:
        ocr = OcrSettings(ocr_mode, ocr_lang, ocr_dpi, cache_dir=None if ocr_cache == "off" else ocr_cache,
                          engine=ocr_engine)
    except OcrSettingsError as e:
        fail(str(e))
    try:
        executor = make_executor(engine)
    except ValueError as e:
        fail(str(e))
    limits = Limits(max_file_bytes=max_file_mb << 20, max_expanded_bytes=max_archive_mb << 20, max_depth=max_depth)
    store = open_store(db_path, readonly=False)
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                        TextColumn("{task.completed} documents"),
                        TextColumn("[cyan]{task.fields[rate]}"), TimeElapsedColumn(),
                        console=err_console, disable=quiet or not err_console.is_terminal)
    try:
        with progress:
            task = progress.add_task("ingesting", total=None, rate="")

            def tick(doc):
                progress.advance(task)
                speed = progress.tasks[0].speed
                if speed:
                    progress.update(task, rate=f"{speed:.1f} docs/s")

            result = ingest(list(paths), store, executor, limits, retry_failed=retry_failed, on_document=tick,
                            codebook_path=codebook_path, ocr=ocr)
        linked = None if no_link else relink(store, db_path)
    except (StoreError, CodebookError) as e:
        fail(str(e))
    except KeyboardInterrupt:
        err_console.print("interrupted: finished documents are stored; run the same command again to resume")
        sys.exit(130)
    finally:
        executor.close()
        store.close()
    c = result.counts
    new = c["ok"] + c["needs_ocr"] + c["empty"] + c["failed"]
    rate = new / result.seconds if result.seconds else 0.0
    console.print(plain(f"{c['seen']} seen, {new} new ({c['ok']} ok, {c['needs_ocr']} need OCR, {c['empty']} empty, {c['failed']} failed), "
                  f"{c['already_stored']} already stored; {result.seconds:.1f} s, {rate:.1f} docs/s -> {db_path}"))
    if linked:
        report(linked, db_path)
    if result.failed:
        err_console.print(plain(f"{result.failed} documents failed; see `tenderlens stats --db {db_path}` for reasons"))
        sys.exit(1)
