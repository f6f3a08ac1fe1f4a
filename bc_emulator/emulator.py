"""Emulator: local BigCommerce stores served over HTTP on 127.0.0.1, startable in-process with a clean stop.

    with Emulator(EmulatorConfig(customers=50, orders=100)) as emu:
        requests.get(f"{emu.api_url}/stores/{emu.store_hash}/v2/orders",
                     headers={"X-Auth-Token": emu.access_token, "Accept": "application/json"})

One server may serve several stores, each under its own `/stores/{hash}/` with its own token, data, quota
and latency (`Emulator(stores=[cfg_a, cfg_b])`, then `emu.stores["hash"]`, a ServedStore). The single-store
names (`emu.store`, `emu.config`, `emu.access_token`, `emu.add_token`, `emu.hooks` ...) are the first
store's. The server binds the first store's host and port.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from bc_emulator.config import EmulatorConfig
from bc_emulator.ratelimit import RateLimiter
from bc_emulator.request_log import RequestLog, RequestLogEntry
from bc_emulator.served import ServedStore
from bc_emulator.server import EmulatorServer
from bc_emulator.store import Store


def _one_address(configs: Sequence[EmulatorConfig]) -> tuple[str, int]:
    """The first store's host and port; another store that names a different one is refused."""
    first, default = configs[0], EmulatorConfig.__dataclass_fields__
    for cfg in configs[1:]:
        for name in ("host", "port"):
            value = getattr(cfg, name)
            if value != getattr(first, name) and value != default[name].default:
                raise ValueError(f"store {cfg.store_hash!r}: {name} {value!r} differs from the first store's: "
                                 "the stores of one emulator share its server")
    return first.host, first.port


def _by_hash(configs: Sequence[EmulatorConfig]) -> dict[str, ServedStore]:
    stores: dict[str, ServedStore] = {}
    for cfg in configs:
        if cfg.store_hash in stores:
            raise ValueError(f"store hash {cfg.store_hash!r} is served twice")
        stores[cfg.store_hash] = ServedStore(cfg)
    return stores


class Emulator:
    def __init__(self, config: EmulatorConfig | None = None, *, stores: Sequence[EmulatorConfig] | None = None,
                 **overrides: object) -> None:
        if stores is not None:
            if config is not None or overrides:
                raise TypeError("pass either stores=[...] or one store's EmulatorConfig / keyword knobs")
            if not stores:
                raise ValueError("stores must name at least one EmulatorConfig")
            configs = list(stores)
        elif config is None:
            configs = [EmulatorConfig(**overrides)]  # type: ignore[arg-type]
        elif overrides:
            raise TypeError("pass either an EmulatorConfig or keyword knobs, not both")
        else:
            configs = [config]
        self._address = _one_address(configs)
        self.stores: dict[str, ServedStore] = _by_hash(configs)
        self._first = next(iter(self.stores.values()))
        self._log = RequestLog()
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = EmulatorServer(self._address, self.stores, self._log)
        for served in self.stores.values():
            served.store.base_url = self.api_url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"bc-emulator:{self.port}", daemon=True)
        self._thread.start()
        for served in self.stores.values():
            served.start_writer()
        return self

    def stop(self) -> None:
        for served in self.stores.values():
            served.stop_writer()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._server, self._thread = None, None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the server ------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    @property
    def request_log(self) -> list[RequestLogEntry]:
        """Every request served, to any store (the path names the store)."""
        return self._log.entries()

    def clear_request_log(self) -> None:
        self._log.clear()

    @property
    def _request_log_sink(self) -> RequestLog:
        return self._log

    # -- the first store (the whole emulator when it serves one) ------------------------------------------
    @property
    def config(self) -> EmulatorConfig:
        return self._first.config

    @property
    def store(self) -> Store:
        return self._first.store

    @property
    def limiter(self) -> RateLimiter:
        return self._first.limiter

    @property
    def hooks(self) -> dict[int, dict]:
        return self._first.hooks

    @property
    def store_hash(self) -> str:
        return self._first.store_hash

    @property
    def access_token(self) -> str:
        return self._first.access_token

    def add_token(self, token: str, scopes: list[str] | tuple[str, ...]) -> None:
        """Accept another token (for the first store) that holds only `scopes`."""
        self._first.add_token(token, scopes)

    def revoke_token(self, token: str) -> None:
        """Stop accepting `token` for the first store: 401 from then on."""
        self._first.revoke_token(token)

    def scopes_for(self, token: str) -> frozenset[str] | None:
        return self._first.scopes_for(token)

    def emit_webhooks_to(self, path: Path | str | None) -> None:
        """Write one webhook payload file per mutation of the first store into `path` (None stops)."""
        self._first.emit_webhooks_to(path)

    def __repr__(self) -> str:
        where = self.api_url if self._server else "stopped"
        return f"Emulator({where}, store_hash={', '.join(map(repr, self.stores))})"
