"""`bc-pipeline webhooks remove`: disconnect the store from the receiver by deleting the pipeline's hooks.

Only this API account's hooks whose destination is the one given are deleted (DELETE /v3/hooks/{id}); hooks
to other destinations and other accounts' hooks stay. Registered on the `webhooks` group in cli/__init__.py.
"""

from __future__ import annotations

import click

from bc_pipeline.cli.environment import settings_or_exit
from bc_pipeline.cli.webhooks import _client, _store


@click.command()
@click.option("--destination", required=True, help="The destination URL the hooks were registered with.")
def remove(destination: str) -> None:
    """Delete the subscriptions bc_pipeline registered (those to --destination), with immediate effect."""
    from bc_pipeline.bigcommerce.errors import BigCommerceError
    from bc_pipeline.webhooks.hooks import remove_hooks

    settings = _store(settings_or_exit())
    client = _client(settings)
    try:
        removed = remove_hooks(client, settings.access_token.get_secret_value(), destination)
    except BigCommerceError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        client.close()
    for o in removed:
        click.echo(f"removed {o.hook_id:>10} {o.scope}")
    click.echo(f"{len(removed)} webhook(s) to {destination} removed" if removed
               else f"no webhooks to {destination} for this API account")
