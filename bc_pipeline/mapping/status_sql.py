"""The order-status columns every mapped order carries: `status_id`, `status` (the store's label: the
custom label when the merchant set one, else BigCommerce's name) and `mapped_status` (the canonical status,
NULL when the file has no line for it, which the blocking check then reports)."""

from __future__ import annotations

from bc_pipeline.mapping.model import StatusMapping
from bc_pipeline.mapping.statuses import SYSTEM_STATUSES
from bc_pipeline.warehouse.sql_text import literal


def label_expression(columns: dict[str, str], alias: str = "r") -> str:
    """The store's label for an order's status."""
    if "custom_status" in columns:
        return f"COALESCE(NULLIF(TRIM({alias}.custom_status), ''), {alias}.status)"
    return f"{alias}.status"


def status_columns(statuses: StatusMapping, columns: dict[str, str]) -> list[str]:
    label = label_expression(columns)
    by_id = " ".join(f"WHEN {int(k)} THEN {literal(v)}" for k, v in sorted(statuses.by_id.items()))
    by_id_case = f"CASE r.status_id {by_id} END"
    whens = [f"WHEN {label} = {literal(k)} THEN {literal(v)}" for k, v in statuses.by_label.items()]
    if statuses.unlisted_labels == "unmapped":
        system = " ".join(f"WHEN {k} THEN {literal(v)}" for k, v in SYSTEM_STATUSES.items())
        whens.append(
            f"WHEN {label} IS NOT NULL AND {label} IS DISTINCT FROM (CASE r.status_id {system} END) THEN NULL"
        )
    mapped = f"CASE {' '.join(whens)} ELSE {by_id_case} END" if whens else by_id_case
    return [
        "r.status_id AS status_id",
        f"{label} AS status",
        f"{mapped} AS mapped_status",
    ]
