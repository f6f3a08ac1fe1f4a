"""`bc-pipeline webhooks remove`: disconnect the store from the receiver by deleting the pipeline's hooks.

Only this API account's hooks whose destination is the one given are deleted (DELETE /v3/hooks/{id}); hooks
to other destinations and other accounts' hooks stay. Registered on the `webhooks` group in cli/webhooks.py.
"""

from __future__ import annotations

import click

from bc_pipeline.cli.environment import settings_or_exit
from bc_pipeline.cli.webhooks_store import STORE_OPTION, call_store, chosen_store


@click.command()
@click.option("--destination", required=True, help="The destination URL the hooks were registered with.")
@STORE_OPTION
def remove(destination: str, label: str | None) -> None:
    """Delete the subscriptions bc_pipeline registered (those to --destination), with immediate effect."""
    from bc_pipeline.webhooks.hooks import remove_hooks

    removed = call_store(chosen_store(settings_or_exit(), label), lambda client, token: remove_hooks(client, token, destination))
    for o in removed:
        click.echo(f"removed {o.hook_id:>10} {o.scope}")
    click.echo(f"{len(removed)} webhook(s) to {destination} removed" if removed
               else f"no webhooks to {destination} for this API account")
