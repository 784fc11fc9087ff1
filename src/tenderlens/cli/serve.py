from __future__ import annotations

import click

from .. import codebook
from ..store import StoreError
from .common import console, db_option, fail


def run_server(db_path: str, host: str, port: int, masked: bool = True, codebook_path: str | None = None) -> None:
    """Serve the web app on the database until Ctrl-C."""
    import uvicorn

    from ..web import create_app

    try:
        app = create_app(db_path, masked=masked, codebook_path=codebook_path)
    except (StoreError, codebook.CodebookError) as e:
        fail(str(e))
    console.print(f"tenderlens web app on [bold]http://{host}:{port}[/bold]  (database {db_path}, read-only; Ctrl-C stops)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]listening on {host}: anyone who can reach this machine can read the database[/yellow]")
    uvicorn.run(app, host=host, port=port, log_level="warning")


host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on; only this machine can connect unless you change it.")
port_option = click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on.")


@click.command("serve")
@db_option
@host_option
@port_option
@click.option("--no-mask", "no_mask", is_flag=True,
              help="Show and export ID-card and mobile numbers unmasked (masked by default).")
@click.option("--codebook", "codebook_path", type=click.Path(exists=True, file_okay=False),
              help="Codebook folder the database was analysed with, for category labels (default: the shipped one).")
def command(db_path, host, port, no_mask, codebook_path):
    """Open the web app on a database: search with facets, map, timeline, documents, exports.

    The database is opened read-only. The app binds to 127.0.0.1 (this machine
    only) unless --host says otherwise.

    \b
    Example:
      tenderlens serve --db notices.db            # then open http://127.0.0.1:8765
      tenderlens serve --db notices.db --port 9000
    """
    run_server(db_path, host, port, masked=not no_mask, codebook_path=codebook_path)
