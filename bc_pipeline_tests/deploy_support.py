"""Helpers for the deploy/ tests: a DagsterInstance from one of deploy/'s instance files, and the PostgreSQL
server the CI starts (`.ci/postgres` exports DAGSTER_PG_*); tests that need it skip, saying why, without one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
INSTANCE_FILES = ("dagster.yaml", "dagster.k8s.yaml", "dagster.docker.yaml")
PG_VARIABLES = ("DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB")
# A kubeconfig that parses but points nowhere: the K8sRunLauncher loads it without reaching any cluster.
DUMMY_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: not-a-real-token}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""


def deploy_config(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def instance_from(name: str, home: Path, *, storage: dict | None = None) -> dg.DagsterInstance:
    """The instance `deploy/<name>` describes, in `home`. Outside a cluster the Kubernetes launcher reads a
    dummy kubeconfig instead of the in-cluster one (the only key changed); `storage` replaces the PostgreSQL
    storage for the tests that need no server."""
    home.mkdir(parents=True, exist_ok=True)
    config = deploy_config(name)
    if storage is not None:
        config["storage"] = storage
    launcher = config["run_launcher"]
    if launcher["class"] == "K8sRunLauncher":
        kubeconfig = home / "kubeconfig"
        kubeconfig.write_text(DUMMY_KUBECONFIG, encoding="utf-8")
        launcher["config"].update(load_incluster_config=False, kubeconfig_file=str(kubeconfig))
    (home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return dg.DagsterInstance.from_config(str(home))


def postgres_or_skip() -> dict[str, str]:
    """The DAGSTER_PG_* variables of a PostgreSQL server that answers, or skip the test saying why."""
    missing = [name for name in PG_VARIABLES if not os.environ.get(name)]
    if missing:
        pytest.skip(f"no PostgreSQL server: {', '.join(missing)} not set (`. .ci/postgres` starts one)")
    import psycopg2

    env = {name: os.environ[name] for name in PG_VARIABLES}
    try:
        psycopg2.connect(host=env["DAGSTER_PG_HOST"], port=int(env["DAGSTER_PG_PORT"]), user=env["DAGSTER_PG_USER"],
                         password=env["DAGSTER_PG_PASSWORD"], dbname=env["DAGSTER_PG_DB"], connect_timeout=5).close()
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at {env['DAGSTER_PG_HOST']}:{env['DAGSTER_PG_PORT']} "
                    f"({str(exc).strip().splitlines()[0]})")
    return env
