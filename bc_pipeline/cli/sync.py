"""`bc-pipeline sync`, `check` and `status`: run the load through Dagster, check access, show each stream;
for every configured store (BC_STORES_FILE), or one (`--store LABEL`), or the one BC_* store as before.

Several stores sync in child processes (cli/parallel.py); one store syncs in this process. A failure of one
store is one `Error: store LABEL: ...` line after the others are done (with a single store, the line is as
it always was).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from bc_pipeline.cli.environment import (
    active_stores,
    configured_stores,
    ensure_dagster_home,
    pick_store,
    settings_or_exit,
    warehouse_free_or_exit,
)
from bc_pipeline.cli.interrupts import Interrupted, stop_on_signals
from bc_pipeline.cli.status_text import format_status
from bc_pipeline.config import Settings
from bc_pipeline.stores import Store
from bc_pipeline.sync.status import read_status

_STORE = click.option("--store", "label", metavar="LABEL", default=None,
                      help="Only this store of the stores file (BC_STORES_FILE).")


def fail_per_store(failures: list[tuple[str, str]], *, named: bool) -> None:
    """One `Error:` line per failed store (naming it when several stores are configured); exit code 1."""
    lines = [f"store {label}: {error}" if named else error for label, error in failures]
    for line in lines[:-1]:
        click.echo(f"Error: {line}", err=True)
    if lines:
        raise click.ClickException(lines[-1])


@click.command()
@click.option("--full", is_flag=True, help="Re-sync everything from BC_START_DATE, whatever was synced before.")
@click.option("--from", "from_date", metavar="YYYY-MM-DD", help="Re-sync exactly the days from this one.")
@click.option("--to", "to_date", metavar="YYYY-MM-DD", help="Last day to re-sync (default: today).")
@click.option("--reset-store", is_flag=True,
              help="Empty the DuckDB file (every table and the sync state) and make it hold this store, then sync.")
@_STORE
def sync(full: bool, from_date: str | None, to_date: str | None, reset_store: bool, label: str | None) -> None:
    """Sync every stream into DuckDB through Dagster (runs show in the UI's history).

    By default incremental: each stream from its own high-water mark (the first run syncs from
    BC_START_DATE). --full: everything from BC_START_DATE. --from/--to: exactly those days' `date_modified`
    window, in one run. A DuckDB file holds one store: a file holding another store's data is refused,
    unless --reset-store. With a stores file every store syncs (BC_SYNC_PARALLEL at once), or --store LABEL.
    """
    if full and (from_date or to_date):
        raise click.ClickException("--full and --from/--to are exclusive: choose one")
    settings = settings_or_exit()
    stores = pick_store(configured_stores(settings), label) if settings.stores_file else []
    for path in {settings.mapping_file, *(s.mapping_file for s in stores)}:
        _mapping_or_exit(path)
    home = ensure_dagster_home()
    if len(stores) > 1:
        flags = [*(["--full"] if full else []), *(["--from", from_date] if from_date else []),
                 *(["--to", to_date] if to_date else []), *(["--reset-store"] if reset_store else [])]
        return _sync_many(stores, flags, settings.sync_parallel, home)
    _sync_one(settings, full=full, from_date=from_date, to_date=to_date, reset_store=reset_store, label=label)


def _sync_many(stores: list[Store], flags: list[str], parallel: int, home) -> None:
    from bc_pipeline.cli.parallel import sync_children

    click.echo(f"Syncing {len(stores)} stores, {min(parallel, len(stores))} at a time (Dagster instance: {home})",
               err=True)
    outcomes, signo = sync_children(stores, flags, parallel, lambda line: click.echo(line, err=True))
    if signo is not None:
        raise Interrupted(signo)
    failed = [(o.label, o.error or f"exited with status {o.code}") for o in outcomes if o.code != 0]
    succeeded = {o.label for o in outcomes if o.code == 0}
    done = [s.label for s in stores if s.label in succeeded]
    click.echo(f"{len(done)} of {len(stores)} stores synced: {', '.join(done) or 'none'}")
    fail_per_store(failed, named=True)


def _sync_one(settings: Settings, *, full: bool, from_date: str | None, to_date: str | None, reset_store: bool,
              label: str | None) -> None:
    from bc_pipeline.cli.run_job import run_sync_job

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    progress = logging.getLogger("bc_pipeline.progress")
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    with stop_on_signals() as signals, active_stores(settings) as stores:
        (store,) = pick_store(stores, label)
        warehouse_free_or_exit(store.duckdb_path)
        _claim_file(store, reset=reset_store)
        click.echo(f"Syncing into {store.duckdb_path} (Dagster instance: {ensure_dagster_home()})", err=True)
        outcome = run_sync_job(store, full=full, from_date=from_date, to_date=to_date)
        stopped = signals.interrupted()
    if stopped or outcome.interrupted:
        raise stopped or Interrupted()
    if not outcome.success:
        raise click.ClickException(f"sync failed: {outcome.error}")
    click.echo(outcome.summary)


EARLIER_DEFAULT = "bigcommerce.duckdb"  # the default file of versions before one file per store


def _note_earlier_default(active: Store) -> None:
    """Point at the file an earlier version wrote by default, which this store's default file replaces."""
    earlier = active.duckdb_path.parent / EARLIER_DEFAULT
    if (os.environ.get("BC_DUCKDB_PATH") or os.environ.get("BC_STORES_FILE") or not earlier.exists()
            or active.duckdb_path.exists()):
        return
    click.echo(f"Note: {earlier} was written by an earlier version, which kept every store in that one file; "
               f"this store now syncs into {active.duckdb_path}. If {earlier} holds this store's data, set "
               f"BC_DUCKDB_PATH={earlier} to keep using it (it then records this store); otherwise delete it.",
               err=True)


def _claim_file(active: Store, *, reset: bool) -> None:
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


def _store_answers(active: Store) -> None:
    """Ask the store its time (one request): refuse with the API's reason if the hash or token is wrong."""
    from bc_pipeline.bigcommerce.errors import BigCommerceError

    client = active.client()
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
@_STORE
def check(label: str | None) -> None:
    """Check the credentials and, per resource the pipeline reads, whether the token's scopes allow it (per
    store)."""
    settings = settings_or_exit()
    failures = []
    with active_stores(settings) as stores:
        for store in pick_store(stores, label):
            error = _check_store(store, named=settings.stores_file is not None)
            if error:
                failures.append((store.label, error))
    fail_per_store(failures, named=settings.stores_file is not None)


def _check_store(store: Store, *, named: bool) -> str | None:
    """Print the store's access table; return why it is not fully readable, or None."""
    from bc_pipeline.bigcommerce.errors import BigCommerceError
    from bc_pipeline.bigcommerce.scopes import check_access
    from bc_pipeline.streams import probes

    try:
        client = store.client()
    except (ValueError, BigCommerceError) as exc:  # its token variable is not set, or the token cannot be sent
        return str(exc)
    try:
        results = check_access(client, probes())
    except BigCommerceError as exc:
        return str(exc)
    finally:
        client.close()
    click.echo(f"Store {store.store_hash} at {store.api_url}" + (f" ({store.label})" if named else ""))
    width = max(len("resource"), *(len(r.resource) for r in results))
    click.echo(f"{'resource':<{width}} {'readable':<9} {'status':<7} scope to grant")
    for r in results:
        grant = r.scope_to_grant or "?"
        if r.readable:  # a probe of an id no store has answers 404 when the token may read the resource
            grant = "(404 for an id no store has: the scope is granted)" if r.status == 404 else ""
        click.echo(f"{r.resource:<{width}} {'yes' if r.readable else 'NO':<9} {r.status!s:<7} {grant}".rstrip())
    quota = client.gate.snapshot()
    setting = "its quota_reserve_percent in the stores file" if named else "BC_QUOTA_RESERVE_PERCENT"
    click.echo(quota_line(quota["quota"], quota["window_s"], store.quota_reserve_percent, setting))
    if not all(r.readable for r in results):
        return "some resources are not readable: grant the scopes listed above"
    return None


def quota_line(quota: int | None, window_s: float | None, reserve_percent: int, setting: str) -> str:
    """What `check` says of the store's API quota (from the probes' rate-limit headers) and the share of it a
    sync leaves to the store's other apps."""
    if not quota or not window_s:
        return "API quota: the store sent no rate-limit headers"
    share = (f"a sync leaves {reserve_percent}% of each window to them ({setting})" if reserve_percent
             else f"a sync uses each window whole ({setting} leaves them a share)")
    return f"API quota: {quota:,} requests per {window_s:g} s, shared by every app on the store; {share}"


@click.command()
@_STORE
def status(label: str | None) -> None:
    """Per stream: last successful sync, high-water mark, how far behind, row counts, last error (per store)."""
    settings = settings_or_exit()
    stores = configured_stores(settings) if settings.stores_file else [_status_store(settings)]
    from bc_pipeline.warehouse.connect import WarehouseLocked

    failures = []
    for store in pick_store(stores, label):
        if settings.stores_file:
            click.echo(f"Store {store.label} ({store.duckdb_path})")
        if not store.duckdb_path.exists():
            failures.append((store.label, f"no database at {store.duckdb_path} yet: run `bc-pipeline sync` first"))
            continue
        try:
            click.echo(format_status(read_status(store.duckdb_path)))
        except WarehouseLocked as exc:
            failures.append((store.label, str(exc)))
    fail_per_store(failures, named=settings.stores_file is not None)


def _status_store(settings: Settings) -> Store:
    """The one store of the BC_* settings, or the demo's, for `status` (which needs only its file)."""
    from bc_pipeline.cli.environment import demo_store

    return demo_store(settings, settings.api_url)
