"""The stores file's shape as pydantic models, and `Store`, the resolved store every caller iterates.

File shape (BC_STORES_FILE, see README "Production and many stores"):

    stores:
      - label: acme                      # [a-z0-9_]+, unique: the partition key and the lake's `store` column
        store_hash: abc123               # or api_path: https://api.bigcommerce.com/stores/abc123/v3/
        token_env: ACME_BC_TOKEN         # the NAME of the variable holding the token; never the token
        start_date: 2022-01-01
        timezone: America/Chicago        # optional, default UTC
        api_url: http://127.0.0.1:8765   # optional, default the real API (or the api_path's host)
        duckdb_path: data/stores/acme.duckdb   # optional, this is the default
        mapping_file: acme-mapping.yaml  # optional
        quota_reserve_percent: 20        # optional, default 0: each rate-limit window's share left to others

Validators never echo a value that could be a secret: a token pasted where a variable name belongs is
refused without being repeated. Relative paths are relative to the working directory, like BC_DUCKDB_PATH.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationInfo, field_validator, model_validator

from bc_pipeline.config import DEFAULT_API_URL, STORE_RULES, Settings, check_quota_reserve, parse_api_path

if TYPE_CHECKING:
    from bc_pipeline.bigcommerce.client import BigCommerceClient

LABEL = re.compile(r"^[a-z0-9_]{1,63}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
DEFAULT_DUCKDB_PATH = "data/stores/{label}.duckdb"
# The run tag naming a run's store: the run queue allows one run per value (deploy/dagster.yaml).
STORE_TAG = "bc/store"


@dataclass(frozen=True)
class Store:
    """One store, resolved: what a sync, a schedule or a publish needs. The token is read only on demand."""

    label: str
    store_hash: str
    token_env: str
    api_url: str
    start_date: date
    timezone: str
    duckdb_path: Path
    mapping_file: Path | None = None
    quota_reserve_percent: int = 0  # of each rate-limit window, left to the store's other apps

    def client(self, **options: Any) -> BigCommerceClient:
        """A client for the store's API (the token read now), keeping the store's reserve of its quota."""
        from bc_pipeline.bigcommerce.client import BigCommerceClient

        return BigCommerceClient(self.api_url, self.store_hash, self.access_token().get_secret_value(),
                                 token_env=self.token_env, quota_reserve_percent=self.quota_reserve_percent, **options)

    def access_token(self, env: Mapping[str, str] | None = None) -> SecretStr:
        """The token from the variable `token_env` names (masked in repr and str)."""
        value = (os.environ if env is None else env).get(self.token_env, "").strip()
        if not value:
            raise ValueError(f"store {self.label!r}: the variable {self.token_env} holding its token is not set")
        return SecretStr(value)


class StoreEntry(BaseModel):
    """One `stores:` item as written in the file. Validation context: {"env": mapping, "today": date}."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    store_hash: str | None = None
    api_path: str | None = None
    token_env: str
    start_date: date
    timezone: str = "UTC"
    api_url: str | None = None
    duckdb_path: Path | None = None
    mapping_file: Path | None = None
    quota_reserve_percent: int = 0

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if not LABEL.match(value):
            raise ValueError(f"{value!r} is not a label: lower-case letters, digits and _ only (e.g. acme_eu)")
        return value

    @field_validator("store_hash", "api_path", "api_url", "timezone")
    @classmethod
    def _store_rules(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The rules of config.py (never repeating the value: this file's values are not echoed)."""
        return None if value is None else STORE_RULES[info.field_name](value)

    @field_validator("quota_reserve_percent", mode="before")
    @classmethod
    def _quota_reserve(cls, value: object) -> int:
        return check_quota_reserve(value)

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, value: str, info: ValidationInfo) -> str:
        if not ENV_NAME.match(value):  # never repeat the value: it may be the token itself
            raise ValueError("is not a variable name (letters, digits and _): give the NAME of the variable "
                             "that holds the token, never the token")
        env = (info.context or {}).get("env", os.environ)
        if not str(env.get(value, "")).strip():
            raise ValueError(f"the variable {value} is not set (it must hold this store's access token)")
        return value

    @field_validator("start_date")
    @classmethod
    def _start_date(cls, value: date, info: ValidationInfo) -> date:
        if value > (info.context or {}).get("today", date.today()):
            raise ValueError(f"{value.isoformat()} is in the future; nothing could be synced")
        return value

    @field_validator("mapping_file")
    @classmethod
    def _mapping_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError("does not exist")
        return value

    @model_validator(mode="after")
    def _one_store_address(self) -> StoreEntry:
        if self.store_hash is None and self.api_path is None:
            raise ValueError("store_hash: set store_hash or api_path")
        parsed = parse_api_path(self.api_path) if self.api_path else None
        if parsed and self.store_hash and parsed[1] != self.store_hash:
            raise ValueError("api_path: its store hash differs from store_hash")
        return self

    def to_store(self) -> Store:
        parsed = parse_api_path(self.api_path) if self.api_path else None
        api_url = self.api_url or (parsed[0] if parsed else DEFAULT_API_URL)
        return Store(
            label=self.label,
            store_hash=self.store_hash or parsed[1],
            token_env=self.token_env,
            api_url=api_url.rstrip("/"),
            start_date=self.start_date,
            timezone=self.timezone,
            duckdb_path=self.duckdb_path or Path(DEFAULT_DUCKDB_PATH.format(label=self.label)),
            mapping_file=self.mapping_file,
            quota_reserve_percent=self.quota_reserve_percent,
        )


class StoresFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stores: list[StoreEntry]


def store_from_settings(settings: Settings) -> Store:
    """The single store today's BC_* settings describe (no stores file), so callers can always iterate stores.

    Its label is the store hash in lower case, the partition key the single-store deployment uses."""
    if not settings.has_store_credentials:
        raise ValueError("no store credentials are set (BC_STORE_HASH, BC_ACCESS_TOKEN) and no BC_STORES_FILE")
    return Store(
        label=settings.store_hash.lower(),
        store_hash=settings.store_hash,
        token_env="BC_ACCESS_TOKEN",
        api_url=settings.api_url,
        start_date=settings.start_date,
        timezone=settings.timezone,
        duckdb_path=settings.duckdb_path,
        mapping_file=settings.mapping_file,
        quota_reserve_percent=settings.quota_reserve_percent,
    )
