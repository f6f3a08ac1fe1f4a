"""Run a job of the code location in this process, as a run of that location.

`execute_in_process` creates runs with no origin: the UI's job page and the Overview timeline filter runs by
the repository label derived from the run's origin, so CLI runs would not show there. Here the run is
created with the origin the webserver gives the location of workspace.yaml (module
`bc_pipeline.definitions`, location `bc_pipeline`, the implicit repository `__repository__`), then executed
in this process the way `execute_in_process` does.
"""

from __future__ import annotations

import os
import sys

import dagster as dg
from dagster._core.definitions.job_base import InMemoryJob
from dagster._core.execution.api import create_execution_plan, execute_run
from dagster._core.execution.execute_in_process import merge_run_tags
from dagster._core.execution.job_execution_result import JobExecutionResult
from dagster._core.remote_origin import (
    ManagedGrpcPythonEnvCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

# As workspace.yaml (and [tool.dg.project] in pyproject.toml) name them.
LOCATION_NAME = "bc_pipeline"
MODULE_NAME = "bc_pipeline.definitions"
REPOSITORY_NAME = "__repository__"


def location_job_origin(job_name: str) -> RemoteJobOrigin:
    target = LoadableTargetOrigin(executable_path=sys.executable, module_name=MODULE_NAME,
                                  working_directory=os.getcwd())
    location = ManagedGrpcPythonEnvCodeLocationOrigin(loadable_target_origin=target, location_name=LOCATION_NAME)
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, REPOSITORY_NAME), job_name)


def execute_in_location(
    job_def: dg.JobDefinition,
    instance: dg.DagsterInstance,
    *,
    run_config: dict,
    tags: dict[str, str],
    partition_key: str | None = None,
) -> JobExecutionResult:
    """Execute `job_def` (its resources bound) in this process, on `partition_key` if it is partitioned."""
    job = InMemoryJob(job_def)
    run_tags = merge_run_tags(job_def=job_def, partition_key=partition_key, tags=tags, asset_selection=None,
                              instance=instance, run_config=run_config)
    plan = create_execution_plan(job, run_config=run_config, instance_ref=instance.get_ref(), tags=run_tags)
    run = instance.create_run_for_job(job_def=job_def, execution_plan=plan, run_config=run_config,
                                      tags=dict(run_tags), remote_job_origin=location_job_origin(job_def.name))
    return execute_run(job, run, instance)
