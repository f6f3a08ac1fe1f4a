"""Dagster objects only (resources, partitions, assets, checks, schedules, sensors, jobs), thin over the
packages below; bc_pipeline/definitions.py loads every module of this folder."""
