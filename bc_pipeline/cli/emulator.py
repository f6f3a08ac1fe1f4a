"""bc-pipeline emulator: serve a local BigCommerce store on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import time
from pathlib import Path

import click

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
              help="Folder to drop one webhook payload JSON file per mutation.")
def emulator(port: int, host: str, seed: int, customers: int, orders: int, products: int,
             subscribers: int | None, categories: int, brands: int, store_hash: str, access_token: str | None,
             quota: str, window_ms: int, latency_ms: str, latency_per_record_ms: float, fault_rate: float,
             fault_kinds: str, slow_ms: int, shed_rate: float, mutation_rate: float,
             emit_webhooks_to: Path | None) -> None:
    """Serve an emulated BigCommerce store (REST v2/v3) on 127.0.0.1 until Ctrl-C.

    Prints the API URL, store hash and access token to put in BC_API_URL, BC_STORE_HASH and BC_ACCESS_TOKEN.
    See docs/emulator.md for the endpoints served and every knob.
    """
    from bc_emulator import Emulator

    try:
        cfg = EmulatorConfig(
            seed=seed, customers=customers, orders=orders, products=products, subscribers=subscribers,
            categories=categories, brands=brands, store_hash=store_hash, access_token=access_token, host=host,
            port=port, quota=None if quota.lower() in ("none", "unlimited", "0") else int(quota),
            window_ms=window_ms, latency_ms=_latency(latency_ms), latency_per_record_ms=latency_per_record_ms,
            fault_rate=fault_rate, fault_kinds=tuple(k.strip() for k in fault_kinds.split(",") if k.strip()),
            slow_ms=slow_ms, shed_rate=shed_rate, mutation_rate=mutation_rate, emit_webhooks_to=emit_webhooks_to,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    started = time.perf_counter()
    emu = Emulator(cfg)
    built = time.perf_counter() - started
    try:
        emu.start()
    except OSError as exc:  # the port is taken (EADDRINUSE) or the address cannot be bound
        raise click.ClickException(f"cannot serve on {cfg.host}:{cfg.port}: {exc.strerror or exc}; "
                                   "choose another --port (0 = any free port)") from None
    with emu:
        click.echo(f"BigCommerce emulator: {cfg.customers} customers, {cfg.orders} orders, "
                   f"{cfg.products} products (seed {cfg.seed}, built in {built:.1f}s)")
        click.echo(f"BC_API_URL={emu.api_url}")
        click.echo(f"BC_STORE_HASH={emu.store_hash}")
        click.echo(f"BC_ACCESS_TOKEN={emu.access_token}")
        click.echo(f"Try: curl -H 'X-Auth-Token: {emu.access_token}' {emu.api_url}/stores/{emu.store_hash}/v2/time")
        click.echo("Ctrl-C to stop.")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            click.echo("stopping")
