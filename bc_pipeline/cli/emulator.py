"""bc-pipeline emulator: serve local BigCommerce stores on 127.0.0.1 until Ctrl-C (one, or several with
--store / --stores-file: bc_emulator/store_list.py)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from click.core import ParameterSource

from bc_emulator import Emulator, store_list
from bc_emulator.config import FAULT_KINDS, EmulatorConfig


def _latency(value: str) -> tuple[float, float]:
    parts = value.split(",")
    try:
        lo, hi = (float(parts[0]), float(parts[-1]))
    except ValueError as exc:
        raise click.BadParameter("use MIN,MAX in milliseconds, e.g. 20,80 (or one number)") from exc
    return lo, hi


@click.command()
@click.option("--port", default=8765, show_default=True, help="TCP port on 127.0.0.1 (0 = any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep the loopback).")
@click.option("--seed", default=42, show_default=True, help="Seed of the generated data (same seed, same store).")
@click.option("--customers", default=200, show_default=True, help="Number of generated customers.")
@click.option("--orders", default=500, show_default=True, help="Number of generated orders.")
@click.option("--products", default=80, show_default=True, help="Number of generated products.")
@click.option("--subscribers", type=int, default=None, help="Newsletter subscribers [default: 60% of customers plus 20% non-customers].")
@click.option("--categories", default=12, show_default=True, help="Number of categories.")
@click.option("--brands", default=10, show_default=True, help="Number of brands.")
@click.option("--store-hash", default="emustore42", show_default=True, help="The store hash in the URL paths.")
@click.option("--access-token", default=None, help="Token to accept [default: derived from the seed, printed].")
@click.option("--quota", default="150", show_default=True,
              help="Requests per window before 429; 'none' for unlimited.")
@click.option("--window-ms", default=3000, show_default=True, help="Rate-limit window in milliseconds.")
@click.option("--latency-ms", default="0", show_default=True, help="Per-request latency MIN,MAX in ms.")
@click.option("--latency-per-record-ms", default=0.0, show_default=True, help="Extra latency per record served.")
@click.option("--fault-rate", default=0.0, show_default=True, help="Share of requests answered with a fault.")
@click.option("--fault-kinds", default=",".join(FAULT_KINDS), show_default=True,
              help="Comma-separated faults to draw from: 500,502,503,reset,slow,truncated.")
@click.option("--slow-ms", default=35000, show_default=True, help="Stall of a 'slow' fault, in ms.")
@click.option("--shed-rate", default=0.0, show_default=True,
              help="Share of requests answered with a header-less 429 (load shedding).")
@click.option("--mutation-rate", default=0.0, show_default=True,
              help="Background writer: creates/updates/deletes per second while serving.")
@click.option("--emit-webhooks-to", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to drop one webhook payload JSON file per mutation (several stores: <folder>/<hash>/).")
@click.option("--store", "store_specs", multiple=True, metavar="HASH:TOKEN[:ORDERS]",
              help="Serve this store (repeat for several on one server); the other flags apply to each, "
                   "the seed goes up by one per store. Instead of --store-hash/--access-token.")
@click.option("--stores-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="YAML `stores:` list, each entry any of the knobs above (store_hash, access_token, seed, "
                   "orders, quota, latency_ms ...) over the flags; see docs/emulator.md.")
@click.pass_context
def emulator(ctx: click.Context, port: int, host: str, store_hash: str, access_token: str | None,
             store_specs: tuple[str, ...], stores_file: Path | None, **knobs: object) -> None:
    """Serve an emulated BigCommerce store (REST v2/v3) on 127.0.0.1 until Ctrl-C.

    Prints the API URL, store hash and access token to put in BC_API_URL, BC_STORE_HASH and BC_ACCESS_TOKEN.
    See docs/emulator.md for the endpoints served and every knob.
    """
    shared = _shared_knobs(**knobs)
    try:
        if store_specs or stores_file:
            _refuse_single_store_flags(ctx)
            entries = [store_list.from_spec(s) for s in store_specs]
            entries += store_list.from_file(stores_file) if stores_file else []
            configs = store_list.configs(shared, entries)
        else:
            configs = [EmulatorConfig(**shared, store_hash=store_hash, access_token=access_token)]
        started = time.perf_counter()
        emu = Emulator(stores=[_bound(c, host, port) for c in configs])
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    built = time.perf_counter() - started
    try:
        emu.start()
    except OSError as exc:  # the port is taken (EADDRINUSE) or the address cannot be bound
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}; "
                                   "choose another --port (0 = any free port)") from None
    with emu:
        _announce(emu, built)
        click.echo("Ctrl-C to stop.")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            click.echo("stopping")


def _shared_knobs(seed: int, customers: int, orders: int, products: int, subscribers: int | None,
                  categories: int, brands: int, quota: str, window_ms: int, latency_ms: str,
                  latency_per_record_ms: float, fault_rate: float, fault_kinds: str, slow_ms: int,
                  shed_rate: float, mutation_rate: float, emit_webhooks_to: Path | None) -> dict:
    """The flags every store takes, as EmulatorConfig fields."""
    try:
        return dict(
            seed=seed, customers=customers, orders=orders, products=products, subscribers=subscribers,
            categories=categories, brands=brands,
            quota=None if quota.lower() in ("none", "unlimited", "0") else int(quota),
            window_ms=window_ms, latency_ms=_latency(latency_ms), latency_per_record_ms=latency_per_record_ms,
            fault_rate=fault_rate, fault_kinds=tuple(k.strip() for k in fault_kinds.split(",") if k.strip()),
            slow_ms=slow_ms, shed_rate=shed_rate, mutation_rate=mutation_rate, emit_webhooks_to=emit_webhooks_to,
        )
    except ValueError as exc:
        raise click.BadParameter(f"--quota: {exc}") from exc


def _refuse_single_store_flags(ctx: click.Context) -> None:
    for name in ("store_hash", "access_token"):
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            raise click.UsageError(f"--{name.replace('_', '-')} names the one store; with --store or "
                                   "--stores-file each store names its own hash and token")


def _bound(cfg: EmulatorConfig, host: str, port: int) -> EmulatorConfig:
    cfg.host, cfg.port = host, port
    return cfg


def _announce(emu: Emulator, built: float) -> None:
    """One store: the three variables to export. Several: the URL, then each store's hash and token."""
    if len(emu.stores) == 1:
        cfg = emu.config
        click.echo(f"BigCommerce emulator: {cfg.customers} customers, {cfg.orders} orders, "
                   f"{cfg.products} products (seed {cfg.seed}, built in {built:.1f}s)")
        click.echo(f"BC_API_URL={emu.api_url}")
        click.echo(f"BC_STORE_HASH={emu.store_hash}")
        click.echo(f"BC_ACCESS_TOKEN={emu.access_token}")
        click.echo(f"Try: curl -H 'X-Auth-Token: {emu.access_token}' {emu.api_url}/stores/{emu.store_hash}/v2/time")
        return
    click.echo(f"BigCommerce emulator: {len(emu.stores)} stores (built in {built:.1f}s)")
    click.echo(f"BC_API_URL={emu.api_url}")
    for served in emu.stores.values():
        cfg = served.config
        click.echo(f"store {served.store_hash}: BC_STORE_HASH={served.store_hash} "
                   f"BC_ACCESS_TOKEN={served.access_token} ({cfg.customers} customers, {cfg.orders} orders, "
                   f"{cfg.products} products, seed {cfg.seed})")
