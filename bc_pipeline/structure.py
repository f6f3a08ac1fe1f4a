"""The package's structure, read from its code so the documentation cannot drift from it: each package (and
top-level module), its modules with the first sentence of their docstrings, the packages each one imports,
and the layers (LAYERS) that say which may import which: a package imports only from lower layers.

`python -m bc_pipeline.structure` regenerates every generated document from the code: the "Packages and
modules" section of docs/architecture.md (between its markers) and its stream table (streams.py),
docs/schema.md (warehouse/docs.py) and docs/configuration.md (config_docs.py).
Tests fail when a committed document differs from what this produces, or when an import goes upwards.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = ROOT.name
DOCS = ROOT.parent / "docs"
BEGIN = "<!-- BEGIN GENERATED: packages (python -m bc_pipeline.structure) -->"
END = "<!-- END GENERATED: packages -->"
REGENERATE = "python -m bc_pipeline.structure"

# Bottom to top: a package may import from the layers below its own, never from its own layer or above.
# Top-level modules (config.py, ...) are units of their own. A new package must be placed here.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("config", "error_text", "gc_pause", "instance"),  # plain helpers; the local Dagster instance's storage
    ("bigcommerce", "config_docs"),  # the API client; docs/configuration.md from the settings
    ("completion",),  # capped embedded lists completed before flattening
    ("warehouse",),  # DuckDB: the only package that talks to it
    ("streams",),  # the stream registry: one entry per stream, over the client, completion and the flatteners
    ("mapping", "sync"),  # the mapping compiler; the sync engine
    ("lookups", "stores", "structure"),  # mapped-table reads; the stores file; the generated docs
    ("webhooks",),  # webhook payloads to rows, routed to their store
    ("lake",),  # the shared Iceberg layer
    ("defs",),  # Dagster objects, thin over the packages below
    ("definitions",),  # the Dagster code location
    ("cli",),  # bc-pipeline
    ("__main__",),  # python -m bc_pipeline
)
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)(?<!etc)\.(?=\s|$)")


@dataclass(frozen=True)
class Module:
    path: Path  # relative to the package root
    summary: str  # the first sentence of its docstring ("" without one)


def unit_of(path: Path) -> str:
    """The package (or top-level module) a file of the package belongs to."""
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def source_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def summary(tree: ast.Module) -> str:
    """The first sentence of the module docstring's first paragraph, on one line."""
    doc = ast.get_docstring(tree) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    end = _SENTENCE_END.search(paragraph)
    return paragraph[: end.end()] if end else paragraph


def imported_modules(tree: ast.Module) -> set[str]:
    """Every absolute module name the code imports (module-level or inside functions)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def modules() -> dict[str, list[Module]]:
    """{unit: its modules, in path order}; a subpackage's `__init__.py` is part of it, the root's is the
    package itself (no unit)."""
    out: dict[str, list[Module]] = {}
    for path in source_files():
        if path == ROOT / "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out.setdefault(unit_of(path), []).append(Module(path.relative_to(ROOT), summary(tree)))
    return out


def unit_imports() -> dict[str, set[str]]:
    """{unit: the other units of the package it imports}."""
    units = set(modules())
    out: dict[str, set[str]] = {unit: set() for unit in units}
    for path in source_files():
        unit = unit_of(path)
        if unit not in units:
            continue
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            parts = name.split(".")
            if parts[0] == NAME and len(parts) > 1 and parts[1] in units and parts[1] != unit:
                out[unit].add(parts[1])
    return out


def layer_of() -> dict[str, int]:
    return {unit: i for i, layer in enumerate(LAYERS) for unit in layer}


def layer_problems() -> list[str]:
    """Units missing from LAYERS, and imports that do not go to a lower layer."""
    layers, problems = layer_of(), []
    imports = unit_imports()
    for unit in sorted(imports):
        if unit not in layers:
            problems.append(f"{unit} is in no layer: add it to LAYERS in bc_pipeline/structure.py")
            continue
        for used in sorted(imports[unit]):
            if used in layers and layers[used] >= layers[unit]:
                problems.append(f"{unit} (layer {layers[unit]}) imports {used} (layer {layers[used]})")
    return problems


def _label(unit: str) -> str:
    return f"`{unit}/`" if (ROOT / unit).is_dir() else f"`{unit}.py`"


def _about(unit_modules: list[Module]) -> str:
    """A unit's own summary: its `__init__.py`'s (a package) or its only module's (a top-level module)."""
    first = unit_modules[0]
    return (first.summary if first.path.name == "__init__.py" or len(unit_modules) == 1 else "").replace("|", "/")


def packages_markdown() -> str:
    """The generated section of docs/architecture.md, markers included."""
    mods, imports, layers = modules(), unit_imports(), layer_of()
    lines = [
        BEGIN,
        "",
        f"Generated from the code by `{REGENERATE}`; do not edit by hand. Layers go bottom (0) to top; a",
        "package imports only from lower layers (`bc_pipeline_tests/structure/test_structure.py`), and only `warehouse/`",
        "talks to DuckDB (`bc_pipeline_tests/warehouse/test_warehouse_seam.py`).",
        "",
        "| Layer | Package | What it is | Imports |",
        "|---|---|---|---|",
    ]
    ordered = sorted(mods, key=lambda u: (layers.get(u, len(LAYERS)), u))
    lines += [f"| {layers.get(u, '?')} | {_label(u)} | {_about(mods[u])} | {', '.join(sorted(imports[u])) or '-'} |"
              for u in ordered]
    for unit in ordered:
        if not (ROOT / unit).is_dir():
            continue
        lines += ["", f"#### {_label(unit)}", ""]
        lines += [f"* `{m.path.relative_to(unit)}`: {m.summary or '(no docstring)'}"
                  for m in mods[unit] if m.path.name != "__init__.py"]
    top = [m for u in ordered if not (ROOT / u).is_dir() for m in mods[u]]
    lines += ["", "#### Top-level modules", ""]
    lines += [f"* `{m.path}`: {m.summary or '(no docstring)'}" for m in top]
    return "\n".join([*lines, "", END])


def with_packages(text: str) -> str:
    """`text` (docs/architecture.md) with its generated section replaced by the current one."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + packages_markdown() + text[end:]


def with_stream_table(text: str) -> str:
    """`text` (docs/architecture.md) with its stream table (the lines from its header row on) made current."""
    from bc_pipeline.streams import stream_table

    table = stream_table()
    header = table.splitlines()[0]
    lines = text.split("\n")
    start = lines.index(header)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join([*lines[:start], table, *lines[end:]])


def main(argv: list[str]) -> int:
    """Rewrite every generated document in the docs folder (argv[0], else the repository's docs/): the
    packages section and the stream table of architecture.md, schema.md and configuration.md."""
    from bc_pipeline.config_docs import configuration_markdown
    from bc_pipeline.warehouse.docs import schema_markdown

    docs = Path(argv[0]) if argv else DOCS
    architecture = docs / "architecture.md"
    text = with_stream_table(with_packages(architecture.read_text(encoding="utf-8")))
    architecture.write_text(text, encoding="utf-8")
    (docs / "schema.md").write_text(schema_markdown(), encoding="utf-8")
    (docs / "configuration.md").write_text(configuration_markdown(), encoding="utf-8")
    print(f"regenerated {architecture}, {docs / 'schema.md'} and {docs / 'configuration.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
