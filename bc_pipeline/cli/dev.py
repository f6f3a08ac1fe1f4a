"""`bc-pipeline dev`: the Dagster UI and daemons (`dagster dev`) against the configured store, or against an
emulator store started here when no credentials are set, so the UI works on a fresh machine too.

`dagster dev` runs as a child in its own process group (it starts a webserver, a daemon and code servers of
its own). SIGINT and SIGTERM sent to `bc-pipeline dev` reach that whole group as SIGINT, the terminal's
Ctrl-C (which `dagster dev` shuts down on promptly; on SIGTERM its webserver lingered until killed), and it is
waited for (killed after GRACE_S); whatever is left of the group once it has
exited is killed, so stopping `bc-pipeline dev` never leaves a Dagster process behind. The command exits
with Dagster's status (128 + the signal's number when a signal stopped it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from bc_pipeline.cli.environment import demo_environment, ensure_dagster_home, settings_or_exit

WORKSPACE = "workspace.yaml"
GRACE_S = 10.0  # how long `dagster dev` gets to stop its webserver, daemon and code servers


@click.command()
@click.option("--port", default=3000, show_default=True, help="Port of the Dagster UI (on 127.0.0.1).")
def dev(port: int) -> None:
    """Open the Dagster UI (dagster dev -w workspace.yaml) with the store (or an emulator) configured."""
    if not (Path.cwd() / WORKSPACE).is_file():
        raise click.ClickException(
            f"no {WORKSPACE} in {Path.cwd()}: run `bc-pipeline dev` from the project folder (where {WORKSPACE} is)"
        )
    settings = settings_or_exit()
    home = ensure_dagster_home()
    with demo_environment(settings) as env:
        click.echo(f"Dagster UI on http://127.0.0.1:{port} (instance: {home}); Ctrl-C stops it.", err=True)
        command = [sys.executable, "-m", "dagster", "dev", "-w", WORKSPACE, "-h", "127.0.0.1", "-p", str(port)]
        code, signo = run_forwarding_signals(command, without_dg_notice(env))
    if signo is not None:
        click.echo(f"stopped ({signal.Signals(signo).name})", err=True)
        sys.exit(128 + signo)
    if code != 0:
        failed = click.ClickException(f"dagster dev exited with status {code} (its output is above)")
        failed.exit_code = code if 0 < code < 256 else 1
        raise failed


def without_dg_notice(env: dict[str, str]) -> dict[str, str]:
    """`env` with Python told to drop one warning: `dagster dev` (1.13) says on every start that `dg dev`
    supersedes it. It still works and is what this command runs; the notice would only send an operator to
    a command that is not how bc_pipeline starts the UI. Any PYTHONWARNINGS already set is kept."""
    ignored = "ignore:Function `dev_command` is superseded"
    return {**env, "PYTHONWARNINGS": ",".join(w for w in (env.get("PYTHONWARNINGS"), ignored) if w)}


def run_forwarding_signals(command: list[str], env: dict[str, str] | None = None) -> tuple[int, int | None]:
    """Run `command` in a process group of its own until it exits; SIGINT/SIGTERM reach the group as SIGINT.
    Returns (its exit status, the first signal forwarded or None)."""
    proc = subprocess.Popen(command, start_new_session=True, env=env)
    received: list[int] = []

    def forward(signo: int, frame: object) -> None:
        received.append(signo)
        _signal_group(proc.pid, signal.SIGINT)

    saved = {signo: signal.signal(signo, forward) for signo in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = _wait(proc, received)
    finally:
        for signo, handler in saved.items():
            signal.signal(signo, handler)
        _signal_group(proc.pid, signal.SIGKILL)  # what the group left behind (it should be empty)
    return code, (received[0] if received else None)


def _wait(proc: subprocess.Popen, received: list[int]) -> int:
    first_signal_at = None
    while True:
        try:
            return proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if received and first_signal_at is None:
                first_signal_at = time.monotonic()
            if first_signal_at is not None and time.monotonic() - first_signal_at > GRACE_S:
                _signal_group(proc.pid, signal.SIGKILL)


def _signal_group(pgid: int, signo: int) -> None:
    try:
        os.killpg(pgid, signo)
    except (ProcessLookupError, PermissionError):
        pass
