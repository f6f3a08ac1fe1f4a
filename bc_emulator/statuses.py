"""The 15 order statuses of Orders v2 (ids 0..14, names and descriptions verbatim from the spec) and the
store's custom labels. Three labels differ from the system name, so custom_status differs from status."""

from __future__ import annotations

from typing import Any

# id, name, system_description, display order (the example's `order`)
STATUSES: tuple[tuple[int, str, str, int], ...] = (
    (0, "Incomplete", "An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.", 0),
    (1, "Pending", "Customer started the checkout process, but did not complete it.", 1),
    (2, "Shipped", "Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.", 8),
    (3, "Partially Shipped", "Only some items in the order have been shipped, due to some products being pre-order only or other reasons.", 6),
    (4, "Refunded", "Seller has used the Refund action.", 11),
    (5, "Cancelled", "Seller has cancelled an order, due to a stock inconsistency or other reasons.", 9),
    (6, "Declined", "Seller has marked the order as declined for lack of manual payment, or other reasons.", 10),
    (7, "Awaiting Payment", "Customer has completed checkout process, but payment has yet to be confirmed.", 2),
    (8, "Awaiting Pickup", "Order has been pulled, and is awaiting customer pickup from a seller-specified location.", 5),
    (9, "Awaiting Shipment", "Order has been pulled and packaged, and is awaiting collection from a shipping provider.", 4),
    (10, "Completed", "Client has paid for their digital product and their file(s) are available for download.", 7),
    (11, "Awaiting Fulfillment", "Customer has completed the checkout process and payment has been confirmed.", 3),
    (12, "Manual Verification Required", "Order is on hold while some aspect needs to be manually confirmed.", 13),
    (13, "Disputed", "Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.", 12),
    (14, "Partially Refunded", "Seller has partially refunded the order.", 14),
)
CUSTOM_LABELS = {0: "Incomplete - Testing", 10: "Completed - Testing", 11: "Ready to Pack"}

NAMES = {sid: name for sid, name, _, _ in STATUSES}


def custom_label(status_id: int) -> str:
    return CUSTOM_LABELS.get(status_id, NAMES[status_id])


def order_statuses() -> list[dict[str, Any]]:
    """GET /v2/order_statuses, in id order."""
    return [
        {"id": sid, "name": name, "system_label": name, "custom_label": custom_label(sid),
         "system_description": desc, "order": order}
        for sid, name, desc, order in STATUSES
    ]


def status_counts(counts: dict[int, int]) -> list[dict[str, Any]]:
    """The `statuses` list of GET /v2/orders/count: every status, in display order."""
    rows = [
        {"id": sid, "name": name, "system_label": name, "custom_label": custom_label(sid),
         "system_description": desc, "count": int(counts.get(sid, 0)), "sort_order": order}
        for sid, name, desc, order in STATUSES
    ]
    return sorted(rows, key=lambda r: r["sort_order"])
