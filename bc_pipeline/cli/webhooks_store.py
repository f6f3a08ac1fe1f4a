"""Which store a `bc-pipeline webhooks` command talks to (--store), and calling it with one clear error line."""

from __future__ import annotations

import click

from bc_pipeline.cli.environment import configured_stores, pick_store
from bc_pipeline.config import Settings
from bc_pipeline.stores import Store

STORE_OPTION = click.option("--store", "label", metavar="LABEL", default=None,
                            help="The store of the stores file (BC_STORES_FILE) to work on.")


def chosen_store(settings: Settings, label: str | None = None) -> Store:
    """The one store a command talks to: the BC_* store, or the stores file's (--store when it has several)."""
    stores = configured_stores(settings)
    if not stores:
        raise click.ClickException(
            "no store credentials: set BC_STORE_HASH and BC_ACCESS_TOKEN (and BC_API_URL for an emulator)"
        )
    if label is None and len(stores) > 1:
        raise click.ClickException(f"name the store with --store LABEL; known stores: "
                                   f"{', '.join(s.label for s in stores)}")
    return pick_store(stores, label)[0]


def call_store(store: Store, call):
    """`call(client, token)` against the store; an API error becomes one `Error:` line."""
    from bc_pipeline.bigcommerce.errors import BigCommerceError

    try:
        token = store.access_token().get_secret_value()
        client = store.client()
    except (ValueError, BigCommerceError) as exc:  # its token variable is not set, or the token cannot be sent
        raise click.ClickException(str(exc)) from None
    try:
        return call(client, token)
    except BigCommerceError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        client.close()
