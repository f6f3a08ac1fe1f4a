"""The `bc-pipeline` command line. Each sub-command group lives in its own module, imported only when that
command runs (click's lazy-group pattern): `bc-pipeline sync` does not pay for importing the webhook
receiver, the mapping compiler or the emulator's command."""

import importlib

import click

# command name -> "module:attribute", in the order `--help` lists them.
COMMANDS = {
    "sync": "bc_pipeline.cli.sync:sync",
    "check": "bc_pipeline.cli.sync:check",
    "status": "bc_pipeline.cli.sync:status",
    "dev": "bc_pipeline.cli.dev:dev",
    "emulator": "bc_pipeline.cli.emulator:emulator",
    "mapping": "bc_pipeline.cli.mapping:mapping",
    "lookup": "bc_pipeline.cli.mapping:lookup",
    "webhooks": "bc_pipeline.cli.webhooks:webhooks",
    "changes": "bc_pipeline.cli.changes:changes",
}


def load_command(name: str) -> click.Command:
    module, attribute = COMMANDS[name].split(":")
    return getattr(importlib.import_module(module), attribute)


class LazyGroup(click.Group):
    """A group whose sub-commands are imported when they are looked up (run, or listed by --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None


def run() -> None:
    """The `bc-pipeline` entry point: the command, then a prompt exit (cli/process_exit.py)."""
    from bc_pipeline.cli.process_exit import exit_now

    try:
        main()
    except SystemExit as done:  # click's standalone mode always ends with SystemExit
        exit_now(done.code)
    exit_now(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """bc-pipeline: sync a BigCommerce store into DuckDB with Dagster.

    With no store credentials in the environment (BC_STORE_HASH, BC_ACCESS_TOKEN), `sync` runs against
    a local emulator store that it starts itself.
    """
