"""The consent columns every mapped abandoned cart carries: `consents` (the newsletter subscriber's, matched
on e-mail, case-insensitive; the most recently modified subscriber when several match) and
`abandoned_cart_consent` (true when `abandoned_cart` is among them), so a marketer can select only the
shoppers who agreed to abandoned-cart e-mails. A cart whose shopper is no subscriber has NULL consents and
no consent (false)."""

from __future__ import annotations

from bc_pipeline.mapping.raw_schema import RAW_SCHEMA

CART_CONSENT_COLUMNS: tuple[str, ...] = ("consents", "abandoned_cart_consent")


def consent_columns(alias: str = "r") -> list[str]:
    consents = (
        f"(SELECT s.consents FROM {RAW_SCHEMA}.subscribers s WHERE s._deleted_at IS NULL "
        f"AND lower(s.email) = lower({alias}.email) ORDER BY s.date_modified DESC NULLS LAST, s.id DESC LIMIT 1)"
    )
    return [
        f"{consents} AS consents",
        f"coalesce(json_contains({consents}, '\"abandoned_cart\"'), false) AS abandoned_cart_consent",
    ]
