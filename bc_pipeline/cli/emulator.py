"""bc-pipeline emulator (work in progress)."""

import click


@click.command()
def emulator() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
