"""Orders link their shipping addresses as /v2/orders/{id}/shippingaddresses (the real API's link form) while the
documented path is /shipping_addresses; the emulator answers both with the same handler, so following the link
works: same status, same body, same paging, same 404.
"""

from __future__ import annotations

from bc_pipeline_tests.conftest import bc_session, bc_url


def test_following_the_orders_link_gives_the_documented_paths_body(module_emulator):
    emu, session = module_emulator, bc_session(module_emulator)
    orders = emu.store.records("orders")
    shipped = [o["id"] for o in orders if o["shipping_address_count"]][:2]  # not picked up, downloaded, e-mailed
    several = [o["id"] for o in orders if o["shipping_address_count"] > 1][:2]
    archived = [o["id"] for o in orders if o["is_deleted"] and o["shipping_address_count"]][:1]
    assert several and archived
    for oid in [*shipped, *several, *archived]:
        link = session.get(bc_url(emu, f"/v2/orders/{oid}")).json()["shipping_addresses"]
        assert link["resource"] == f"/orders/{oid}/shippingaddresses"
        assert link["url"] == bc_url(emu, f"/v2{link['resource']}")
        followed = session.get(link["url"])
        documented = session.get(bc_url(emu, f"/v2/orders/{oid}/shipping_addresses"))
        assert followed.status_code == documented.status_code == 200
        assert followed.json() == documented.json()
        assert [a["order_id"] for a in followed.json()] == [oid] * len(documented.json())


def test_the_alias_pages_and_fails_like_the_documented_path(module_emulator):
    emu, session = module_emulator, bc_session(module_emulator)
    oid = next(o["id"] for o in emu.store.records("orders") if o["shipping_address_count"] > 1)
    for params in ({"limit": 1, "page": 2}, {"limit": 1, "page": 99}):
        a = session.get(bc_url(emu, f"/v2/orders/{oid}/shippingaddresses"), params=params)
        b = session.get(bc_url(emu, f"/v2/orders/{oid}/shipping_addresses"), params=params)
        assert (a.status_code, a.content) == (b.status_code, b.content)
    assert a.status_code == 204
    missing = session.get(bc_url(emu, "/v2/orders/99999/shippingaddresses"))
    assert missing.status_code == 404 and missing.json()[0]["status"] == 404


def test_a_created_orders_link_points_at_its_own_addresses(emulator):
    oid = emulator.store.create("orders", staff_notes="new")
    session = bc_session(emulator)
    link = session.get(bc_url(emulator, f"/v2/orders/{oid}")).json()["shipping_addresses"]
    assert link["resource"] == f"/orders/{oid}/shippingaddresses"
    followed = session.get(link["url"])
    assert followed.status_code == 200
    assert {a["order_id"] for a in followed.json()} == {oid}
