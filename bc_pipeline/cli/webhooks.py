"""bc-pipeline webhooks (work in progress)."""

import click


@click.command()
def webhooks() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
