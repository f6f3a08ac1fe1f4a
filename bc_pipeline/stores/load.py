"""Read BC_STORES_FILE: bounded, safe YAML; pydantic validation; the rules that span stores (unique labels,
one DuckDB file and one BigCommerce store per entry). Every problem is one line naming the file, the store
(its label, or its position when the label itself is wrong) and the key; `StoresFileError.problems` lists
them and the message joins them with newlines.

Without BC_STORES_FILE the single store of today's BC_* settings is the one store (`load_stores`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from bc_pipeline.config import Settings, load_settings
from bc_pipeline.mapping.errors import hint
from bc_pipeline.stores.model import LABEL, Store, StoreEntry, StoresFile, store_from_settings

STORES_FILE_VARIABLE = "BC_STORES_FILE"
MAX_FILE_BYTES = 1024 * 1024
_KEYS = tuple(StoreEntry.model_fields)


class StoresFileError(ValueError):
    """A stores file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def load_stores(env: Mapping[str, str] | None = None, *, today: date | None = None) -> list[Store]:
    """The stores to work on: those of BC_STORES_FILE, else the one store of the BC_* settings."""
    env = os.environ if env is None else env
    path = (env.get(STORES_FILE_VARIABLE) or "").strip()
    if not path:
        return [store_from_settings(load_settings(env, today=today))]
    return load_stores_file(Path(path), env=env, today=today)


def configured_stores(settings: Settings) -> list[Store]:
    """The stores of settings.stores_file, else the one BC_* store, else none (no credentials set)."""
    if settings.stores_file is not None:
        return load_stores_file(settings.stores_file)
    return [store_from_settings(settings)] if settings.has_store_credentials else []


def load_stores_file(path: Path, *, env: Mapping[str, str] | None = None, today: date | None = None) -> list[Store]:
    """Validate the file at `path`; raise StoresFileError listing every problem."""
    data = _read_yaml(path)
    context = {"env": os.environ if env is None else env, "today": today or date.today()}
    try:
        parsed = StoresFile.model_validate(data, context=context)
    except ValidationError as exc:
        raise StoresFileError([_problem(path, data, error) for error in exc.errors()]) from None
    stores = [entry.to_store() for entry in parsed.stores]
    problems = _cross_store_problems(path, stores)
    if problems:
        raise StoresFileError(problems)
    return stores


def _read_yaml(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise StoresFileError([f"stores file {path}: cannot be read ({exc.strerror or exc})"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise StoresFileError([f"stores file {path}: larger than {MAX_FILE_BYTES // 1024} KiB; refused"])
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise StoresFileError([f"stores file {path}: is not UTF-8 text"]) from None
    except yaml.YAMLError as exc:  # the problem and position only: the quoted snippet could hold a secret
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        reason = getattr(exc, "problem", None) or "cannot be parsed"
        raise StoresFileError([f"stores file {path}: {where}not valid YAML ({reason})"]) from None
    if not isinstance(data, dict):
        raise StoresFileError([f"stores file {path}: stores: Field required (a `stores:` list of stores)"])
    return data


def _problem(path: Path, data: object, error: Mapping) -> str:
    """One line for one pydantic error: file, store (label or position), key, what is wrong."""
    loc = [part for part in error["loc"] if not str(part).startswith("function-")]
    message = str(error["msg"]).removeprefix("Value error, ")
    key = str(loc[-1]) if loc else ""
    if error["type"] == "extra_forbidden":
        message = f"unknown key{hint(key, _KEYS if len(loc) > 1 else ('stores',))}"
    elif error["type"] == "model_type":
        message = "is not a store (a mapping with label, store_hash, token_env, start_date, ...)"
    if len(loc) >= 2 and loc[0] == "stores" and isinstance(loc[1], int):
        where = _store_name(data, loc[1])
        if len(loc) == 2:  # a rule over the whole entry: its message starts with the key
            return f"stores file {path}: {where}: {message}"
        return f"stores file {path}: {where}: {'.'.join(str(p) for p in loc[2:])}: {message}"
    return f"stores file {path}: {'.'.join(str(p) for p in loc) or 'stores'}: {message}"


def _store_name(data: object, index: int) -> str:
    entries = data.get("stores") if isinstance(data, dict) else None
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    label = entry.get("label") if isinstance(entry, dict) else None
    return f"store {label!r}" if isinstance(label, str) and LABEL.match(label) else f"store #{index + 1}"


def _cross_store_problems(path: Path, stores: list[Store]) -> list[str]:
    """Rules over several entries: a label, a DuckDB file and a BigCommerce store belong to one entry each."""
    problems: list[str] = []
    seen: dict[str, dict[object, int]] = {"label": {}, "duckdb_path": {}, "store_hash": {}}
    for index, store in enumerate(stores):
        keys = {
            "label": store.label,
            "duckdb_path": store.duckdb_path.resolve(),
            "store_hash": (store.api_url, store.store_hash.lower()),
        }
        for key, value in keys.items():
            first = seen[key].setdefault(value, index)
            if first != index:
                other = f"store #{first + 1} ({stores[first].label!r})"
                what = {"label": f"is also the label of {other}", "duckdb_path": f"is also the file of {other}",
                        "store_hash": f"is the same BigCommerce store as {other}"}[key]  # fmt: skip
                problems.append(f"stores file {path}: store #{index + 1} ({store.label!r}): {key}: {what}")
    return problems
