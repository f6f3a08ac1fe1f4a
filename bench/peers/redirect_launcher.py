"""Run a peer connector with its hard-coded BigCommerce host rewritten to the emulator's address.

Both peers build their URLs from a constant (`https://api.bigcommerce.com/stores/{hash}/...`) and offer no
config field for the host. Rather than edit their installed code, this launcher runs inside the peer's own
virtual environment, patches `requests.adapters.HTTPAdapter.send` (the one place every `requests` session,
including requests-futures and requests-cache sessions, hands a prepared request to the network) so that
URLs starting with the real host are sent to the emulator instead, then calls the peer's console script.

It runs under the peer's interpreter (Python 3.10 for Airbyte), so it uses only the standard library and
`requests`, and nothing newer than Python 3.10 syntax.

Usage: python redirect_launcher.py --to http://127.0.0.1:PORT --script tap-bigcommerce -- <peer args>
"""

import argparse
import os
import sys
from importlib.metadata import entry_points

# Running this file puts its folder first on sys.path; drop it so the peer's imports (e.g. `singer`) cannot
# pick up a module of the benchmark by name.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

REAL_HOST = "https://api.bigcommerce.com"


def install_redirect(target: str, real_host: str = REAL_HOST, aliases=()) -> None:
    """Send every request for `real_host` to `target` (scheme://host:port, no trailing slash).

    `aliases` are (old, new) path fragments replaced in redirected URLs: only for paths the real API serves
    under two names and the emulator under one (the harness passes them after probing the emulator).
    """
    import requests.adapters

    original_send = requests.adapters.HTTPAdapter.send
    target = target.rstrip("/")

    def send(self, request, *args, **kwargs):
        if request.url and request.url.startswith(real_host):
            request.url = target + request.url[len(real_host):]
        if request.url and request.url.startswith(target):
            for old, new in aliases:
                request.url = request.url.replace(old, new)
        return original_send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = send


def load_console_script(name: str):
    for ep in entry_points(group="console_scripts"):
        if ep.name == name:
            return ep.load()
    raise SystemExit(f"no console script named {name!r} in this environment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", required=True, help="emulator base URL, e.g. http://127.0.0.1:8765")
    parser.add_argument("--script", required=True, help="the peer's console script name")
    parser.add_argument("--alias", action="append", default=[], help="OLD=NEW path fragment (repeatable)")
    parser.add_argument("peer_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    peer_args = args.peer_args[1:] if args.peer_args[:1] == ["--"] else args.peer_args
    install_redirect(args.to, aliases=[tuple(a.split("=", 1)) for a in args.alias])
    entry = load_console_script(args.script)
    sys.argv = [args.script, *peer_args]
    result = entry()
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
