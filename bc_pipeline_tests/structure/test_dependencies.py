"""The dependencies pyproject.toml declares are the ones the code uses, both ways, so they cannot drift:
every third-party module imported in the shipped packages (bc_pipeline/, bc_emulator/) comes from a
runtime dependency, one imported in the tests or bench/ from a runtime or test dependency; and every
declared dependency is imported somewhere, or named below with what uses it without an import."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
SHIPPED = ("bc_pipeline", "bc_emulator")
NOT_SHIPPED = ("bc_pipeline_tests", "bench")
LOCAL = {*SHIPPED, *NOT_SHIPPED} | {p.stem for p in (REPO / "bc_pipeline_tests").glob("*.py")}

# Shipped modules loaded only by a configuration that needs an extra, never imported by the package itself:
# they may import that extra's dependencies (test_extra_only_modules_are_not_imported_by_the_package).
EXTRA_ONLY = {"bc_pipeline/instance/postgres_storage.py": "deploy"}  # named by deploy/'s instance files

# Declared, used, but never imported by name.
USED_WITHOUT_IMPORT = {
    "dagster-webserver": "the UI process of `bc-pipeline dev` (dagster dev)",
    "pytest-timeout": "the pytest plugin behind `timeout` in [tool.pytest.ini_options]",
    "ruff": "the linter (.ci/run)",
    "dagster-dg-cli": "`dg check defs` (.ci/run)",
}


def _name(requirement: str) -> str:
    """'dagster-k8s==0.29.27' -> 'dagster-k8s'; names normalised as PEP 503 does."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def _declared(group: str | None) -> set[str]:
    """The runtime dependencies (group None) or an extra's, with the project's own extras it names."""
    out = set()
    for requirement in PROJECT["dependencies"] if group is None else PROJECT["optional-dependencies"][group]:
        name = _name(requirement)
        if name == _name(PROJECT["name"]):
            extras = re.search(r"\[(.*)\]", requirement).group(1).split(",")
            out |= set().union(*(_declared(extra.strip()) for extra in extras))
        else:
            out.add(name)
    return out


@functools.cache
def _third_party_imports(folder: str) -> dict[str, set[str]]:
    """Top-level module -> files of `folder` that import it, for modules neither stdlib nor the repo's."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        if any(part.startswith(".") for part in path.relative_to(REPO).parts):
            continue  # bench/.venvs/: the peers' own environments, not this project's code
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names} - LOCAL - sys.stdlib_module_names:
                found.setdefault(top, set()).add(str(path.relative_to(REPO)))
    return found


@functools.cache
def _installed() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    return {_name(d) for d in _installed().get(module, [])}


def _undeclared(folders: tuple[str, ...], allowed: set[str], extra_only: dict[str, str] | None = None) -> list[str]:
    def permitted(module: str, file: str) -> bool:
        extra = (extra_only or {}).get(file)
        return bool(_distributions(module) & (allowed | (_declared(extra) if extra else set())))

    return [f"{module} (from {sorted(_distributions(module)) or 'no installed distribution'}) in {file}"
            for folder in folders for module, files in _third_party_imports(folder).items()
            for file in sorted(files) if not permitted(module, file)][:20]


def test_shipped_code_imports_only_runtime_dependencies():
    assert _undeclared(SHIPPED, _declared(None), EXTRA_ONLY) == []


def test_extra_only_modules_are_not_imported_by_the_package():
    dotted = {path.removesuffix(".py").replace("/", ".") for path in EXTRA_ONLY}
    importers = [str(path.relative_to(REPO)) for folder in SHIPPED for path in sorted((REPO / folder).rglob("*.py"))
                 if str(path.relative_to(REPO)) not in EXTRA_ONLY and any(name in path.read_text() for name in dotted)]
    assert importers == []
    assert all((REPO / path).exists() for path in EXTRA_ONLY)


def test_tests_and_bench_import_only_declared_dependencies():
    assert _undeclared(NOT_SHIPPED, _declared(None) | _declared("test")) == []


def test_every_declared_dependency_is_used():
    imported = {d for folder in (*SHIPPED, *NOT_SHIPPED) for m in _third_party_imports(folder)
                for d in _distributions(m)}
    declared = _declared(None) | _declared("test")
    assert sorted(declared - imported - set(USED_WITHOUT_IMPORT)) == []
    assert sorted(set(USED_WITHOUT_IMPORT) - declared) == []  # the list names only what is declared


def test_the_checks_see_imports():
    """The scan finds what the code imports, so an empty list of offenders means something."""
    assert {"dagster", "duckdb", "yaml"} <= set(_third_party_imports("bc_pipeline"))
    assert "numpy" in _third_party_imports("bc_emulator")
    assert _name("PyYAML>=6") == "pyyaml" and "dagster-k8s" in _declared("test")
