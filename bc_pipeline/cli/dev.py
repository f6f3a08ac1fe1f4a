"""`bc-pipeline dev`: the Dagster UI and daemons (`dagster dev`) against the configured store, or against an
emulator store started here when no credentials are set, so the UI works on a fresh machine too."""

from __future__ import annotations

import subprocess
import sys

import click

from bc_pipeline.cli.environment import ensure_dagster_home, settings_or_exit, store_environment


@click.command()
@click.option("--port", default=3000, show_default=True, help="Port of the Dagster UI (on 127.0.0.1).")
def dev(port: int) -> None:
    """Open the Dagster UI (dagster dev -w workspace.yaml) with the store (or an emulator) configured."""
    settings = settings_or_exit()
    home = ensure_dagster_home()
    with store_environment(settings):
        click.echo(f"Dagster UI on http://127.0.0.1:{port} (instance: {home}); Ctrl-C stops it.", err=True)
        command = [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
        try:
            subprocess.run(command, check=False)
        except KeyboardInterrupt:
            pass
