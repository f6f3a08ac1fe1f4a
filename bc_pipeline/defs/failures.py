"""A failed step leads with its cause: one line, logged at ERROR (the first error on the run page) and
raised as `dg.Failure` with that line as its description, without the chain of the exception that led there.

The line names the run's store (`store acme: ...`: its partition, or the `bc/store` tag of an unpartitioned
run), so that a failure read anywhere (the run page, an alert, the CLI's summary) says which store failed.

Stream errors are already one line each (and recorded in the warehouse's sync state); API errors
(BigCommerceError: the request and the status, never the token) and DuckDB's lock error say what is wrong
in their message, so their traceback would only push the cause down the page. Any other exception is a bug
and keeps its traceback: raised in the step, or, for a stream that failed on one (an IndexError in our own
code), logged at ERROR before the step's one-line failure, since the stream's error line is only its message.
"""

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import dagster as dg

from bc_pipeline.bigcommerce.errors import BigCommerceError
from bc_pipeline.bigcommerce.paging_styles import UnorderedPageError
from bc_pipeline.completion.orders import LineItemsIncompleteError
from bc_pipeline.stores import STORE_TAG
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse.errors import DatabaseIOError
from bc_pipeline.warehouse.store import WrongStoreError

# Errors whose message is their cause: the API's, and the database file's (held, unreadable, disk full)
_SAID_IN_ONE_LINE = (BigCommerceError, DatabaseIOError)
# ... and, in a stream, a record the API gave wrong or a database file holding another store
_STREAM_SAID_IN_ONE_LINE = (*_SAID_IN_ONE_LINE, LineItemsIncompleteError, UnorderedPageError, WrongStoreError)


def run_store(context: dg.AssetExecutionContext) -> str | None:
    """The label of the run's store: its partition key, else its bc/store tag."""
    if context.has_partition_key:
        return context.partition_key
    return context.run.tags.get(STORE_TAG)


def fail(context: dg.AssetExecutionContext, reason: str) -> NoReturn:
    label = run_store(context)
    line = " ".join((f"store {label}: {reason}" if label else reason).split())
    context.log.error(line)
    raise dg.Failure(description=line) from None


def fail_on_stream_errors(context: dg.AssetExecutionContext, reports: dict[str, StreamReport]) -> None:
    failed = [r for r in reports.values() if r.error]
    for r in failed:
        if r.failure is not None and not isinstance(r.failure, _STREAM_SAID_IN_ONE_LINE):
            context.log.error(f"stream {r.stream} failed on a bug (please report it with this traceback):\n"
                              + "".join(traceback.format_exception(r.failure)).rstrip())
    if failed:
        fail(context, "; ".join(f"{r.stream}: {r.error}" for r in failed))


@contextmanager
def one_line_failures(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Turn the errors whose message is their cause into a one-line failure of the step."""
    try:
        yield
    except _SAID_IN_ONE_LINE as exc:
        fail(context, str(exc))
