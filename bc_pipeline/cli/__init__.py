"""The `bc-pipeline` command line. Each sub-command group lives in its own module."""

import click

from bc_pipeline.cli.changes import changes
from bc_pipeline.cli.dev import dev
from bc_pipeline.cli.emulator import emulator
from bc_pipeline.cli.mapping import lookup, mapping
from bc_pipeline.cli.sync import check, status, sync
from bc_pipeline.cli.webhooks import webhooks
from bc_pipeline.cli.webhooks_remove import remove


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """bc-pipeline: sync a BigCommerce store into DuckDB with Dagster.

    With no store credentials in the environment (BC_STORE_HASH, BC_ACCESS_TOKEN), `sync` runs against
    a local emulator store that it starts itself.
    """


for _command in (sync, check, status, dev, emulator, mapping, lookup, webhooks, changes):
    main.add_command(_command)
webhooks.add_command(remove)
