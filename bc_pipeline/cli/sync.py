"""bc-pipeline sync (work in progress)."""

import click


@click.command()
def sync() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")


@click.command()
def check() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")


@click.command()
def status() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
