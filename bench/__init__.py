"""The bc_pipeline benchmark: emulator stores of several sizes, synced by bc_pipeline and by the peer connectors.

Nothing in the package or its tests imports this folder; it is run by hand (`python -m bench.run`), see
docs/benchmark.md.
"""
