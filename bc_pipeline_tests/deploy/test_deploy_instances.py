"""deploy/'s instance files load as DagsterInstances (no server, daemon or cluster needed): each has the queue
with one run per store and N stores at once, run monitoring, tick retention and its run launcher; all three
share one storage, queue, monitoring and retention configuration, and the Helm values say the same."""

from __future__ import annotations

import pytest
import yaml
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster_docker import DockerRunLauncher
from dagster_k8s import K8sRunLauncher

from bc_pipeline.stores import STORE_TAG
from bc_pipeline_tests.deploy_support import (
    DEPLOY,
    INSTANCE_FILES,
    PG_VARIABLES,
    deploy_config,
    instance_from,
)

PER_STORE_LIMIT = [{"key": key, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
                   for key in (STORE_TAG, "dagster/partition")]
SHARED_BLOCKS = ("storage", "run_coordinator", "run_monitoring", "retention", "telemetry")


@pytest.mark.parametrize("name", INSTANCE_FILES)
def test_each_instance_file_loads_with_the_per_store_queue(name, tmp_path):
    instance = instance_from(name, tmp_path, storage={"sqlite": {"base_dir": str(tmp_path)}})
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    queue = instance.get_concurrency_config().run_queue_config
    assert queue.max_concurrent_runs == 8
    assert queue.tag_concurrency_limits == PER_STORE_LIMIT
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] == 30
    assert instance.get_settings("retention")["schedule"]["purge_after_days"] == 30
    # No pool limit: the one-store instance's "duckdb" pool of 1 would serialise every store.
    assert instance.get_concurrency_config().pool_config.default_pool_limit is None


def test_the_launchers(tmp_path):
    default = instance_from("dagster.yaml", tmp_path / "default", storage={"sqlite": {"base_dir": str(tmp_path)}})
    assert type(default.run_launcher).__name__ == "DefaultRunLauncher"
    k8s = instance_from("dagster.k8s.yaml", tmp_path / "k8s", storage={"sqlite": {"base_dir": str(tmp_path)}})
    launcher = k8s.run_launcher
    assert isinstance(launcher, K8sRunLauncher)
    assert (launcher.job_namespace, launcher.instance_config_map) == ("bc-pipeline", "bc-pipeline-instance")
    assert launcher.postgres_password_secret == "bc-pipeline-postgresql"
    docker = instance_from("dagster.docker.yaml", tmp_path / "docker", storage={"sqlite": {"base_dir": str(tmp_path)}})
    assert isinstance(docker.run_launcher, DockerRunLauncher)
    assert set(PG_VARIABLES) <= set(docker.run_launcher.env_vars)
    assert docker.run_launcher.networks == ["bc_pipeline"]


def test_storage_reads_the_helm_variable_names_through_psycopg2():
    storage = deploy_config("dagster.yaml")["storage"]["custom"]  # postgres, the event log kept connected
    assert (storage["module"], storage["class"]) == ("bc_pipeline.instance.postgres_storage", "PooledPostgresStorage")
    db = storage["config"]["postgres_db"]
    assert db["scheme"] == "postgresql+psycopg2"
    assert sorted(value["env"] for key, value in db.items() if key != "scheme") == sorted(PG_VARIABLES)


def test_the_instance_files_differ_only_in_their_launcher():
    base = deploy_config("dagster.yaml")
    for name in INSTANCE_FILES[1:]:
        other = deploy_config(name)
        assert {k: other[k] for k in SHARED_BLOCKS} == {k: base[k] for k in SHARED_BLOCKS}, name
        assert set(other) == set(SHARED_BLOCKS) | {"run_launcher"}


def test_helm_values_say_what_dagster_yaml_says():
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text(encoding="utf-8"))
    base = deploy_config("dagster.yaml")
    queue = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert values["dagsterDaemon"]["runCoordinator"]["type"] == "QueuedRunCoordinator"
    assert queue["tagConcurrencyLimits"] == base["run_coordinator"]["config"]["tag_concurrency_limits"]
    monitoring = values["dagsterDaemon"]["runMonitoring"]
    assert monitoring["enabled"] and monitoring["freeSlotsAfterRunEndSeconds"] == 30
    assert values["retention"]["schedule"]["purgeAfterDays"] == base["retention"]["schedule"]["purge_after_days"]
    assert values["retention"]["sensor"]["purgeAfterDays"] == base["retention"]["sensor"]["purge_after_days"]
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
