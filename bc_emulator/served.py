"""ServedStore: one store as the server serves it, apart from every other store on the same server.

Its configuration (faults, latency and shedding are read from it per request, so a test may change them
while serving), its data (Store), its request quota, the tokens it accepts with their scopes, its webhook
subscriptions and its background mutation writer. The server routes `/stores/{hash}/...` to the ServedStore
of that hash; nothing here is shared between stores.
"""

from __future__ import annotations

from pathlib import Path

from bc_emulator.config import EmulatorConfig
from bc_emulator.faults import Trouble
from bc_emulator.ratelimit import RateLimiter
from bc_emulator.scopes import FULL_SCOPES
from bc_emulator.store import Store
from bc_emulator.writer import MutationWriter


class ServedStore:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.store = Store(config)
        self.limiter = RateLimiter(config.quota, config.window_ms)
        self.trouble = Trouble(config.seed)  # shedding and faults, reproducible from the seed (faults.py)
        self._tokens: dict[str, frozenset[str]] = {config.token: FULL_SCOPES}
        for token, scopes in config.extra_tokens.items():
            self._tokens[token] = frozenset(scopes)
        self.hooks: dict[int, dict] = {}  # webhook subscriptions by id (routes_misc.py)
        self._writer: MutationWriter | None = None

    @property
    def store_hash(self) -> str:
        return self.store.store_hash

    @property
    def access_token(self) -> str:
        return self.config.token

    # -- tokens -----------------------------------------------------------------------------------------
    def add_token(self, token: str, scopes: list[str] | tuple[str, ...]) -> None:
        """Accept another token that holds only `scopes` (e.g. ["store_v2_orders_read_only"])."""
        self._tokens[token] = frozenset(scopes)

    def revoke_token(self, token: str) -> None:
        """Stop accepting `token` (as a store owner revoking an API account does): 401 from then on."""
        self._tokens.pop(token, None)

    def scopes_for(self, token: str) -> frozenset[str] | None:
        return self._tokens.get(token) if token else None

    # -- webhooks and the background writer -------------------------------------------------------------
    def emit_webhooks_to(self, path: Path | str | None) -> None:
        """Write one webhook payload file per mutation into `path` (None stops emitting)."""
        self.store.webhook_dir = Path(path) if path is not None else None

    def start_writer(self) -> None:
        if self.config.mutation_rate > 0 and self._writer is None:
            self._writer = MutationWriter(self.store, self.config.mutation_rate, self.config.seed)
            self._writer.start()

    def stop_writer(self) -> None:
        if self._writer is not None:
            self._writer.stop()
            self._writer = None

    def __repr__(self) -> str:
        return f"ServedStore(store_hash={self.store_hash!r})"
