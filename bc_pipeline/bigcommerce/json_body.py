"""A response body's JSON, exactly: orjson on the hot path, the standard library when orjson could lose digits.

orjson turns an integer past 64 bits into a float, silently. Any such integer has 19+ digits in a row, so a
body with such a run (a long numeric string too) goes to the standard library, which keeps it exact.

Finding the runs is a pass over every byte of every page. It is done in numpy (already loaded with pyarrow)
over 8-byte words: a run of 19+ digits always covers a whole word that is all digits (aligned to the body's
start), and only the bytes around such words (a few hundred in a 2 MB page of orders: phone numbers, long
ids) are searched exactly. A quarter of the cost of the byte-by-byte `translate` it replaced.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import orjson

_RUN = 19  # the shortest run of digits that may be an integer past 64 bits
_DIGITS_AS_ZERO = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_RUN_AS_ZEROS = b"0" * _RUN
_ALL_DIGITS_WORD = np.uint64(0x0101010101010101)  # eight digit flags (bytes of 1) viewed as one word
_MANY_WORDS = 4096  # more all-digit words than this: one exact pass over the whole body is cheaper


def _has_run_exactly(text: bytes) -> bool:
    return text.translate(_DIGITS_AS_ZERO).find(_LONG_RUN_AS_ZEROS) >= 0


def has_long_digit_run(body: bytes) -> bool:
    """Whether `body` holds 19 or more ASCII digits in a row.

    A run [p, p+19) covers the aligned word starting at the first multiple of 8 at or after p (at most p+7,
    so the word ends by p+15); and any 19 digits of a run that covers word w lie within [8w-11, 8w+19)."""
    whole = len(body) // 8 * 8
    flags = np.frombuffer(body, np.uint8, whole) - np.uint8(48)  # digits become 0-9; every other byte >= 10
    np.less(flags, 10, out=flags)  # 1 for a digit, in place (no second buffer)
    words = np.flatnonzero(flags.view(np.uint64) == _ALL_DIGITS_WORD)
    if len(words) > _MANY_WORDS:
        return _has_run_exactly(body)
    for w in words.tolist():
        start = 8 * w
        if _has_run_exactly(body[max(0, start - (_RUN - 8)): start + _RUN]):
            return True
    return False


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # the standard library's extension; orjson refuses it too


def parse_json(body: bytes) -> Any:
    """A response body's JSON, exactly (see the module docstring). Raises ValueError when it is not JSON
    (NaN and Infinity included, on both paths)."""
    if has_long_digit_run(body):
        return json.loads(body, parse_constant=_not_json)
    return orjson.loads(body)
