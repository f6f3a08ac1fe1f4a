"""BigCommerce webhooks, from callback to rows, as plain code (the Dagster sensor and job are in defs/webhooks.py).

receiver.py writes each callback into BC_WEBHOOK_DIR/inbox; inbox.py owns the folders (inbox, processed,
quarantine) and moves files without ever losing one; models.py and scopes.py say what a payload names;
plan.py reads files and groups the records they name; apply.py refetches them, marks deletes and moves the
files; isolate.py finds the poison in a failed batch; batching.py is the sensor's decision; hooks.py registers
the subscriptions; options.py the settings.
See docs/webhooks.md.
"""
