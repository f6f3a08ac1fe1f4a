"""BigCommerce's fixed order statuses (ids 0..14, from the Orders V2 spec) and the documented default
canonical lifecycle they map to. Custom labels are only renames of these fifteen statuses: an order's
`status_id` is always one of them, its `custom_status` is the merchant's label for that id."""

from __future__ import annotations

SYSTEM_STATUSES: dict[int, str] = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}

# The default lifecycle: what a team usually wants to ask of an order (has it been paid? sent? undone?).
DEFAULT_CANONICAL: dict[str, str] = {
    "incomplete": "checkout reached payment but was not completed (0)",
    "pending": "checkout started, not completed (1)",
    "awaiting_payment": "checkout completed, payment not confirmed yet (7)",
    "on_hold": "held for manual verification (12)",
    "paid": "payment confirmed, not sent yet: awaiting fulfillment, shipment or pickup (11, 9, 8)",
    "partially_shipped": "some items shipped (3)",
    "shipped": "all items shipped (2)",
    "fulfilled": "completed, e.g. digital goods delivered (10)",
    "cancelled": "cancelled by the seller (5)",
    "declined": "declined by the seller, e.g. payment not received (6)",
    "refunded": "fully refunded (4)",
    "partially_refunded": "partly refunded (14)",
    "disputed": "the payment is disputed (13)",
}

DEFAULT_BY_ID: dict[int, str] = {
    0: "incomplete",
    1: "pending",
    2: "shipped",
    3: "partially_shipped",
    4: "refunded",
    5: "cancelled",
    6: "declined",
    7: "awaiting_payment",
    8: "paid",
    9: "paid",
    10: "fulfilled",
    11: "paid",
    12: "on_hold",
    13: "disputed",
    14: "partially_refunded",
}
