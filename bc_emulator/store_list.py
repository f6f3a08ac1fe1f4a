"""The stores of one emulator server, from the command line (`--store HASH:TOKEN[:ORDERS]`, repeated) or a
YAML file (`--stores-file`), each entry over the knobs every store shares.

    stores:
      - store_hash: acme
        access_token: tok-acme
        orders: 2000
        quota: 450
        latency_ms: [20, 80]
      - {store_hash: globex, access_token: tok-globex, seed: 7}

An entry names any EmulatorConfig field but the server's `host` and `port`. Stores differ by default: an
entry without a seed gets the shared seed plus its position (the first keeps it), and with a shared webhook
folder each store writes into its own `<folder>/<store_hash>/`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from bc_emulator.config import EmulatorConfig

SERVER_FIELDS = ("host", "port")
ENTRY_FIELDS = frozenset(f.name for f in dataclasses.fields(EmulatorConfig)) - set(SERVER_FIELDS)


def from_spec(spec: str) -> dict[str, Any]:
    """'HASH:TOKEN[:ORDERS]' -> an entry."""
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"store {spec!r}: use HASH:TOKEN or HASH:TOKEN:ORDERS")
    entry: dict[str, Any] = {"store_hash": parts[0], "access_token": parts[1]}
    if len(parts) == 3:
        try:
            entry["orders"] = int(parts[2])
        except ValueError:
            raise ValueError(f"store {parts[0]!r}: ORDERS must be a whole number, not {parts[2]!r}") from None
    return entry


def from_file(path: Path) -> list[dict[str, Any]]:
    """The entries of a stores file (see the module docstring)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    entries = data.get("stores") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"{path}: expected `stores:` with a list of mappings (store_hash, access_token, ...)")
    return entries


def configs(shared: dict[str, Any], entries: list[dict[str, Any]]) -> list[EmulatorConfig]:
    """One EmulatorConfig per entry: the entry's fields over `shared` (the knobs every store takes)."""
    out = []
    for position, entry in enumerate(entries):
        name = entry.get("store_hash")
        if not name:
            raise ValueError(f"store #{position + 1}: store_hash is required")
        unknown = set(entry) - ENTRY_FIELDS
        if unknown:
            raise ValueError(f"store {name!r}: unknown field(s) {', '.join(sorted(unknown))} "
                             f"(host and port are the server's)")
        fields = {**shared, "seed": shared.get("seed", 42) + position, **_typed(entry)}
        if "emit_webhooks_to" not in entry and shared.get("emit_webhooks_to") is not None:
            fields["emit_webhooks_to"] = Path(shared["emit_webhooks_to"]) / str(name)
        try:
            out.append(EmulatorConfig(**fields))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"store {name!r}: {exc}") from None
    return out


def _typed(entry: dict[str, Any]) -> dict[str, Any]:
    """YAML lists where the config holds tuples (latency_ms, fault_kinds)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
