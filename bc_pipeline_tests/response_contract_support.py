"""What the response-contract tests share: the sample of requests, how a body is checked against the
project's contract (fixtures/response_contract/) and, when BC_OPENAPI_EXTRACTS names a folder of extracts
made by fixtures/openapi/extract.py, against the official OpenAPI files, with the deliberate differences.

The extracts are made from bigcommerce/docs, which carries no licence: they are never committed, so the
official checks run only on a machine that made them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from bc_pipeline_tests.fixtures.response_contract import schema_for

ORDER_INCLUDES = {"include": "consignments.line_items", "consignment_structure": "object"}
CUSTOMER_INCLUDES = {"include": "addresses,attributes,formfields,storecredit"}
PRODUCT_INCLUDES = {"include": "variants,custom_fields,images,options"}
CART_INCLUDES = {"include": "line_items.physical_items.options,line_items.digital_items.options"}

# (contract endpoint, emulator path, query). {hook} and {cart} are filled in with what the test created.
# Orders 11, 13, 14 and 15 of the seed-42 store hold shipping, pickup, download and gift-certificate
# consignments; order 2 has a coupon.
SAMPLES = [
    ("/v3/customers", "/v3/customers", {"limit": 50, **CUSTOMER_INCLUDES}),
    ("/v3/customers", "/v3/customers", {"limit": 5}),
    ("/v3/customers/addresses", "/v3/customers/addresses", {"limit": 100, "include": "formfields"}),
    ("/v3/customers/addresses", "/v3/customers/addresses", {"limit": 10}),
    ("/v3/customers/attribute-values", "/v3/customers/attribute-values", {"limit": 100}),
    ("/v3/customers/attributes", "/v3/customers/attributes", {}),
    ("/v3/customers/subscribers", "/v3/customers/subscribers", {"limit": 100}),
    ("/v2/customers", "/v2/customers", {"limit": 50}),
    ("/v2/customers/{id}", "/v2/customers/3", {}),
    ("/v2/customers/{id}/addresses", "/v2/customers/3/addresses", {}),
    ("/v2/customers/{id}/addresses/{id}", "/v2/customers/3/addresses/301", {}),
    ("/v2/customers/{id}/addresses/count", "/v2/customers/3/addresses/count", {}),
    ("/v2/customers/count", "/v2/customers/count", {}),
    ("/v2/orders", "/v2/orders", {"limit": 250, **ORDER_INCLUDES}),
    ("/v2/orders", "/v2/orders", {"limit": 50}),
    ("/v2/orders/{id}", "/v2/orders/11", ORDER_INCLUDES),
    ("/v2/orders/{id}", "/v2/orders/13", ORDER_INCLUDES),
    ("/v2/orders/{id}", "/v2/orders/14", ORDER_INCLUDES),
    ("/v2/orders/{id}", "/v2/orders/15", ORDER_INCLUDES),
    ("/v2/orders/{id}/products", "/v2/orders/7/products", {"limit": 250}),
    ("/v2/orders/{id}/products", "/v2/orders/14/products", {"limit": 250}),
    ("/v2/orders/{id}/shipping_addresses", "/v2/orders/11/shipping_addresses", {}),
    ("/v2/orders/{id}/coupons", "/v2/orders/2/coupons", {}),
    ("/v2/order_statuses", "/v2/order_statuses", {}),
    ("/v2/order_statuses/{id}", "/v2/order_statuses/11", {}),
    ("/v2/orders/count", "/v2/orders/count", {}),
    ("/v3/catalog/products", "/v3/catalog/products", {"limit": 10, **PRODUCT_INCLUDES}),
    ("/v3/catalog/products", "/v3/catalog/products", {"limit": 50}),
    ("/v3/catalog/products/{id}", "/v3/catalog/products/1", PRODUCT_INCLUDES),
    ("/v3/catalog/products/{id}/variants", "/v3/catalog/products/1/variants", {}),
    ("/v3/catalog/variants", "/v3/catalog/variants", {"limit": 100}),
    ("/v3/catalog/categories", "/v3/catalog/categories", {}),
    ("/v3/catalog/brands", "/v3/catalog/brands", {}),
    ("/v2/time", "/v2/time", {}),
    ("/v2/store", "/v2/store", {}),
    ("/v3/hooks", "/v3/hooks", {}),
    ("/v3/hooks/{id}", "/v3/hooks/{hook}", {}),
    ("/v3/carts/{id}", "/v3/carts/{cart}", {}),
    ("/v3/carts/{id}", "/v3/carts/{cart}", CART_INCLUDES),
]

# contract endpoint -> (official extract, path in the official file)
OFFICIAL = {
    "/v3/customers": ("customers.v3", "/customers"),
    "/v3/customers/addresses": ("customers.v3", "/customers/addresses"),
    "/v3/customers/attribute-values": ("customers.v3", "/customers/attribute-values"),
    "/v3/customers/attributes": ("customers.v3", "/customers/attributes"),
    "/v3/customers/subscribers": ("subscribers.v3", "/customers/subscribers"),
    "/v2/customers": ("customers.v2", "/customers"),
    "/v2/customers/{id}": ("customers.v2", "/customers/{customer_id}"),
    "/v2/customers/{id}/addresses": ("customers.v2", "/customers/{customer_id}/addresses"),
    "/v2/customers/{id}/addresses/{id}": ("customers.v2", "/customers/{customer_id}/addresses/{customer_address_id}"),
    "/v2/customers/{id}/addresses/count": ("customers.v2", "/customers/{customer_id}/addresses/count"),
    "/v2/customers/count": ("customers.v2", "/customers/count"),
    "/v2/orders": ("orders.v2.oas2", "/orders"),
    "/v2/orders/{id}": ("orders.v2.oas2", "/orders/{order_id}"),
    "/v2/orders/{id}/products": ("orders.v2.oas2", "/orders/{order_id}/products"),
    "/v2/orders/{id}/shipping_addresses": ("orders.v2.oas2", "/orders/{order_id}/shipping_addresses"),
    "/v2/orders/{id}/coupons": ("orders.v2.oas2", "/orders/{order_id}/coupons"),
    "/v2/order_statuses": ("orders.v2.oas2", "/order_statuses"),
    "/v2/order_statuses/{id}": ("orders.v2.oas2", "/order_statuses/{status_id}"),
    "/v2/orders/count": ("orders.v2.oas2", "/orders/count"),
    "/v3/catalog/products": ("products_catalog.v3", "/catalog/products"),
    "/v3/catalog/products/{id}": ("products_catalog.v3", "/catalog/products/{product_id}"),
    "/v3/catalog/products/{id}/variants": ("product-variants_catalog.v3", "/catalog/products/{product_id}/variants"),
    "/v3/catalog/variants": ("product-variants_catalog.v3", "/catalog/variants"),
    "/v3/catalog/categories": ("categories_catalog.v3", "/catalog/categories"),
    "/v3/catalog/brands": ("brands_catalog.v3", "/catalog/brands"),
    "/v2/time": ("store_information.v2", "/time"),
    "/v2/store": ("store_information.v2", "/store"),
    "/v3/hooks": ("webhooks.v3", "/hooks"),
    "/v3/hooks/{id}": ("webhooks.v3", "/hooks/{webhook_id}"),
    "/v3/carts/{id}": ("carts.v3", "/carts/{cartId}"),
}

_NULLABLE_INT = {"type": ["integer", "null"]}
_INHERITED = (None, "null when the variant inherits the product's value: the file's per-product variant schema "
                    "says so, its batch listing schema does not")
_BATCH_SCHEMA = (None, "typed as in the file's per-product variant schema; its batch listing schema differs "
                       "or omits the field")
# Where the contract (and the emulator) knowingly differ from the official files: extract -> field -> (the
# schema the official validation uses instead, or None to keep the file's; the reason). A field is a property
# name, or the end of a path (`form_fields[].address_id`). The cross-check accepts a disagreement on exactly
# these fields. Also in docs/emulator.md.
DIFFERENCES: dict[str, dict[str, tuple[dict | None, str]]] = {
    "products_catalog.v3": {
        "base_variant_id": (_NULLABLE_INT, "null for a product with several variants (the file's own prose)"),
        "option_set_id": (_NULLABLE_INT, "null for a product without an option set, as stores answer"),
        "variants": (None, "served with include=variants (the file's examples show it; its schema omits it)"),
        "options[].id": (None, "an option that exists has an id; the file shares the schema with requests"),
    },
    "product-variants_catalog.v3": {
        "sku_id": (_NULLABLE_INT, "variants created without a v2 SKU have none"),
        **dict.fromkeys(("price", "sale_price", "retail_price", "cost_price", "weight", "width", "height",
                         "depth", "fixed_cost_shipping_price"), _INHERITED),
        **dict.fromkeys(("mpn", "gtin", "bin_picking_number", "inventory_level", "inventory_warning_level", "image_url",
                         "calculated_weight"), _BATCH_SCHEMA),
        "map_price": (None, "stores send it (the file's examples show it); the pipeline keeps it"),
    },
    "customers.v3": {
        "channel_ids": ({"type": ["array", "null"]}, "null is global access (customers.v3 docs)"),
        "form_fields[].address_id": (None, "an embedded address's form fields carry address_id like those of "
                                           "/customers/addresses; the file's embedded schema omits it"),
        "meta.pagination": (None, "the file leaves the attributes listing's meta open; paged like every v3 listing"),
    },
    "customers.v2": {"value": ({}, "form field values as on v3 (arrays for checkboxes, numbers); the v2 file "
                                   "types them as strings, unverified against a store")},
    "orders.v2.oas2": {"__warning__": (None, "sent when embedded line items were cut at 50 (bigcommerce/docs "
                                             "issue 960); not in the file")},
    "carts.v3": {"options": (None, "the file documents the line_items.<kind>.options include, its item schema "
                                   "omits the key")},
}
OPENAPI = Path(os.environ["BC_OPENAPI_EXTRACTS"]) if os.environ.get("BC_OPENAPI_EXTRACTS") else None
NO_EXTRACTS = ("BC_OPENAPI_EXTRACTS is not set: the official OpenAPI checks run only where the extracts "
               "were made (bc_pipeline_tests/fixtures/openapi/README.md)")


def includes_of(query: dict) -> frozenset[str]:
    return frozenset(i for i in query.get("include", "").split(",") if i)


def _errors(schema: dict, body) -> list[str]:
    found = Draft202012Validator(schema, format_checker=FormatChecker(formats=("date",))).iter_errors(body)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in found)


def contract_errors(endpoint: str, query: dict, body) -> list[str]:
    return _errors(schema_for(endpoint, includes_of(query)), body)


def official_extract(extract: str) -> dict:
    assert OPENAPI is not None, NO_EXTRACTS
    return json.loads((OPENAPI / f"{extract}.json").read_text())


def _relax(node, changes: dict):
    if isinstance(node, list):
        return [_relax(n, changes) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _relax(v, changes) for k, v in node.items()}
    if isinstance(out.get("properties"), dict):
        for name, (replacement, _reason) in changes.items():
            if replacement is not None and name in out["properties"]:
                out["properties"][name] = replacement
    return out


def official_errors(endpoint: str, body) -> list[str]:
    extract, spec_path = OFFICIAL[endpoint]
    spec = official_extract(extract)
    schema = _relax({**spec["endpoints"][spec_path], "$defs": spec["$defs"]}, DIFFERENCES.get(extract, {}))
    return _errors(schema, body)
