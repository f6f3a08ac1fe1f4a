"""What every CLI command needs first: the `.env` file, validated settings, the stores (those of the stores
file, the one BC_* store, or, when no store is configured, the embedded emulator store that stands in for
one), and a Dagster home.

The stores reach Dagster as run configuration (defs/resources.py), never by rewriting the environment. The
one variable set here is the embedded emulator's token, under its own name (DEMO_TOKEN_ENV), for the
duration of the command: a run reads every store's token from the variable its `token_env` names.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from dotenv import load_dotenv

from bc_pipeline.config import DEMO_STORE_HASH, ConfigError, Settings, load_settings
from bc_pipeline.stores import Store, StoresFileError
from bc_pipeline.stores import configured_stores as stores_of

# The embedded default store: what `bc-pipeline sync` syncs from when no credentials are set.
DEMO_STORE = {"seed": 42, "customers": 500, "orders": 2000, "products": 200, "store_hash": DEMO_STORE_HASH}
DEMO_TOKEN_ENV = "BC_DEMO_ACCESS_TOKEN"
# The instance settings (the repo's dagster.yaml links here): written into a ./.dagster_home the CLI makes.
INSTANCE_SETTINGS = Path(__file__).resolve().parents[1] / "instance" / "dagster.yaml"


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
    """DAGSTER_HOME if set; else this folder when it holds dagster.yaml (the repo), else ./.dagster_home,
    given bc_pipeline's instance settings (INSTANCE_SETTINGS) when it has none."""
    home = os.environ.get("DAGSTER_HOME")
    local = False
    if not home:
        cwd = Path.cwd()
        local = not (cwd / "dagster.yaml").is_file()
        home = str(cwd / ".dagster_home" if local else cwd)
    path = Path(home).resolve()
    path.mkdir(parents=True, exist_ok=True)
    if local and not (path / "dagster.yaml").exists():
        _write_settings(path / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(path)
    return path


def _write_settings(target: Path) -> None:
    """The package's instance settings into a home the CLI made (without them Dagster's defaults apply: its
    SQLite event log reconnects and checkpoints for every event, about 1 s of a no-op sync). Written whole
    or not at all: two first commands at once each rename a complete file."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    partial.write_text(INSTANCE_SETTINGS.read_text(encoding="utf-8"), encoding="utf-8")
    os.replace(partial, target)


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
        instance.event_log_storage.get_concurrency_info("default")
    return instance


def configured_stores(settings: Settings) -> list[Store]:
    """The stores of BC_STORES_FILE, else the one BC_* store (none without credentials: the demo's turn)."""
    try:
        return stores_of(settings)
    except StoresFileError as exc:
        raise click.ClickException(" | ".join(exc.problems)) from None


def pick_store(stores: list[Store], label: str | None) -> list[Store]:
    """All stores, or the one labelled `label` (an unknown label: one line naming the known ones)."""
    if label is None:
        return stores
    found = [s for s in stores if s.label == label]
    if not found:
        raise click.ClickException(f"no store {label!r}; known stores: {', '.join(s.label for s in stores)}")
    return found


def demo_store(settings: Settings, api_url: str) -> Store:
    """The embedded emulator's store, with the BC_* settings that still apply (file, dates, mapping)."""
    return Store(label=settings.store_label, store_hash=DEMO_STORE["store_hash"], token_env=DEMO_TOKEN_ENV,
                 api_url=api_url, start_date=settings.start_date, timezone=settings.timezone,
                 duckdb_path=settings.duckdb_path, mapping_file=settings.mapping_file,
                 quota_reserve_percent=settings.quota_reserve_percent)


@contextmanager
def active_stores(settings: Settings, *, quiet: bool = False) -> Iterator[list[Store]]:
    """Yield the configured stores, or the embedded emulator's store, started here for the duration."""
    stores = configured_stores(settings)
    if stores:
        yield stores
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
        saved = os.environ.get(DEMO_TOKEN_ENV)
        os.environ[DEMO_TOKEN_ENV] = emu.access_token  # the demo's public token, read by the run like any token
        try:
            yield [demo_store(settings, emu.api_url)]
        finally:
            if saved is None:
                os.environ.pop(DEMO_TOKEN_ENV, None)
            else:
                os.environ[DEMO_TOKEN_ENV] = saved


@contextmanager
def demo_environment(settings: Settings) -> Iterator[dict[str, str]]:
    """For a child process (`dagster dev`): the environment pointing at the configured store, or at the
    embedded emulator started here for the duration (set in the child's environment, not in ours)."""
    if settings.stores_file is not None or settings.has_store_credentials:
        yield dict(os.environ)
        return
    with active_stores(settings) as (store,):
        token = os.environ[DEMO_TOKEN_ENV]
        yield {**os.environ, "BC_API_URL": store.api_url, "BC_STORE_HASH": store.store_hash, "BC_ACCESS_TOKEN": token}
