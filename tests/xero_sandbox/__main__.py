"""`python -m xero_sandbox [--host 127.0.0.1] [--port 8071] [--quiet]`"""

import argparse
import contextlib
import sys

from .server import SandboxServer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="xero_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    args = parser.parse_args(argv)
    server = SandboxServer(host=args.host, port=args.port, quiet=args.quiet)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
