from __future__ import annotations

import click

from .. import codebook
from ..store import StoreError
from .common import console, db_option, fail, plain


def run_server(db_path: str, host: str, port: int, masked: bool = True, codebook_path: str | None = None,
               allowed_hosts: tuple[str, ...] = ()) -> None:
    """Serve the web app on the database until Ctrl-C, answering requests addressed to `host`,
    this machine, or one of `allowed_hosts`."""
    import uvicorn

    from ..web import create_app

    try:
        app = create_app(db_path, masked=masked, codebook_path=codebook_path,
                         allowed_hosts=(host, *allowed_hosts))
    except (StoreError, codebook.CodebookError) as e:
        fail(str(e))
    console.print(plain("tenderlens web app on ", (f"http://{host}:{port}", "bold"),
                        f"  (database {db_path}, read-only; Ctrl-C stops)"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(plain((f"listening on {host}: anyone who can reach this machine can read the database",
                             "yellow")))
    uvicorn.run(app, host=host, port=port, log_level="warning")


host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on; only this machine can connect unless you change it.")
port_option = click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
                           help="Port to listen on.")
allowed_host_option = click.option(
    "--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
    help="Also answer requests addressed to this host name or address (repeatable), e.g. the machine's"
         " name when serving with --host 0.0.0.0. Others get 400: a web page elsewhere cannot read the"
         " database through DNS rebinding.")


@click.command("serve")
@db_option
@host_option
@port_option
@allowed_host_option
@click.option("--no-mask", "no_mask", is_flag=True,
              help="Show and export ID-card and mobile numbers unmasked (masked by default).")
@click.option("--codebook", "codebook_path", type=click.Path(exists=True, file_okay=False),
              help="Codebook folder the database was analysed with, for category labels (default: the shipped one).")
def command(db_path, host, port, allowed_hosts, no_mask, codebook_path):
    """Open the web app on a database: search with facets, map, timeline, documents, exports.

    The database is opened read-only. The app binds to 127.0.0.1 (this machine
    only) unless --host says otherwise, and answers only requests addressed to
    127.0.0.1, localhost, [::1], the --host value or an --allowed-host name.

    \b
    Example:
      tenderlens serve --db notices.db            # then open http://127.0.0.1:8765
      tenderlens serve --db notices.db --port 9000
      tenderlens serve --db notices.db --host 0.0.0.0 --allowed-host newsroom-nas.local
    """
    run_server(db_path, host, port, masked=not no_mask, codebook_path=codebook_path, allowed_hosts=allowed_hosts)
