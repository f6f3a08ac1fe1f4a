"""Row dicts -> one JSON document that DuckDB reads itself (staging's fast path, on Linux).

Lifting ~60 fields out of every row dict in Python (Arrow's struct converter, a `dict.get` pass per JSON column
and an `orjson.dumps` call per JSON value) was most of a sync's CPU per record. Here orjson serializes the whole
batch in one call (in C, no Python object per value) into an anonymous in-memory file (`memfd_create`: nothing
on disk, nothing left behind by a crash; one per thread and table, written again for every batch), and DuckDB's
JSON reader scans it by path (`/proc/self/fd/N`; DuckDB caches no local file, `cache_local_files`): every
contract column as the text the JSON holds (a number as written, so v3 money stays exact; an object or list as
its JSON text), JSON columns as JSON. staging.py then types the text as it types the column-by-column path's.

A row's position in the batch (`_ord`) is its ordinality in the scan (`WITH ORDINALITY`, counted from 1), so
the rows are not touched. DuckDB's reader refuses a row longer than its `maximum_object_size`, which is set to
the document's length (no row is longer). A batch orjson cannot encode (an integer beyond 64 bits) or whose
document is past LARGEST (64 MiB: the reader's buffer is twice that, within the 512 MB DuckDB may use) takes
the Arrow path (staging_struct.py, staging_columns.py), as every batch does where memfd does not exist.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import orjson

from bc_pipeline.warehouse.contract import check_identifier
from bc_pipeline.warehouse.staging_columns import json_default

AVAILABLE = hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")
LARGEST = 64 << 20  # bytes of the largest document DuckDB reads (see above)
_DEFAULT_OBJECT_SIZE = 16 << 20  # DuckDB's own default for maximum_object_size
_OPTIONS = orjson.OPT_NON_STR_KEYS  # keys that are not text: a retry, as the option costs a third more


def json_document(rows: Sequence[dict]) -> bytes | None:
    """The rows as one JSON array; None when orjson cannot encode them or the document is past LARGEST."""
    try:
        document = orjson.dumps(rows, default=json_default)  # parsed JSON: text keys (datetimes in ISO 8601)
    except (TypeError, orjson.JSONEncodeError):
        try:
            document = orjson.dumps(rows, default=json_default, option=_OPTIONS)
        except (TypeError, orjson.JSONEncodeError):  # an integer beyond 64 bits: the Arrow path keeps it as text
            return None
    return document if len(document) <= LARGEST else None


class _Scratch:
    """One in-memory file that documents are written into, one after another. Its pages stay allocated from
    one batch to the next: a fresh file per batch cost the kernel a zeroed page per 4 KiB written and freeing
    them all again at close (about 2% of a full sync's CPU). The file is closed when its owner is collected."""

    def __init__(self) -> None:
        self.fd = os.memfd_create("bc_pipeline_staging", os.MFD_CLOEXEC)
        self.pid = os.getpid()  # a forked child shares the file with its parent: it makes its own
        self.busy = False
        weakref.finalize(self, os.close, self.fd)

    def hold(self, document: bytes) -> str:
        """Make the file hold exactly `document`; its path."""
        view, offset = memoryview(document), 0
        while view:
            written = os.pwrite(self.fd, view, offset)
            offset, view = offset + written, view[written:]
        os.ftruncate(self.fd, offset)  # a shorter document than the last: the reader stops at its end
        return f"/proc/self/fd/{self.fd}"


class _ThreadFiles(threading.local):
    """Each thread's files, one per table (a table's documents are alike in size)."""

    def __init__(self) -> None:
        self.by_table: dict[str, _Scratch] = {}


_files = _ThreadFiles()


@contextmanager
def readable(document: bytes, table: str = "") -> Iterator[str]:
    """A path DuckDB can read the document from, valid inside the block: an anonymous in-memory file, this
    thread's for `table` (a new one if that is in use: the block is entered again before it ends)."""
    scratch = _files.by_table.get(table)
    if scratch is None or scratch.pid != os.getpid():
        scratch = _files.by_table[table] = _Scratch()
    elif scratch.busy:  # entered again before the block ended: a file of its own, this once
        scratch = _Scratch()
    scratch.busy = True
    try:
        yield scratch.hold(document)
    finally:
        scratch.busy = False


def scan_sql(path: str, length: int, read: Mapping[str, tuple[str, str]]) -> str:
    """`read_json` of the document (`length` bytes), a subquery: each key of `read` as (its name in the scan,
    its DuckDB type), and `_ord`, the row's position (from 0)."""
    if not path.startswith("/proc/self/fd/") or not path.removeprefix("/proc/self/fd/").isdigit():
        raise ValueError(f"not a staging document path: {path!r}")
    spec = ", ".join(f"'{check_identifier(key)}': '{sql_type}'" for key, (_, sql_type) in read.items())
    names = ", ".join(check_identifier(name) for name, _ in read.values())
    longest = max(_DEFAULT_OBJECT_SIZE, int(length))  # no row is longer than the document
    scan = (f"read_json('{path}', format = 'array', compression = 'uncompressed', auto_detect = false, "
            f"maximum_object_size = {longest}, columns = {{{spec}}}) WITH ORDINALITY AS scan({names}, _position)")
    return f"(SELECT *, _position - 1 AS _ord FROM {scan})"
