"""A failed step leads with its cause: one line, logged at ERROR (the first error on the run page) and
raised as `dg.Failure` with that line as its description, without the chain of the exception that led there.

Stream errors are already one line each (and recorded in the warehouse's sync state); API errors
(BigCommerceError: the request and the status, never the token) and DuckDB's lock error say what is wrong
in their message, so their traceback would only push the cause down the page. Any other exception is a bug
and keeps its traceback.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import dagster as dg

from bc_pipeline.bigcommerce.errors import BigCommerceError
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse.errors import DatabaseIOError


def fail(context: dg.AssetExecutionContext, reason: str) -> NoReturn:
    line = " ".join(reason.split())
    context.log.error(line)
    raise dg.Failure(description=line) from None


def fail_on_stream_errors(context: dg.AssetExecutionContext, reports: dict[str, StreamReport]) -> None:
    failed = [r for r in reports.values() if r.error]
    if failed:
        fail(context, "; ".join(f"{r.stream}: {r.error}" for r in failed))


@contextmanager
def one_line_failures(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Turn the errors whose message is their cause into a one-line failure of the step."""
    try:
        yield
    except (BigCommerceError, DatabaseIOError) as exc:
        fail(context, str(exc))
