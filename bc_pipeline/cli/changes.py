"""bc-pipeline changes: the change feed (bigcommerce._changes) since a time, as JSON lines on stdout.

For a downstream tool that asks "what is new since my last read": each line is one row a sync created,
updated or deleted (`{"table_name", "id", "change", "run_id", "changed_at"}`), oldest first. Reads the DuckDB
file read-only (like `lookup`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from bc_pipeline.cli.mapping import _DB, read_only
from bc_pipeline.warehouse import changes as feed
from bc_pipeline.warehouse.errors import MissingTableError
from bc_pipeline.warehouse.schema import TABLES


def _instant(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)") from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


@click.command()
@click.option("--since", required=True, help="ISO 8601 time (UTC when it has no offset): changes at or after it.")
@click.option("--table", "table_name", default=None, help="Only this table (e.g. customers, abandoned_carts).")
@_DB
def changes(since: str, table_name: str | None, db_path: Path) -> None:
    """Print the rows each sync created, updated or deleted since a time, as JSON lines."""
    at = _instant(since)
    if table_name is not None and table_name not in TABLES:
        raise click.ClickException(f"unknown table {table_name!r}; one of {', '.join(TABLES)}")
    with read_only(db_path) as conn:
        try:
            for row in feed.read(conn, at, table_name):
                row["changed_at"] = row["changed_at"].astimezone(UTC).isoformat()
                click.echo(json.dumps(row))
        except MissingTableError:
            raise click.ClickException(f"{db_path} has no change feed yet; run `bc-pipeline sync` first") from None
