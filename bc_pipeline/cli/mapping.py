"""bc-pipeline mapping (work in progress)."""

import click


@click.command()
def mapping() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")


@click.command()
def lookup() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
