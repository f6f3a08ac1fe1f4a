"""The mapping file as pydantic models: the structure and the rules that need no warehouse (identifiers,
the type allow-list, the shape of sources and defaults). Rules that need the raw schema (does the source
column exist? is every status id mapped?) live in validate.py.

File shape (see default.yaml and docs/mapping.md):

    version: 1
    entities:
      customers:
        keep_unmapped: false | <json column name>
        columns:
          <target>: <source>                       # short form
          <target>: {source: <source>, type: <TYPE>, default: <value>}
    order_statuses:
      canonical: [paid, shipped, ...]            # optional: the allowed canonical names
      by_id: {0: incomplete, ..., 14: partially_refunded}
      by_label: {"Ready to collect": paid}       # the store's custom labels
      unlisted_labels: by_id | unmapped
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bc_pipeline.mapping.errors import hint
from bc_pipeline.mapping.sources import Source, parse_source

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
ENTITIES: tuple[str, ...] = ("customers", "subscribers", "orders", "order_line_items", "products", "variants",
                             "abandoned_carts")
# Casts a mapping line may ask for. Types reach SQL only from this list, never from the file's text.
TYPES: tuple[str, ...] = (
    "VARCHAR",
    "BOOLEAN",
    "INTEGER",
    "BIGINT",
    "DOUBLE",
    "DECIMAL(18,4)",
    "DECIMAL(18,2)",
    "DATE",
    "TIMESTAMPTZ",
    "JSON",
)
# Columns every mapped order carries whatever the file says.
ORDER_STATUS_COLUMNS: tuple[str, ...] = ("status_id", "status", "mapped_status")

Scalar = str | int | float | bool


class ColumnSpec(BaseModel):
    """One target column: where its value comes from, an optional cast and an optional default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    type: str | None = None
    default: Scalar | None = None

    @field_validator("source")
    @classmethod
    def _source_parses(cls, value: str) -> str:
        parse_source(value)  # raises SourceSyntaxError (a ValueError) with the reason
        return value.strip()

    @field_validator("type")
    @classmethod
    def _type_allowed(cls, value: str | None) -> str | None:
        if value is None:
            return None
        normal = re.sub(r"\s+", "", value).upper()
        if normal not in TYPES:
            raise ValueError(f"type {value!r} is not an allowed type{hint(normal, TYPES)}")
        return normal

    @property
    def parsed(self) -> Source:
        return parse_source(self.source)


class EntityMapping(BaseModel):
    """The columns of one mapped table, in file order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, ColumnSpec]
    keep_unmapped: str | Literal[False] = False

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: ({"source": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value

    @field_validator("keep_unmapped", mode="before")
    @classmethod
    def _keep_name(cls, value: object) -> object:
        if value is None:
            return False
        if isinstance(value, str) and not IDENTIFIER.match(value):
            raise ValueError(f"{value!r} is not a plain identifier (^[a-z_][a-z0-9_]*$)")
        return value


class StatusMapping(BaseModel):
    """Order statuses to canonical statuses: by BigCommerce id (all of 0..14) and by the store's labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    canonical: list[str] | None = None
    by_id: dict[int, str]
    by_label: dict[str, str] = Field(default_factory=dict)
    unlisted_labels: Literal["by_id", "unmapped"] = "by_id"

    @field_validator("canonical")
    @classmethod
    def _canonical_identifiers(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:
            if not IDENTIFIER.match(name):
                raise ValueError(f"canonical status {name!r} is not a plain identifier (^[a-z_][a-z0-9_]*$)")
        return value

    @field_validator("by_label")
    @classmethod
    def _labels_not_blank(cls, value: dict[str, str]) -> dict[str, str]:
        for label in value:
            if not str(label).strip():
                raise ValueError("a status label is empty")
        return value


class MappingFile(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    entities: dict[str, EntityMapping]
    order_statuses: StatusMapping | None = None

    @model_validator(mode="after")
    def _statuses_with_orders(self) -> MappingFile:
        if "orders" in self.entities and self.order_statuses is None:
            raise ValueError("entities.orders is mapped but the file has no order_statuses section")
        return self
