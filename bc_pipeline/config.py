"""Settings from the environment (and a `.env` file): every BC_* variable, validated once, with one
message per bad variable that names it and says what is wrong.

The access token is a `SecretStr`: its repr and str are masked, so it cannot leak through a log line or an
exception message by accident. Dagster resources take it through `EnvVar("BC_ACCESS_TOKEN")` instead, so the
UI only ever shows the variable's name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, SecretStr

DEFAULT_API_URL = "https://api.bigcommerce.com"
DEFAULT_START_DATE = date(2020, 1, 1)
DEFAULT_SYNC_CRON = "*/5 * * * *"
_API_PATH = re.compile(r"^(?P<base>https?://[^/]+)/stores/(?P<hash>[A-Za-z0-9]+)(/v[23]/?)?/?$")
_STORE_HASH = re.compile(r"^[A-Za-z0-9]{1,64}$")
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?LW#]+$")


class ConfigError(ValueError):
    """One or more BC_* variables are invalid; the message names each and what is wrong."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    store_hash: str | None
    access_token: SecretStr | None
    client_id: str | None
    api_url: str
    start_date: date
    timezone: str
    duckdb_path: Path
    webhook_dir: Path
    sync_cron: str
    schedule_running: bool
    mapping_file: Path | None
    lookback_minutes: int

    @property
    def has_store_credentials(self) -> bool:
        return bool(self.store_hash and self.access_token)

    @property
    def store_label(self) -> str:
        """The store's name in the warehouse and in Dagster (its partition key): the hash, lower-cased."""
        return (self.store_hash or "").lower()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def start_datetime(self) -> datetime:
        """The bulk-sync start: midnight of BC_START_DATE in the store's timezone."""
        return datetime.combine(self.start_date, datetime.min.time(), tzinfo=self.tz)


def _read(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value.strip() if value is not None and value.strip() else None


def load_settings(env: Mapping[str, str] | None = None, *, today: date | None = None) -> Settings:
    """Read and validate BC_* variables. Raises ConfigError naming every bad variable at once."""
    env = os.environ if env is None else env
    errors: list[str] = []

    api_url = _read(env, "BC_API_URL") or DEFAULT_API_URL
    store_hash = _read(env, "BC_STORE_HASH")
    api_path = _read(env, "BC_API_PATH")
    if api_path:
        match = _API_PATH.match(api_path)
        if not match:
            errors.append(
                f"BC_API_PATH: {api_path!r} is not an API PATH like https://api.bigcommerce.com/stores/abc123/v3/"
            )
        else:
            if store_hash and store_hash != match["hash"]:
                errors.append(f"BC_API_PATH: its store hash {match['hash']!r} differs from BC_STORE_HASH {store_hash!r}")
            store_hash = store_hash or match["hash"]
            if not _read(env, "BC_API_URL"):
                api_url = match["base"]
    if store_hash and not _STORE_HASH.match(store_hash):
        errors.append(f"BC_STORE_HASH: {store_hash!r} is not a store hash (letters and digits, e.g. abc123)")
    if not re.match(r"^https?://[^\s/]+(:\d+)?/?$", api_url):
        errors.append(f"BC_API_URL: {api_url!r} is not a base URL like https://api.bigcommerce.com")

    token = _read(env, "BC_ACCESS_TOKEN")
    if bool(token) != bool(store_hash):
        missing = "BC_ACCESS_TOKEN" if store_hash else "BC_STORE_HASH (or BC_API_PATH)"
        errors.append(f"{missing}: is not set, but the other store credential is; set both or neither")

    start_date = DEFAULT_START_DATE
    raw_start = _read(env, "BC_START_DATE")
    if raw_start:
        try:
            start_date = date.fromisoformat(raw_start)
        except ValueError:
            errors.append(f"BC_START_DATE: {raw_start!r} is not a date (expected YYYY-MM-DD, e.g. 2023-01-01)")
    if start_date > (today or date.today()):
        errors.append(f"BC_START_DATE: {start_date.isoformat()} is in the future; nothing could be synced")

    timezone = _read(env, "BC_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"BC_TIMEZONE: {timezone!r} is not an IANA timezone (e.g. UTC, America/Chicago)")

    duckdb_path = Path(_read(env, "BC_DUCKDB_PATH") or "data/bigcommerce.duckdb")
    if duckdb_path.exists() and duckdb_path.is_dir():
        errors.append(f"BC_DUCKDB_PATH: {str(duckdb_path)!r} is a directory, not a database file")
    else:
        blocked = next((p for p in duckdb_path.parents if p.exists() and not p.is_dir()), None)
        if blocked is not None:
            errors.append(f"BC_DUCKDB_PATH: {str(duckdb_path)!r} cannot be created: {str(blocked)!r} is a file")

    sync_cron = _read(env, "BC_SYNC_CRON") or DEFAULT_SYNC_CRON
    fields = sync_cron.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        errors.append(f"BC_SYNC_CRON: {sync_cron!r} is not a 5-field cron expression (e.g. */5 * * * *)")

    running = (_read(env, "BC_SCHEDULE_RUNNING") or "false").lower()
    if running not in {"true", "false", "1", "0", "yes", "no"}:
        errors.append(f"BC_SCHEDULE_RUNNING: {running!r} is not true or false")

    lookback = _read(env, "BC_LOOKBACK_MINUTES") or "10"
    if not lookback.isdigit() or int(lookback) > 24 * 60:
        errors.append(f"BC_LOOKBACK_MINUTES: {lookback!r} is not a whole number of minutes up to 1440")

    mapping_file = _read(env, "BC_MAPPING_FILE")
    if mapping_file and not Path(mapping_file).is_file():
        errors.append(f"BC_MAPPING_FILE: {mapping_file!r} does not exist")

    if errors:
        raise ConfigError("; ".join(errors))
    return Settings(
        store_hash=store_hash,
        access_token=SecretStr(token) if token else None,
        client_id=_read(env, "BC_CLIENT_ID"),
        api_url=api_url.rstrip("/"),
        start_date=start_date,
        timezone=timezone,
        duckdb_path=duckdb_path,
        webhook_dir=Path(_read(env, "BC_WEBHOOK_DIR") or "data/webhooks"),
        sync_cron=sync_cron,
        schedule_running=running in {"true", "1", "yes"},
        mapping_file=Path(mapping_file) if mapping_file else None,
        lookback_minutes=int(lookback),
    )
