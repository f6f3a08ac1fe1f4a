"""Load a mapping file: read the YAML (refusing a key given twice), validate its structure with pydantic and
its names against the raw schema, and return a `Mapping`, or raise one `MappingError` whose single line
names the file, the entity, the key and the nearest valid name.

The file is the one BC_MAPPING_FILE names, else the documented default shipped beside this module.

Parsing is bounded before any YAML is built: a file over MAX_BYTES is refused unread, and YAML aliases
(`*name`) are refused outright. The format never needs them (each column is a line of its own), and an alias
is what makes a few hundred bytes expand into billions of nodes (the "billion laughs"): every walk of the
document (the duplicate-key check, pydantic) would visit each expansion."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bc_pipeline.mapping.errors import MappingError, hint
from bc_pipeline.mapping.model import MappingFile
from bc_pipeline.mapping.raw_schema import contract_columns
from bc_pipeline.mapping.validate import check_mapping

DEFAULT_MAPPING_PATH = Path(__file__).with_name("default.yaml")
# Bump when the SQL a given mapping compiles to changes, so every mapped asset shows as stale.
COMPILER_VERSION = "1"
MAX_BYTES = 1024 * 1024  # a complete mapping of every raw column is ~30 KB
# libyaml's safe loader (PyYAML's own pure-Python one where PyYAML was built without it): 10x faster, the same
# documents; a mapping is read at least twice per sync (the CLI checks it, the run applies it)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KNOWN_KEYS = (
    "version", "entities", "order_statuses", "columns", "keep_unmapped", "source", "type", "default",
    "canonical", "by_id", "by_label", "unlisted_labels",
)  # fmt: skip


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file and where it came from."""

    path: Path
    file: MappingFile

    @property
    def entities(self) -> list[str]:
        return list(self.file.entities)

    def code_version(self, entity: str) -> str:
        """A hash of what decides this entity's mapped table: its section (and the status mapping for orders)."""
        spec = self.file.entities[entity]
        # Columns as a list: their order is the mapped table's column order, so it is part of the version.
        columns = [[target, column.model_dump(mode="json")] for target, column in spec.columns.items()]
        parts: dict[str, object] = {"compiler": COMPILER_VERSION, "entity": entity,
                                    "keep_unmapped": spec.keep_unmapped, "columns": columns}  # fmt: skip
        if entity == "orders" and self.file.order_statuses is not None:
            parts["statuses"] = self.file.order_statuses.model_dump(mode="json")
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        return f"mapping-{digest[:16]}"


def load_mapping(path: Path | str | None = None, raw: dict[str, dict[str, str]] | None = None) -> Mapping:
    """Load and validate `path` (default: the shipped default.yaml) against `raw` (default: the contract)."""
    path = Path(path) if path is not None else DEFAULT_MAPPING_PATH
    try:
        if path.stat().st_size > MAX_BYTES:
            raise MappingError(f"mapping file {path}: {_too_large(path.stat().st_size)}")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"mapping file {path}: cannot be read ({exc.strerror or exc})") from None
    return parse_mapping(text, path, raw)


def parse_mapping(text: str, path: Path, raw: dict[str, dict[str, str]] | None = None) -> Mapping:
    """Validate mapping text; `path` is only used in messages and kept on the result."""
    if len(text) > MAX_BYTES:
        raise MappingError(f"mapping file {path}: {_too_large(len(text))}")
    data = _read_yaml(text, path)
    try:
        file = MappingFile.model_validate(data)
    except ValidationError as exc:
        raise MappingError(f"mapping file {path}: {_pydantic_message(exc)}") from None
    problems = check_mapping(file, contract_columns() if raw is None else raw)
    if problems:
        more = f"; (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise MappingError(f"mapping file {path}: " + "; ".join(problems[:5]) + more)
    return Mapping(path=path, file=file)


def _too_large(size: int) -> str:
    return f"is {size:,} bytes, over the limit of {MAX_BYTES:,} (1 MiB); a mapping file is a few KB"


def _refuse_aliases(text: str, path: Path) -> None:
    """Scan the event stream (linear in the text, nothing expanded) for an alias."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1
            raise MappingError(
                f"mapping file {path}: line {line}: YAML aliases (*{event.anchor}) are not allowed in a mapping "
                "file; write the value out"
            )


def _read_yaml(text: str, path: Path) -> object:
    try:
        _refuse_aliases(text, path)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise MappingError(f"mapping file {path}: {where}not valid YAML ({reason})") from None
    if node is None:
        raise MappingError(f"mapping file {path}: is empty; it needs at least `entities:`")
    _refuse_duplicate_keys(node, (), path)
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def _refuse_duplicate_keys(node: yaml.Node, where: tuple[str, ...], path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            dotted = ".".join((*where, key))
            if key in seen:
                what = (
                    "two sources map into one target"
                    if where[-1:] == ("columns",)
                    else "a key is given twice"
                )
                raise MappingError(
                    f"mapping file {path}: {dotted} (line {key_node.start_mark.line + 1}): {what}; "
                    f"nearest valid name: {key + '_2'!r}"
                )
            seen.add(key)
            _refuse_duplicate_keys(value_node, (*where, key), path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicate_keys(item, where, path)


def _pydantic_message(exc: ValidationError) -> str:
    phrases = []
    for error in exc.errors()[:5]:
        loc = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-"))
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = f"unknown key{hint(str(error['loc'][-1]), _KNOWN_KEYS)}"
        phrases.append(f"{loc}: {message}")
    return "; ".join(phrases)
