"""`bc-pipeline sync`, `check` and `status`: run the load through Dagster, check access, show each stream."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from bc_pipeline.cli.environment import (
    ensure_dagster_home,
    settings_or_exit,
    store_environment,
    warehouse_free_or_exit,
)
from bc_pipeline.cli.interrupts import Interrupted, stop_on_signals
from bc_pipeline.cli.status_text import format_status
from bc_pipeline.config import Settings
from bc_pipeline.sync.status import read_status


@click.command()
@click.option("--full", is_flag=True, help="Re-sync everything from BC_START_DATE, whatever was synced before.")
@click.option("--from", "from_date", metavar="YYYY-MM-DD", help="Re-sync exactly the days from this one.")
@click.option("--to", "to_date", metavar="YYYY-MM-DD", help="Last day to re-sync (default: today).")
@click.option("--reset-store", is_flag=True,
              help="Empty the DuckDB file (every table and the sync state) and make it hold this store, then sync.")
def sync(full: bool, from_date: str | None, to_date: str | None, reset_store: bool) -> None:
    """Sync every stream into DuckDB through Dagster (runs show in the UI's history).

    By default incremental: each stream from its own high-water mark (the first run syncs from
    BC_START_DATE). --full: everything from BC_START_DATE. --from/--to: exactly those days' `date_modified`
    window, in one run. A DuckDB file holds one store: a file holding another store's data is refused,
    unless --reset-store.
    """
    if full and (from_date or to_date):
        raise click.ClickException("--full and --from/--to are exclusive: choose one")
    settings = settings_or_exit()
    _mapping_or_exit(settings.mapping_file)
    home = ensure_dagster_home()
    from bc_pipeline.cli.run_job import run_sync_job

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    progress = logging.getLogger("bc_pipeline.progress")
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    with stop_on_signals() as signals:
        warehouse_free_or_exit(settings.duckdb_path)
        with store_environment(settings) as active:
            _claim_file(active, reset=reset_store)
            click.echo(f"Syncing into {active.duckdb_path} (Dagster instance: {home})", err=True)
            outcome = run_sync_job(full=full, from_date=from_date, to_date=to_date)
        stopped = signals.interrupted()
    if stopped or outcome.interrupted:
        raise stopped or Interrupted()
    if not outcome.success:
        raise click.ClickException(f"sync failed: {outcome.error}")
    click.echo(outcome.summary)


EARLIER_DEFAULT = "bigcommerce.duckdb"  # the default file of versions before one file per store


def _note_earlier_default(active: Settings) -> None:
    """Point at the file an earlier version wrote by default, which this store's default file replaces."""
    earlier = active.duckdb_path.parent / EARLIER_DEFAULT
    if os.environ.get("BC_DUCKDB_PATH") or not earlier.exists() or active.duckdb_path.exists():
        return
    click.echo(f"Note: {earlier} was written by an earlier version, which kept every store in that one file; "
               f"this store now syncs into {active.duckdb_path}. If {earlier} holds this store's data, set "
               f"BC_DUCKDB_PATH={earlier} to keep using it (it then records this store); otherwise delete it.",
               err=True)


def _claim_file(active: Settings, *, reset: bool) -> None:
    """Refuse, before the run and any write, a file that holds another store; or empty it for this one.
    Either only once the store answered, so that a wrong hash or token is reported as such."""
    from bc_pipeline.warehouse.connect import emptied_for, warehouse_connection
    from bc_pipeline.warehouse.store import StoreIdentity, WrongStoreError, check_store

    store = StoreIdentity.of(active.store_hash, active.api_url)
    _note_earlier_default(active)
    if reset:
        _store_answers(active)  # a mistyped hash or token must not empty the file
        emptied_for(active.duckdb_path, store)
        click.echo(f"Emptied {active.duckdb_path}: it now holds {store.describe()}", err=True)
    elif active.duckdb_path.exists():
        try:
            with warehouse_connection(active.duckdb_path, read_only=True) as conn:
                check_store(conn, store, active.duckdb_path)
        except WrongStoreError as exc:
            _store_answers(active)  # a mistyped hash says so, rather than pointing at --reset-store
            raise click.ClickException(str(exc)) from None


def _store_answers(active: Settings) -> None:
    """Ask the store its time (one request): refuse with the API's reason if the hash or token is wrong."""
    from bc_pipeline.bigcommerce.client import BigCommerceClient
    from bc_pipeline.bigcommerce.errors import BigCommerceError

    client = BigCommerceClient(active.api_url, active.store_hash, active.access_token.get_secret_value())
    try:
        client.store_time()
    except BigCommerceError as exc:
        raise click.ClickException(f"sync failed: {exc}") from None
    finally:
        client.close()


def _mapping_or_exit(path: Path | None) -> None:
    """Refuse a bad mapping file with its one-line reason before Dagster loads the definitions (which would
    fail with a traceback)."""
    from bc_pipeline.mapping.errors import MappingError
    from bc_pipeline.mapping.load import load_mapping

    try:
        load_mapping(path)
    except MappingError as exc:
        raise click.ClickException(f"invalid mapping file: {exc}") from None


@click.command()
def check() -> None:
    """Check the credentials and, per resource the pipeline reads, whether the token's scopes allow it."""
    settings = settings_or_exit()
    from bc_pipeline.bigcommerce.client import BigCommerceClient
    from bc_pipeline.bigcommerce.errors import BigCommerceError
    from bc_pipeline.bigcommerce.scopes import check_access
    from bc_pipeline.streams import probes

    with store_environment(settings) as active:
        client = BigCommerceClient(active.api_url, active.store_hash, active.access_token.get_secret_value())
        try:
            results = check_access(client, probes())
        except BigCommerceError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            client.close()
    click.echo(f"Store {active.store_hash} at {active.api_url}")
    click.echo(f"{'resource':<22} {'readable':<9} {'status':<7} scope to grant")
    for r in results:
        grant = "" if r.readable else r.scope_to_grant or "?"
        click.echo(f"{r.resource:<22} {'yes' if r.readable else 'NO':<9} {r.status!s:<7} {grant}")
    if not all(r.readable for r in results):
        raise click.ClickException("some resources are not readable: grant the scopes listed above")


@click.command()
def status() -> None:
    """Per stream: last successful sync, high-water mark, how far behind, row counts, last error."""
    settings = settings_or_exit()
    if not settings.duckdb_path.exists():
        raise click.ClickException(f"no database at {settings.duckdb_path} yet: run `bc-pipeline sync` first")
    from bc_pipeline.warehouse.connect import WarehouseLocked

    try:
        click.echo(format_status(read_status(settings.duckdb_path)))
    except WarehouseLocked as exc:
        raise click.ClickException(str(exc)) from None
