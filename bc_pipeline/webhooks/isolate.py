"""Which files of a failed batch are poison: bisect the batch, quarantine what fails alone.

A batch is applied as one (one bulk request per stream, whatever the number of files). When that fails, the
cause decides:
* an outage (the API unreachable, the token refused, the store's API failing even on a plain GET /v2/time,
  DuckDB locked, out of disk or with a table altered by hand) is nobody's file's fault: the attempt stops, what
  is not applied stays in inbox/ and the sensor retries it later (a new run after RETRY_AFTER_S);
* anything else (DuckDB refusing a value, the API answering 4xx or failing on these ids while it answers a
  plain request, a record the flattener cannot read) may be one file's doing: the batch is split in halves and
  each half applied on its own, recursively. Halves that succeed are applied (and moved) at once; a single file
  that still fails is quarantined with the failure as its reason.
Bisecting rather than retrying file by file: k poison files among n cost about 2·k·log2(n) extra attempts,
each a bulk request, instead of n attempts of one file each; a batch without poison costs nothing extra. The
probe that tells an outage from a poison costs one request, made only after a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bc_pipeline.bigcommerce.errors import (
    ApiUnavailableError,
    ApiUnreachableError,
    AuthError,
    ScopeError,
    StoreNotFoundError,
)
from bc_pipeline.error_text import meaningful_line
from bc_pipeline.warehouse.errors import ENVIRONMENT_ERRORS

# nothing a payload names can cause these: the environment is at fault, so no file is
_ENVIRONMENT = (
    AuthError, ScopeError, StoreNotFoundError, ApiUnreachableError,
    *ENVIRONMENT_ERRORS, OSError, MemoryError,
)


class ApplyFailure(Exception):
    """Applying some files failed; `reason` is one line, `cause` the exception behind it (if known)."""

    def __init__(self, reason: str, cause: BaseException | None = None):
        super().__init__(reason)
        self.reason = meaningful_line(reason)
        self.cause = cause


class WebhookApplyError(RuntimeError):
    """An outage: the files not yet applied stay in the inbox for the next run."""


def is_outage(failure: ApplyFailure, store_answers: Callable[[], bool]) -> bool:
    cause = failure.cause
    if isinstance(cause, _ENVIRONMENT):
        return True
    if isinstance(cause, ApiUnavailableError):
        return not store_answers()
    return False


def apply_isolating(
    names: Sequence[str],
    attempt: Callable[[Sequence[str]], None],
    quarantine: Callable[[str, str], None],
    outage: Callable[[ApplyFailure], bool],
) -> None:
    """`attempt(names)` applies files (and moves them) or raises ApplyFailure. Raises WebhookApplyError."""
    if not names:
        return
    try:
        attempt(names)
        return
    except ApplyFailure as failure:
        if outage(failure):
            raise WebhookApplyError(failure.reason) from None
        if len(names) == 1:
            quarantine(names[0], f"could not be applied: {failure.reason}")
            return
    middle = len(names) // 2
    apply_isolating(names[:middle], attempt, quarantine, outage)
    apply_isolating(names[middle:], attempt, quarantine, outage)
