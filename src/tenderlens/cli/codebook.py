from __future__ import annotations

import click

from .. import codebook as cb
from ..codebook import docs
from .common import console, fail, plain


@click.group("codebook")
def command():
    """Check the surveillance codebook and generate its documentation.

    \b
    Example:
      tenderlens codebook check ~/my-codebook/
      tenderlens codebook docs --out docs/categories/
    """


@command.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def check(path):
    """Validate a codebook folder (default: the shipped one) and print its version and size.

    \b
    Example:
      tenderlens codebook check ~/my-codebook/
    """
    try:
        book = cb.load(path)
    except cb.CodebookError as e:
        fail(str(e))
    console.print(plain(f"codebook {book.version}: {len(book.categories)} categories, {len(book.vendors)} vendors, "
                        f"{sum(len(c.fixtures.positive) + len(c.fixtures.negative) for c in book.categories.values())}"
                        f" fixture sentences ({book.path})"))


@command.command("docs")
@click.option("--out", default="docs/categories", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the pages to.")
@click.option("--codebook", "path", type=click.Path(exists=True, file_okay=False),
              help="Codebook folder (default: the shipped one).")
def docs_command(out, path):
    """Write one Markdown page per category, and an index, from the codebook files.

    \b
    Example:
      tenderlens codebook docs --out docs/categories/
    """
    try:
        book = cb.load(path)
    except cb.CodebookError as e:
        fail(str(e))
    written = docs.write(book, out)
    console.print(plain(f"{len(written)} pages written to {out}"))
