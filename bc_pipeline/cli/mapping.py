"""bc-pipeline mapping (suggest, check) and bc-pipeline lookup (read functions over the mapped tables).

Both read the DuckDB file read-only (--db, else the configured store's: BC_DUCKDB_PATH or data/<label>.duckdb),
so they can run while a sync holds no lock, and never change anything. `mapping check` only reads the file it
is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from bc_pipeline import lookups
from bc_pipeline.cli.environment import configured_stores, settings_or_exit
from bc_pipeline.mapping.errors import MappingError
from bc_pipeline.mapping.load import Mapping, load_mapping
from bc_pipeline.mapping.suggest import suggest_mapping
from bc_pipeline.warehouse.connect import open_warehouse
from bc_pipeline.warehouse.errors import Connection, DatabaseError


def _configured_db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """--db, else the store's file: BC_DUCKDB_PATH or data/<label>.duckdb, or the one store of the stores file
    (with several, --db names which)."""
    if value is not None:
        return value
    settings = settings_or_exit()
    stores = configured_stores(settings) if settings.stores_file else []
    if len(stores) > 1:
        files = ", ".join(f"{s.label}: {s.duckdb_path}" for s in stores)
        raise click.ClickException(f"the stores file has several stores: pass --db with one's file ({files})")
    return stores[0].duckdb_path if stores else settings.duckdb_path


_DB = click.option(
    "--db",
    "db_path",
    default=None,
    callback=_configured_db,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The DuckDB file (default: BC_DUCKDB_PATH, else the store's data/<label>.duckdb; with a stores file of "
    "several stores, required).",
)
_MAPPING = click.option(
    "--mapping-file",
    "mapping_file",
    envvar="BC_MAPPING_FILE",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The mapping file (BC_MAPPING_FILE); the shipped default when unset.",
)


@contextmanager
def read_only(db_path: Path) -> Iterator[Connection]:
    if not db_path.is_file():
        raise click.ClickException(
            f"no DuckDB file at {db_path}; run `bc-pipeline sync` first (or pass --db)"
        )
    try:
        conn = open_warehouse(db_path, read_only=True)
    except DatabaseError as exc:
        raise click.ClickException(f"cannot open {db_path} read-only: {exc}") from None
    try:
        yield conn
    finally:
        conn.close()


def _mapping(path: Path | None) -> Mapping:
    try:
        return load_mapping(path)
    except MappingError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def mapping() -> None:
    """The mapping file: suggest one for this store, or check one."""


@mapping.command()
@_DB
def suggest(db_path: Path) -> None:
    """Print a complete mapping file for the store in the DuckDB file (every field and status label seen)."""
    with read_only(db_path) as conn:
        click.echo(suggest_mapping(conn), nl=False)


@mapping.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check_file(file: Path) -> None:
    """Validate FILE without running anything; exit 1 with the reason when it is refused."""
    try:
        loaded = load_mapping(file)
    except MappingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{file}: ok ({', '.join(loaded.entities)})")


@click.group()
def lookup() -> None:
    """Answer other tools' questions from the mapped tables (JSON on stdout)."""


def _answer(db_path: Path, mapping_file: Path | None, ask: Any) -> None:
    loaded = _mapping(mapping_file)
    with read_only(db_path) as conn:
        try:
            result = ask(conn, loaded)
        except lookups.LookupUnavailable as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@lookup.command("customer-by-email")
@click.argument("email")
@_DB
@_MAPPING
def customer_by_email(email: str, db_path: Path, mapping_file: Path | None) -> None:
    """Customers with this email (case-insensitive)."""
    _answer(db_path, mapping_file, lambda conn, m: lookups.customer_by_email(conn, m, email))


@lookup.command("customer-orders")
@click.argument("customer_id", type=int)
@_DB
@_MAPPING
def customer_orders(customer_id: int, db_path: Path, mapping_file: Path | None) -> None:
    """A customer's orders, newest first."""
    _answer(db_path, mapping_file, lambda conn, m: lookups.customer_orders(conn, m, customer_id))


@lookup.command("categories")
@_DB
@_MAPPING
def categories(db_path: Path, mapping_file: Path | None) -> None:
    """The store's categories, with product counts."""
    _answer(db_path, mapping_file, lambda conn, m: lookups.categories(conn))


@lookup.command("category-products")
@click.argument("category_id", type=int)
@_DB
@_MAPPING
def category_products(category_id: int, db_path: Path, mapping_file: Path | None) -> None:
    """The products in a category."""
    _answer(db_path, mapping_file, lambda conn, m: lookups.category_products(conn, m, category_id))


@lookup.command("products-by-name")
@click.argument("text")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@_DB
@_MAPPING
def products_by_name(text: str, limit: int, db_path: Path, mapping_file: Path | None) -> None:
    """Products whose name contains TEXT (case-insensitive)."""
    _answer(db_path, mapping_file, lambda conn, m: lookups.products_by_name(conn, m, text, limit))


@lookup.command("product")
@click.argument("product_id", type=int)
@_DB
@_MAPPING
def product(product_id: int, db_path: Path, mapping_file: Path | None) -> None:
    """One product with its variants (null when there is none)."""
    _answer(db_path, mapping_file, lambda conn, m: lookups.product(conn, m, product_id))
