"""Settings: every BC_* variable in one pydantic model, validated once per process, each default and meaning
written once (the Field below; docs/configuration.md is generated from this class and a test keeps it so).

`load_settings()` reads the environment (and the CLI's `.env`, loaded into it first) when a process needs
the settings: the CLI once per command, the code location when its definitions load, a run worker when its
resources start. Nothing here runs at import time. Every bad variable is one message naming it and saying
what is wrong; a value that could be a secret is never repeated.

Plain pydantic rather than pydantic-settings: the model validates any mapping (tests pass their own, the
stores file's store is built on top of it) with the store's today as validation context, and the CLI has
already loaded `.env`. The access token is a `SecretStr` (masked in repr and str); Dagster resources never
take it from here: they read the variable a store's `token_env` names, in the run worker.

Per-store settings are `bc_pipeline.stores.Store`: the entries of BC_STORES_FILE, or the one store these
settings describe (BC_STORE_HASH, BC_ACCESS_TOKEN, ...).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

DEFAULT_API_URL = "https://api.bigcommerce.com"
DEFAULT_SYNC_CRON = "*/5 * * * *"
WEBHOOK_MAX_BYTES = 1024 * 1024
WEBHOOK_SECRET_HEADER = "X-BC-Webhook-Secret"
# The embedded demo store (cli/environment.py starts an emulator with this hash when no credentials are set),
# so settings without credentials name the demo's store label and file.
DEMO_STORE_HASH = "emustore42"
_API_PATH = re.compile(r"^(?P<base>https?://[^/]+)/stores/(?P<hash>[A-Za-z0-9]+)(/v[23]/?)?/?$")
_STORE_HASH = re.compile(r"^[A-Za-z0-9]{1,64}$")
_BASE_URL = re.compile(r"^https?://[^\s/]+(:\d+)?/?$")
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?LW#]+$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
API_PATH_EXPECTED = "an API PATH like https://api.bigcommerce.com/stores/abc123/v3/"
STORE_HASH_EXPECTED = "a store hash (letters and digits, e.g. abc123)"
MAX_QUOTA_RESERVE_PERCENT = 90  # a reserve above this would leave a sync almost nothing


def store_label(store_hash: str) -> str:
    """A store's label: its name in file names (`data/{label}.duckdb`) and Dagster partitions. For a single
    store it is the hash in lower case (a hash is letters and digits, so the label matches `[a-z0-9_]+`)."""
    return store_hash.lower()


def parse_api_path(api_path: str) -> tuple[str, str] | None:
    """(base URL, store hash) of an API PATH such as https://api.bigcommerce.com/stores/abc123/v3/, else None."""
    match = _API_PATH.match(api_path.strip())
    return (match["base"], match["hash"]) if match else None


def is_store_hash(value: str) -> bool:
    return bool(_STORE_HASH.match(value))


def check_store_hash(value: str) -> str:
    if not is_store_hash(value):
        raise ValueError(f"is not {STORE_HASH_EXPECTED}")
    return value


def check_api_path(value: str) -> str:
    if parse_api_path(value) is None:
        raise ValueError(f"is not {API_PATH_EXPECTED}")
    return value


def check_base_url(value: str) -> str:
    if not _BASE_URL.match(value):
        raise ValueError("is not a base URL like https://api.bigcommerce.com")
    return value.rstrip("/")


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not an IANA timezone (e.g. UTC, America/Chicago)") from None
    return value


def check_quota_reserve(value: object) -> int:
    """A share of each rate-limit window, in percent, left to the store's other apps."""
    return _whole(value, 0, MAX_QUOTA_RESERVE_PERCENT,
                  f"a whole number of percent from 0 to {MAX_QUOTA_RESERVE_PERCENT}")


# The rules a store's address and clock follow, in the BC_* settings and in each entry of the stores file.
STORE_RULES = {"store_hash": check_store_hash, "api_path": check_api_path, "api_url": check_base_url,
               "timezone": check_timezone}


class ConfigError(ValueError):
    """One or more BC_* variables are invalid; the message names each and what is wrong."""


def _setting(default: Any, variable: str, description: str) -> Any:
    return Field(default, alias=variable, description=description)


