"""The stream registry (bc_pipeline/streams.py) is the one place a stream is described: walk it and check that
every view derived from it agrees with the rest of the pipeline (the warehouse contract, the Dagster assets,
the reconciliation, `check`), so an entry that forgets something fails here rather than in a sync."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bc_pipeline.bigcommerce.paging_styles import PerParent
from bc_pipeline.completion.consignments import KINDS, consignments
from bc_pipeline.completion.orders import fill
from bc_pipeline.defs.raw_assets import raw_streams as raw_asset
from bc_pipeline.defs.reconcile_assets import deletes_reconciled
from bc_pipeline.streams import (
    STREAMS,
    Role,
    listings,
    marked_tables,
    probes,
    reconciled,
    rows_for,
    stream_table,
)
from bc_pipeline.warehouse.schema import TABLES


def _tables(asset: dg.AssetsDefinition) -> set[str]:
    return {key.path[-1] for key in asset.keys}


def test_every_table_a_stream_feeds_has_columns_and_its_flattener_writes_exactly_those():
    for s in STREAMS.values():
        assert set(s.feeds) <= set(TABLES), s.name
        assert set(s.flatten([])) == set(s.feeds), s.name  # a flattener names every table it can write


def test_every_contract_table_is_owned_by_exactly_one_stream():
    owners: dict[str, list[str]] = {}
    for s in STREAMS.values():
        for t in s.tables:
            owners.setdefault(t, []).append(s.name)
    assert owners.keys() == TABLES.keys()
    assert all(len(names) == 1 for names in owners.values()), owners
    for s in STREAMS.values():  # a table fed on the side belongs to another stream's asset
        assert all(owners[t] != [s.name] for t in s.also_feeds), s.name


def test_the_sync_step_materializes_exactly_the_dated_and_reference_streams_tables():
    dated = {t for s in STREAMS.values() if s.role is Role.DATED for t in s.tables}
    reference = {t for s in STREAMS.values() if s.role is Role.REFERENCE for t in s.tables}
    assert _tables(raw_asset) == dated | reference
    assert not dated & reference


def test_roles_match_their_listings():
    for s in STREAMS.values():
        if s.role is Role.BY_ID:
            assert s.listing is None and s.probe is not None, s.name
            continue
        assert s.listing is not None and s.listing.name == s.name, s.name
        if s.role is Role.DATED:  # windows by date_modified, refetched by id for webhooks, a mark per table
            assert s.listing.dated and s.listing.by_ids is not None, s.name
            assert TABLES[s.table].version == "date_modified", s.name
        else:
            assert not s.listing.dated, s.name
        if s.by_parent:
            assert s.by_parent in STREAMS and s.listing.parent_filter, s.name
    assert set(marked_tables()) == {s.table for s in STREAMS.values() if s.role is Role.DATED}


def test_reconciled_tables_belong_to_a_listed_stream_and_the_asset_depends_on_them():
    for s in reconciled():
        assert s.listing is not None and s.table in TABLES, s.name
    deps = {key.path[-1] for key in deletes_reconciled.asset_deps[deletes_reconciled.key]}
    assert deps == {s.table for s in reconciled()}


def test_check_asks_for_every_listing_every_stream_reads():
    asked = {p.path for p in probes()}
    names = [lst.name for s in STREAMS.values() for lst in s.listings()]
    assert len(names) == len(set(names)) == len(listings())  # a listing's name is unique (it names its pages)
    for s in STREAMS.values():
        if s.probe:
            assert s.probe.path in asked, s.name
        for lst in s.listings():
            assert lst.path in asked or isinstance(lst.paging, PerParent), lst.name
    assert {"/v3/customers/attributes", "/v2/store", "/v3/hooks"} <= asked


def _line(item_id: int, **fields) -> dict:
    return {"id": item_id, "order_id": 7, "product_id": 1, **fields}


def test_completion_and_the_flattening_of_orders_walk_the_same_consignments():
    """Every consignment kind: the items completion places are the items the order's rows carry."""
    order = {"id": 7, "date_modified": "Mon, 01 Jan 2024 00:00:00 +0000", "__warning__": "truncated",
             "consignments": {
                 "shipping": [{"id": 31, "line_items": [_line(i, order_address_id=31) for i in range(1, 51)]}],
                 "pickups": [{"id": 41, "line_items": [_line(60, order_pickup_method_id=41)]}],
                 "downloads": [{"line_items": [_line(70, type="digital")]}],
                 "email": {"gift_certificates": [{"line_items": [_line(80, type="giftcertificate")]}]}}}
    assert [kind for kind, _ in consignments(order)] == list(KINDS)
    truncated_rows = rows_for("orders", [order])
    assert "order_line_items" not in truncated_rows["orders"][0]["_children"]  # a part never replaces the whole
    complete = [_line(i, order_address_id=31) for i in range(1, 53)] + [
        _line(60, order_pickup_method_id=41), _line(70, type="digital"), _line(80, type="giftcertificate")]
    assert fill(order, complete) and "__warning__" not in order
    rows = rows_for("orders", [order])
    assert "order_line_items" in rows["orders"][0]["_children"]
    assert sorted(r["id"] for r in rows["order_line_items"]) == sorted(it["id"] for it in complete)
    assert [r["id"] for r in rows["order_shipping_addresses"]] == [31]


def test_the_architecture_doc_shows_the_registry_as_it_is():
    doc = (Path(__file__).parents[2] / "docs" / "architecture.md").read_text()
    assert stream_table() in doc, "docs/architecture.md's stream table is stale: run `python -m bc_pipeline.structure`"
