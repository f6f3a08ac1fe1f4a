"""bc_emulator is a package of its own: it imports nothing from bc_pipeline (checked in a fresh interpreter
and in the source), and its modules import each other without a cycle, at module level only (imports
inside functions would hide one)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bc_emulator

PACKAGE = Path(bc_emulator.__file__).parent
MODULES = {p.stem: p for p in sorted(PACKAGE.glob("*.py"))}


def _names(node: ast.AST) -> list[str]:
    """What an import statement names (`from a import b` -> a.b); [] for any other node."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _imports(tree: ast.AST) -> list[str]:
    """Every module an import under `tree` names, wherever it stands."""
    return [name for node in ast.walk(tree) for name in _names(node)]


def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def _local(name: str) -> str | None:
    """The bc_emulator module an import names (bc_emulator.x or bc_emulator.x.Y -> x), else None."""
    parts = name.split(".")
    if parts[0] != "bc_emulator" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in MODULES else None


def test_importing_every_module_loads_nothing_of_bc_pipeline():
    names = ", ".join(f"bc_emulator.{m}" for m in MODULES if m != "__init__")
    code = f"import sys, {names}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'bc_pipeline'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_source_line_names_bc_pipeline():
    offenders = [f"{path.name}: {name}" for path in MODULES.values() for name in _imports(_parsed(path))
                 if name.split(".")[0] == "bc_pipeline"]
    assert offenders == []


def test_package_imports_sit_at_module_level():
    """An import inside a function is how a cycle hides; TYPE_CHECKING blocks count as module level."""
    offenders = [f"{path.name}: {name} in {func.name}()" for path in MODULES.values()
                 for func in ast.walk(_parsed(path)) if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
                 for name in _imports(func) if name.split(".")[0] == "bc_emulator"]
    assert offenders == []


def test_the_module_graph_has_no_cycle():
    """Every import counts, the ones only for type checking too: a cycle there is still two modules that
    each need the other."""
    graph = {name: {m for imported in _imports(_parsed(path)) if (m := _local(imported)) and m != name}
             for name, path in MODULES.items() if name != "__init__"}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " -> ".join((*path[path.index(module):], module))
        if module in done:
            return
        for dep in sorted(graph.get(module, ())):
            visit(dep, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert {"store", "records", "mutations", "served", "server"} <= done  # the graph was really walked
