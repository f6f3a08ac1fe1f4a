"""`python -m bc_pipeline ...` is `bc-pipeline ...`."""

from bc_pipeline.cli import run

run()
