"""What every CLI command needs first: the `.env` file, validated settings, a Dagster home, and (when no
store credentials are set) the embedded emulator store that stands in for one."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from dotenv import load_dotenv

from bc_pipeline.config import DEMO_STORE_HASH, ConfigError, Settings, load_settings

# The embedded default store: what `bc-pipeline sync` syncs from when no credentials are set.
DEMO_STORE = {"seed": 42, "customers": 500, "orders": 2000, "products": 200, "store_hash": DEMO_STORE_HASH}


def settings_or_exit() -> Settings:
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(f"invalid configuration: {exc}") from None


def warehouse_free_or_exit(path: Path) -> None:
    """Before a run: a DuckDB file another process holds is waited for here, once (saying by whom), and
    refused with one line if it stays held, instead of each step of the run waiting and failing in turn."""
    from bc_pipeline.warehouse.connect import LOCK_WAIT_S, WarehouseLocked, warehouse_connection

    def say(holder: str) -> None:
        click.echo(f"{path} is held by {holder}; waiting up to {LOCK_WAIT_S:.0f} s for it", err=True)

    if not path.exists():
        return
    try:
        with warehouse_connection(path, on_locked=say):
            pass
    except WarehouseLocked as exc:
        raise click.ClickException(str(exc)) from None


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME if set; else this folder when it holds dagster.yaml (the repo), else ./.dagster_home."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        cwd = Path.cwd()
        home = str(cwd if (cwd / "dagster.yaml").is_file() else cwd / ".dagster_home")
        os.environ["DAGSTER_HOME"] = home
    path = Path(home).resolve()
    path.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(path)
    return path


def dagster_instance():
    """The Dagster instance in DAGSTER_HOME, created under a file lock there. Dagster creates its SQLite
    storage on first use, and two first runs at once raced on it (`table runs already exists`): the second
    now waits for the first to finish creating it, then opens what exists."""
    import dagster as dg

    home = Path(os.environ.get("DAGSTER_HOME") or ensure_dagster_home())
    with open(home / ".bc-pipeline-instance.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)  # touches every storage a run needs first
        instance.event_log_storage.get_concurrency_info("duckdb")
    return instance


@contextmanager
def store_environment(settings: Settings, *, quiet: bool = False) -> Iterator[Settings]:
    """Yield settings pointing at the configured store, or at an emulator started here for the duration."""
    if settings.has_store_credentials:
        yield settings
        return
    from bc_emulator import Emulator, EmulatorConfig

    with Emulator(EmulatorConfig(**DEMO_STORE)) as emu:
        if not quiet:
            sizes = ", ".join(f"{DEMO_STORE[k]:,} {k}" for k in ("customers", "orders", "products"))
            click.echo(
                f"No store credentials (BC_STORE_HASH, BC_ACCESS_TOKEN) are set: using the embedded emulator "
                f"store (seed {DEMO_STORE['seed']}: {sizes}) at {emu.api_url}",
                err=True,
            )
        env = {"BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash, "BC_ACCESS_TOKEN": emu.access_token}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            yield load_settings()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
