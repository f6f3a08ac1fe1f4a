"""Leave the process as soon as the command is done, without the interpreter's teardown.

When a command returns, Python frees every object it still holds one by one: the loaded Dagster
definitions and instance, the embedded emulator's store, the imported modules. Nothing of that is needed
any more, and for `bc-pipeline sync` it is a large part of a no-op sync's time (about 1 s under load).
Everything the command wrote is committed and closed by then (DuckDB files, the Dagster instance's
storages), so the exit runs the atexit handlers (logging's flush among them), flushes the standard streams
and ends the process with the command's exit status. If a non-daemon thread is still running, the normal
exit (which waits for it) is kept, and so it is under a profiler or a tracer (cProfile, coverage), which
write their results at the interpreter's exit.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading


def exit_status(code: object) -> int:
    """What SystemExit(code) would exit with: None is 0, an int itself, anything else printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def exit_now(code: object) -> None:
    """End the process with `code` as sys.exit would, skipping only the interpreter's teardown."""
    others_running = any(t.is_alive() and not t.daemon for t in threading.enumerate()
                         if t is not threading.main_thread())
    if others_running or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    status = exit_status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    os._exit(status)
