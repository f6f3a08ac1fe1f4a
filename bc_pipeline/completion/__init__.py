"""Record completion: lists the API caps are filled in before a record is flattened, so no row is partial.

One component, one layer (it reads through bigcommerce/, and nothing below imports it back except the
pure walker, consignments.py, which the flattening of orders shares):
* base.py:          `Completion`, what a stream's entry in the registry (bc_pipeline/streams.py) names;
* customers.py:     `CustomerLists`, customers' addresses and attribute values beyond the embedded 10;
* orders.py:        `OrderLineItems`, orders' line items beyond 50 per consignment (every consignment kind);
* consignments.py:  the one walker over an order's consignments, and the one "was it truncated" test;
* completer.py:     `Completer`, the sync engine's side: holds the records that need completing and completes
                    them in batches on a small pool, off the listing's path.
"""
