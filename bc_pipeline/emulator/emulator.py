"""Emulator: a local BigCommerce store served over HTTP on 127.0.0.1, startable in-process with a clean stop.

    with Emulator(EmulatorConfig(customers=50, orders=100)) as emu:
        requests.get(f"{emu.api_url}/stores/{emu.store_hash}/v2/orders",
                     headers={"X-Auth-Token": emu.access_token, "Accept": "application/json"})
"""

from __future__ import annotations

import threading
from pathlib import Path

from bc_pipeline.emulator.config import EmulatorConfig
from bc_pipeline.emulator.ratelimit import RateLimiter
from bc_pipeline.emulator.request_log import RequestLog, RequestLogEntry
from bc_pipeline.emulator.routes import ALL_SCOPES
from bc_pipeline.emulator.server import EmulatorServer
from bc_pipeline.emulator.store import Store

FULL_SCOPES = frozenset(s.removesuffix("_read_only") for s in ALL_SCOPES) | frozenset(ALL_SCOPES)


class Emulator:
    def __init__(self, config: EmulatorConfig | None = None, **overrides: object) -> None:
        if config is None:
            config = EmulatorConfig(**overrides)  # type: ignore[arg-type]
        elif overrides:
            raise TypeError("pass either an EmulatorConfig or keyword knobs, not both")
        self.config = config
        self.store = Store(config)
        self.limiter = RateLimiter(config.quota, config.window_ms)
        self._log = RequestLog()
        self._tokens: dict[str, frozenset[str]] = {config.token: FULL_SCOPES}
        for token, scopes in config.extra_tokens.items():
            self._tokens[token] = frozenset(scopes)
        self.hooks: dict[int, dict] = {}
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None
        self._writer = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = EmulatorServer((self.config.host, self.config.port), self)
        self.store.base_url = self.api_url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"bc-emulator:{self.port}", daemon=True)
        self._thread.start()
        if self.config.mutation_rate > 0:
            from bc_pipeline.emulator.writer import MutationWriter
            self._writer = MutationWriter(self.store, self.config.mutation_rate, self.config.seed)
            self._writer.start()
        return self

    def stop(self) -> None:
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
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

    # -- addresses and credentials -------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    @property
    def store_hash(self) -> str:
        return self.store.store_hash

    @property
    def access_token(self) -> str:
        return self.config.token

    def add_token(self, token: str, scopes: list[str] | tuple[str, ...]) -> None:
        """Accept another token that holds only `scopes` (e.g. ["store_v2_orders_read_only"])."""
        self._tokens[token] = frozenset(scopes)

    def revoke_token(self, token: str) -> None:
        """Stop accepting `token` (as a store owner revoking an API account does): 401 from then on."""
        self._tokens.pop(token, None)

    def scopes_for(self, token: str) -> frozenset[str] | None:
        return self._tokens.get(token) if token else None

    # -- request log and webhooks --------------------------------------------------------------------
    @property
    def request_log(self) -> list[RequestLogEntry]:
        return self._log.entries()

    def clear_request_log(self) -> None:
        self._log.clear()

    @property
    def _request_log_sink(self) -> RequestLog:
        return self._log

    def emit_webhooks_to(self, path: Path | str | None) -> None:
        """Write one webhook payload file per mutation into `path` (None stops emitting)."""
        self.store.webhook_dir = Path(path) if path is not None else None

    def __repr__(self) -> str:
        where = self.api_url if self._server else "stopped"
        return f"Emulator({where}, store_hash={self.store_hash!r})"
