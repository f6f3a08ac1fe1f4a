"""The one line of an error message a user should read.

Messages can span lines. DuckDB's put the error on the first line (`Conversion Error: ...`), then hints, then
the SQL it was running (`LINE 1: ...`) and a caret under the offending token (`      ^`): the reason is the
first line. Otherwise the innermost reason is the last line that is not blank.
"""

from __future__ import annotations

import re

_SQL_ECHO = re.compile(r"^\s*(\^+|LINE \d+:.*)\s*$")


def meaningful_line(message: str, default: str = "error") -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return default
    if any(_SQL_ECHO.match(line) for line in lines):
        return lines[0]
    return lines[-1]