def _whole(value: object, low: int, high: int, what: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{text!r} is not {what}")
    return int(text)


class Settings(BaseModel):
    """Every BC_* variable. Field order is the order of docs/configuration.md."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    # The store (or, with BC_STORES_FILE, the stores)
    stores_file: Path | None = _setting(None, "BC_STORES_FILE", "A YAML file listing the stores to sync (README "
                                        "\"Production and many stores\"); unset: the one store below.")
    store_hash: str | None = _setting(None, "BC_STORE_HASH", "The store hash (the `abc123` of "
                                      "`/stores/abc123/v3/`). Unset with the token: the embedded demo store.")
    api_path: str | None = _setting(None, "BC_API_PATH", "The API PATH the control panel shows; gives the hash "
                                    "and, unless BC_API_URL is set, the base URL.")
    access_token: SecretStr | None = _setting(None, "BC_ACCESS_TOKEN", "The API account's access token (read "
                                              "by runs from the environment, never stored or logged).")
    api_url: str = _setting(DEFAULT_API_URL, "BC_API_URL", "The API's base URL (an emulator's for tests).")
    start_date: date = _setting(date(2020, 1, 1), "BC_START_DATE", "Bulk-sync start: records modified before "
                                "it are not synced.")
    timezone: str = _setting("UTC", "BC_TIMEZONE", "The store's timezone: day boundaries of `--from`/`--to`. "
                             "Instants are stored in UTC.")
    duckdb_path: Path = _setting(None, "BC_DUCKDB_PATH", "The DuckDB file (the label is the store hash in "
                                        "lower case, so each store has its own file).")
    mapping_file: Path | None = _setting(None, "BC_MAPPING_FILE", "The field and order-status mapping file; "
                                         "unset: the shipped default.")
    quota_reserve_percent: int = _setting(0, "BC_QUOTA_RESERVE_PERCENT", "The share of each API rate-limit "
                                          "window (percent, 0 to 90) a sync leaves to the store's other apps "
                                          "(they share its quota); 0: each window is used whole.")
    # Schedules and syncs
    sync_cron: str = _setting(DEFAULT_SYNC_CRON, "BC_SYNC_CRON", "The incremental schedule (one run per store "
                              "per tick).")
    schedule_running: bool = _setting(False, "BC_SCHEDULE_RUNNING", "Whether the schedule starts on (else turn "
                                      "it on in the UI).")
    reconcile_running: bool = _setting(True, "BC_RECONCILE_RUNNING", "Whether the daily delete reconciliation "
                                       "starts on.")
    lookback_minutes: int = _setting(10, "BC_LOOKBACK_MINUTES", "Incremental overlap (minutes, up to 1440) "
                                     "that absorbs clock skew and late commits.")
    checkpoint_records: int = _setting(100_000, "BC_CHECKPOINT_RECORDS", "A long window is cut into time "
                                       "chunks of about this many records, each committed with a checkpoint.")
    changes_retention_days: int = _setting(30, "BC_CHANGES_RETENTION_DAYS", "Days the change feed "
                                           "(`bigcommerce._changes`) keeps its rows (1 to 3650).")
    sync_parallel: int = _setting(4, "BC_SYNC_PARALLEL", "How many stores `bc-pipeline sync` syncs at once "
                                  "(one process each; 1 to 64).")
    # Webhooks
    webhook_dir: Path = _setting(Path("data/webhooks"), "BC_WEBHOOK_DIR", "Where webhook payload files land "
                                 "(`inbox/`, `processed/`, `quarantine/`; with a stores file, per store in `<label>/`).")
    webhook_secret: SecretStr | None = _setting(None, "BC_WEBHOOK_SECRET", "The shared secret the receiver "
                                                "requires (16+ characters) and `webhooks register` sends.")
    webhook_secret_header: str = _setting(WEBHOOK_SECRET_HEADER, "BC_WEBHOOK_SECRET_HEADER", "The header that "
                                          "carries the secret.")
    webhook_max_bytes: int = _setting(WEBHOOK_MAX_BYTES, "BC_WEBHOOK_MAX_BYTES", "The largest payload / inbox "
                                      "file accepted, in bytes.")
    webhook_batch_files: int = _setting(200, "BC_WEBHOOK_BATCH_FILES", "The most files one webhook run applies.")
    webhook_sensor_running: bool = _setting(True, "BC_WEBHOOK_SENSOR_RUNNING", "Whether the inbox sensor "
                                            "starts on.")
    # The shared analytical layer
    lake_catalog_uri: str = _setting("sqlite:///data/lake/catalog.db", "BC_LAKE_CATALOG_URI", "The Iceberg SQL "
                                     "catalog (a PostgreSQL URL in production).")
    lake_warehouse: str = _setting("data/lake/warehouse", "BC_LAKE_WAREHOUSE", "Where the Iceberg data files go "
                                   "(a folder, `s3://...` or `gs://...`).")
    lake_publish: bool | None = _setting(None, "BC_LAKE_PUBLISH", "Publish each store's changed rows to the "
                                         "shared layer after its sync; unset: on when BC_STORES_FILE is set.")

    # ---- field rules (messages name the variable: see _messages)
    @field_validator("store_hash", "api_path", "api_url", "timezone")
    @classmethod
    def _store_rules(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        try:
            return STORE_RULES[info.field_name](value)
        except ValueError as exc:
            raise ValueError(f"{value!r} {exc}") from None

    @field_validator("start_date", mode="before")
    @classmethod
    def _start_date(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD, e.g. 2023-01-01)") from None
        return value

    @field_validator("duckdb_path")
    @classmethod
    def _duckdb_path(cls, value: Path) -> Path:
        if value.is_dir():
            raise ValueError(f"{str(value)!r} is a directory, not a database file")
        blocked = next((p for p in value.parents if p.exists() and not p.is_dir()), None)
        if blocked is not None:
            raise ValueError(f"{str(value)!r} cannot be created: {str(blocked)!r} is a file")
        return value

    @field_validator("mapping_file", "stores_file")
    @classmethod
    def _existing_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{str(value)!r} does not exist")
        return value

    @field_validator("sync_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            raise ValueError(f"{value!r} is not a 5-field cron expression (e.g. */5 * * * *)")
        return value

    @field_validator("schedule_running", "reconcile_running", "webhook_sensor_running", "lake_publish", mode="before")
    @classmethod
    def _flag(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lower() not in _FLAGS:
                raise ValueError(f"{value!r} is not true or false")
            return _FLAGS[value.lower()]
        return value

    @field_validator("lookback_minutes", mode="before")
    @classmethod
    def _lookback(cls, value: object) -> int:
        return _whole(value, 0, 24 * 60, "a whole number of minutes up to 1440")

    @field_validator("changes_retention_days", mode="before")
    @classmethod
    def _retention(cls, value: object) -> int:
        return _whole(value, 1, 3650, "a whole number of days from 1 to 3650")

    @field_validator("quota_reserve_percent", mode="before")
    @classmethod
    def _quota_reserve(cls, value: object) -> int:
        return check_quota_reserve(value)

    @field_validator("sync_parallel", mode="before")
    @classmethod
    def _parallel(cls, value: object) -> int:
        return _whole(value, 1, 64, "a whole number of stores from 1 to 64")

    @field_validator("checkpoint_records", "webhook_max_bytes", "webhook_batch_files", mode="before")
    @classmethod
    def _positive(cls, value: object) -> int:
        return _whole(value, 1, 10**12, "a positive whole number")

    @field_validator("webhook_secret_header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not _HEADER_NAME.match(value):
            raise ValueError(f"{value!r} is not an HTTP header name (letters, digits, -)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("is shorter than 16 characters; use a long random value")
        return value

    # ---- rules across variables
    @model_validator(mode="before")
    @classmethod
    def _derived(cls, data: object) -> object:
        """BC_API_PATH gives the store hash and (unless BC_API_URL is set) the base URL; the store hash gives
        the default DuckDB file (an invalid hash is reported by its own rule: the default is then the demo's)."""
        if not isinstance(data, dict):
            return data
        data = {Settings.model_fields[k].alias if k in Settings.model_fields else k: v for k, v in data.items()}
        path = data.get("BC_API_PATH")
        parsed = parse_api_path(path) if isinstance(path, str) else None
        if parsed is not None:
            base, path_hash = parsed
            given = data.get("BC_STORE_HASH")
            if given and given != path_hash:
                raise ValueError(f"BC_API_PATH: its store hash {path_hash!r} differs from BC_STORE_HASH {given!r}")
            data.setdefault("BC_STORE_HASH", path_hash)
            data.setdefault("BC_API_URL", base)
        hash_ = data.get("BC_STORE_HASH")
        label = store_label(hash_ if isinstance(hash_, str) and is_store_hash(hash_) else DEMO_STORE_HASH)
        data.setdefault("BC_DUCKDB_PATH", f"data/{label}.duckdb")
        return data

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Settings:
        if bool(self.access_token) != bool(self.store_hash):
            missing = "BC_ACCESS_TOKEN" if self.store_hash else "BC_STORE_HASH (or BC_API_PATH)"
            raise ValueError(f"{missing}: is not set, but the other store credential is; set both or neither")
        # The store's today, not the server's: in a timezone ahead of the server the store's today is tomorrow.
        today = (info.context or {}).get("today") or datetime.now(self.tz).date()
        if self.start_date > today:
            raise ValueError(f"BC_START_DATE: {self.start_date.isoformat()} is in the future; nothing could be synced")
        return self

    # ---- derived
    @property
    def has_store_credentials(self) -> bool:
        return bool(self.store_hash and self.access_token)

    @property
    def store_label(self) -> str:
        """The configured store's label, or the embedded demo store's when no credentials are set."""
        return store_label(self.store_hash or DEMO_STORE_HASH)

    @property
    def publishes_to_lake(self) -> bool:
        return self.stores_file is not None if self.lake_publish is None else self.lake_publish

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def start_datetime(self) -> datetime:
        """The bulk-sync start: midnight of BC_START_DATE in the store's timezone."""
        return datetime.combine(self.start_date, datetime.min.time(), tzinfo=self.tz)


VARIABLES = {field.alias: name for name, field in Settings.model_fields.items()}


def _messages(exc: ValidationError) -> str:
    """One `BC_X: what is wrong` per error (never the input of a failed rule: it could be a secret)."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        variable = str(error["loc"][0]) if error["loc"] else ""
        lines.append(f"{variable}: {message}" if variable else message)
    return "; ".join(lines)


def load_settings(env: Mapping[str, str] | None = None, *, today: date | None = None) -> Settings:
    """Read and validate the BC_* variables of `env` (default: the environment). Raises ConfigError naming
    every bad variable."""
    env = os.environ if env is None else env
    given = {name: value.strip() for name, value in env.items() if name in VARIABLES and value and value.strip()}
    try:
        return Settings.model_validate(given, context={"today": today})
    except ValidationError as exc:
        raise ConfigError(_messages(exc)) from None
