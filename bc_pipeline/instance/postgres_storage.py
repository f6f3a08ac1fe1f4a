"""dagster-postgres's storage, with the event log's connection kept open instead of opened per event.

Why: `PostgresEventLogStorage` uses SQLAlchemy's NullPool ("not holding any connections open"), so every event
a run stores opens a new PostgreSQL connection (TCP, SCRAM authentication, session set-up) and closes it. A
sync run stores about 200 events. Measured on a no-op `bc-pipeline sync` of the demo store against
deploy/dagster.yaml's PostgreSQL: 9.0-11.5 s wall and 6.2-7.7 CPU-s with Dagster's class, 4.0-4.3 s and
3.4-3.7 CPU-s with the event log's connections pooled (the SQLite instance: about 3.4 s). The same problem,
and the same remedy, as the local instance's SQLite event log (sqlite_event_log.py).

What changes: the event log's engine keeps one connection per process (`pool_size=1`) and opens at most
`MAX_OVERFLOW` more at once while threads write together (closed again when returned, as before), checks a
kept connection before use (`pool_pre_ping`: a PostgreSQL restart or an idle timeout costs a reconnect, not
an error) and replaces it after `POOL_RECYCLE_S`. The run and schedule storages keep Dagster's NullPool:
they are written a few times per run, and a kept connection each would triple the connections a busy
deployment holds (one per running run worker, daemon and webserver, against PostgreSQL's default of 100).
The webserver's own pooling (`optimize_for_webserver`) still applies. Tables, migrations and every query are
Dagster's.

Configured in deploy/'s instance files as `storage: custom:` (module `bc_pipeline.instance.postgres_storage`,
class `PooledPostgresStorage`) with the same `postgres_db` settings as `storage: postgres:`.
"""

from __future__ import annotations

from typing import Any

from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage, PostgresEventLogStorage
from dagster_postgres.utils import create_pg_engine, get_token_provider_from_config, pg_url_from_config

MAX_OVERFLOW = 8  # connections beyond the kept one, each closed when returned (threads writing at once)
POOL_RECYCLE_S = 3600  # a kept connection is replaced after an hour


def _from_config(config_value: Any) -> dict[str, Any]:
    """The constructor arguments both classes read from a `postgres_db` config, as dagster-postgres does."""
    return {"postgres_url": pg_url_from_config(config_value),
            "should_autocreate_tables": config_value.get("should_autocreate_tables", True),
            "token_provider": get_token_provider_from_config(config_value)}


class PooledPostgresEventLogStorage(PostgresEventLogStorage):
    """PostgresEventLogStorage whose connection stays open between events (see the module docstring)."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True,
                 inst_data: ConfigurableClassData | None = None, token_provider: Any = None) -> None:
        super().__init__(postgres_url, should_autocreate_tables, inst_data=inst_data, token_provider=token_provider)
        null_pool = self._engine
        self._engine = create_pg_engine(
            self.postgres_url, token_provider, isolation_level="AUTOCOMMIT", pool_size=1,
            max_overflow=MAX_OVERFLOW, pool_pre_ping=True, pool_recycle=POOL_RECYCLE_S,
        )
        null_pool.dispose()

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any
                          ) -> PooledPostgresEventLogStorage:
        return cls(inst_data=inst_data, **_from_config(config_value))

    def dispose(self) -> None:
        super().dispose()
        self._engine.dispose()  # the kept connection, closed cleanly


class PooledPostgresStorage(DagsterPostgresStorage):
    """`storage: postgres:` with PooledPostgresEventLogStorage as its event log."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True,
                 inst_data: ConfigurableClassData | None = None, token_provider: Any = None) -> None:
        super().__init__(postgres_url, should_autocreate_tables, inst_data=inst_data, token_provider=token_provider)
        self._event_log_storage.dispose()
        self._event_log_storage = PooledPostgresEventLogStorage(
            postgres_url, should_autocreate_tables=False, token_provider=token_provider)  # tables made above

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> PooledPostgresStorage:
        return cls(inst_data=inst_data, **_from_config(config_value))

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        """How a process rebuilding the instance from its reference makes the event log: pooled too."""
        if not self.inst_data:
            return None
        return ConfigurableClassData(__name__, PooledPostgresEventLogStorage.__name__, self.inst_data.config_yaml)
