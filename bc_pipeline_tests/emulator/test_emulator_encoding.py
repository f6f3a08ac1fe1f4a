"""The emulator's fast paths change nothing a client sees: orjson writes exactly the bytes the stdlib encoder
would (compact, UTF-8, non-ASCII unescaped), and pausing the GC around a handler leaves the GC as it found it."""

from __future__ import annotations

import gc
import json

import pytest

from bc_emulator.server import encode_body
from bc_pipeline.gc_pause import gc_paused

PAGES = (
    "/v2/orders?limit=40&include=consignments.line_items,fees&consignment_structure=object",
    "/v2/orders?limit=40&include=consignments",
    "/v3/customers?limit=40&include=addresses,attributes,formfields,storecredit",
    "/v3/customers/subscribers?limit=40",
    "/v3/catalog/products?limit=40&include=variants,custom_fields,options,images",
    "/v3/catalog/variants?limit=40",
    "/v2/store",
)


@pytest.mark.parametrize("path", PAGES)
def test_served_bytes_equal_the_stdlib_encoding(emulator, session, path):
    resp = session.get(f"{emulator.api_url}/stores/{emulator.store_hash}{path}")
    assert resp.status_code == 200
    body = resp.json()
    assert body  # something was served
    assert resp.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def test_encode_body_keeps_non_ascii_and_numbers_as_the_stdlib_does():
    body = {"name": "Zoë Ångström 雷", "price": 7.95, "credit": 25.5, "n": 225, "none": None, "ok": True,
            "nested": [{"a": []}]}
    assert encode_body(body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def test_gc_paused_restores_the_previous_state():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # someone else turned it off: not ours to turn back on
    finally:
        gc.enable()


def test_gc_is_enabled_after_serving(emulator, session):
    resp = session.get(f"{emulator.api_url}/stores/{emulator.store_hash}/v2/orders?limit=5")
    assert resp.status_code == 200
    assert gc.isenabled()


def test_record_streams_are_those_of_string_seeded_random():
    import random

    from bc_emulator.rng import rng_for

    for seed, resource, rid in ((42, "order", 1), (7, "customer", 123456), (0, "product", 5)):
        fast, reference = rng_for(seed, resource, rid), random.Random(f"{seed}:{resource}:{rid}")
        assert [fast.random() for _ in range(50)] == [reference.random() for _ in range(50)]
        assert fast.getrandbits(128) == reference.getrandbits(128)
