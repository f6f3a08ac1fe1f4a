"""The project's response contract agrees with the official OpenAPI files, field by field.

For every field the contract types, the official schema at the same place (through `$ref`, `allOf`,
`oneOf`/`anyOf` and array items) must exist, accept the contract's JSON types (an integer is a number), be
nullable exactly when the contract says so, and allow every enum value the contract names. A disagreement is
accepted only on a field listed in DIFFERENCES, with its reason. Runs only where BC_OPENAPI_EXTRACTS names
the extracts (they are not committed: see fixtures/openapi/README.md); elsewhere it skips and says why.
"""

from __future__ import annotations

import re

import pytest

from bc_pipeline_tests.fixtures.response_contract import schema_for
from bc_pipeline_tests.response_contract_support import (
    DIFFERENCES,
    NO_EXTRACTS,
    OFFICIAL,
    OPENAPI,
    official_extract,
)

pytestmark = pytest.mark.skipif(OPENAPI is None, reason=NO_EXTRACTS)
ALL_INCLUDES = frozenset({"addresses", "attributes", "formfields", "storecredit", "consignments.line_items",
                          "variants", "custom_fields", "images", "options"})


def _flat(node: dict, defs: dict) -> list[dict]:
    """The plain schemas a node stands for: references followed, every allOf/oneOf/anyOf part listed."""
    if "$ref" in node:
        return _flat(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    parts = [p for key in ("allOf", "oneOf", "anyOf") for p in node.get(key, [])]
    own = {k: v for k, v in node.items() if k not in ("allOf", "oneOf", "anyOf")}
    return ([own] if own or not parts else []) + [f for p in parts for f in _flat(p, defs)]


def _types(nodes: list[dict]) -> set[str] | None:
    """JSON types the nodes accept; None when none of them says (parts that only add `required` or bounds
    to an allOf say nothing about the type)."""
    out: set[str] = set()
    for n in nodes:
        t = n.get("type") or ("object" if "properties" in n else "array" if "items" in n else None)
        out |= set() if t is None else {t} if isinstance(t, str) else set(t)
    return out or None


def _disagreement(contract: dict, official: list[dict]) -> str | None:
    mine, theirs = _types([contract] if "anyOf" not in contract else contract["anyOf"]), _types(official)
    if mine and theirs is not None:
        wrong = {t for t in mine - {"null"} if t not in theirs and not (t == "integer" and "number" in theirs)}
        if wrong or ("null" in mine) != ("null" in theirs):
            return f"types {sorted(mine)} against {sorted(theirs)}"
    enums = [v for n in official for v in n.get("enum", [])]
    extra = {v for v in contract.get("enum", []) if v is not None} - set(enums)
    return f"enum values {sorted(extra, key=str)} not in the file" if enums and extra else None


def _walk(contract: dict, official: list[dict], defs: dict, path: str, found: list[tuple[str, str]]):
    problem = _disagreement(contract, official)
    if problem:
        found.append((path, problem))
    for alternative in contract.get("anyOf", []):
        _walk(alternative, official, defs, path, found)
    for name, sub in contract.get("properties", {}).items():
        theirs = [f for n in official if name in n.get("properties", {})
                  for f in _flat(n["properties"][name], defs)]
        if theirs:
            _walk(sub, theirs, defs, f"{path}.{name}", found)
        else:
            found.append((f"{path}.{name}", "not in the file"))
    if "items" in contract:
        theirs = [f for n in official if "items" in n for f in _flat(n["items"], defs)]
        if theirs:
            _walk(contract["items"], theirs, defs, f"{path}[]", found)
        else:
            found.append((f"{path}[]", "no items in the file"))


def findings(endpoint: str) -> list[tuple[str, str]]:
    """(path, what differs) for every contract field the official file does not confirm."""
    extract, spec_path = OFFICIAL[endpoint]
    spec = official_extract(extract)
    found: list[tuple[str, str]] = []
    _walk(schema_for(endpoint, ALL_INCLUDES), _flat(spec["endpoints"][spec_path], spec["$defs"]),
          spec["$defs"], "", found)
    return found


def disagreements(endpoint: str) -> list[tuple[str, str]]:
    allowed = DIFFERENCES.get(OFFICIAL[endpoint][0], {})
    return [(path, why) for path, why in findings(endpoint) if not any(_within(path, f) for f in allowed)]


def _within(path: str, field: str) -> bool:
    """Whether `path` is `field` (a name or the end of a path) or lies inside it."""
    return re.search(rf"\.{re.escape(field)}($|[\[.])", path) is not None


@pytest.mark.parametrize("endpoint", sorted(OFFICIAL))
def test_the_contract_agrees_with_the_official_file(endpoint):
    assert disagreements(endpoint) == []


def test_every_contract_endpoint_has_an_official_counterpart():
    from bc_pipeline_tests.fixtures.response_contract import RESPONSES
    assert set(RESPONSES) == set(OFFICIAL)


def test_every_listed_difference_is_still_one():
    """A difference the files no longer show (or a field renamed) leaves DIFFERENCES, so the list stays true."""
    found = {(OFFICIAL[e][0], path) for e in OFFICIAL for path, _ in findings(e)}
    stale = [(extract, field) for extract, fields in DIFFERENCES.items() for field in fields
             if not any(x == extract and _within(path, field) for x, path in found)]
    assert stale == []
