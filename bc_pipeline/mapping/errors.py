"""The one error a mapping file can raise: a single line that names the file, the entity, the key and the
nearest valid name, so the Dagster UI, `dagster definitions validate` and `bc-pipeline mapping check` all
show the user exactly which line to fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class MappingError(ValueError):
    """A mapping file that cannot be used. The message is one line."""


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to `name` (difflib), or None when nothing is close."""
    pool = sorted({str(c) for c in candidates})
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.5)
    if not found:
        found = difflib.get_close_matches(name.lower(), pool, n=1, cutoff=0.4)
    return found[0] if found else None


def hint(name: str, candidates: Iterable[str]) -> str:
    """'; nearest valid name: 'x'' or a short list of valid names when nothing is close."""
    pool = sorted({str(c) for c in candidates})
    best = nearest(name, pool)
    if best is not None:
        return f"; nearest valid name: {best!r}"
    shown = ", ".join(repr(p) for p in pool[:8])
    more = ", ..." if len(pool) > 8 else ""
    return f"; valid names: {shown}{more}" if pool else ""
