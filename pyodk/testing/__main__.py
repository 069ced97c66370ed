"""``python -m pyodk.testing``: run the fake Oktawave API in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading

from pyodk.testing.server import FakeOktawaveServer
from pyodk.testing.state import checked_ticket_duration

PROG = "python -m pyodk.testing"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line's options; a bad one exits with status 2 and argparse's one-line error."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run a fake Oktawave API (instances, OCI snapshots, tickets, OAuth2 tokens) "
        "locally, with a control API under /_fake for tests in other processes.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=_port, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--ticket-duration",
        type=_ticket_duration,
        default=1.0,
        metavar="S",
        help="seconds a snapshot operation takes, 0 or more; 0 finishes at once (default: 1.0)",
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="start with no instances or snapshots"
    )
    return parser.parse_args(argv)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"expected a port number, 0 to 65535 (0: a free one), got {text!r}"
        )
    return port


def _ticket_duration(text: str) -> float:
    try:
        return checked_ticket_duration(float(text))
    except ValueError:  # float() of no number, or the server's own refusal
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, 0 or more, got {text!r}"
        ) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    server = FakeOktawaveServer(
        host=args.host,
        port=args.port,
        ticket_duration=args.ticket_duration,
        seed_defaults=not args.no_seed,
    )
    try:
        server.start()
    except OSError as error:
        # A port in use, an address not of this machine: the user's to fix, so one line.
        reason = error.strerror or str(error)
        print(f"{PROG}: error: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 1
    print(f"Fake Oktawave API listening at {server.url}")
    print(f"Access token:  {server.access_token}")
    print(f"Token URL:     {server.token_url}")
    print(f"Control API:   {server.control_url} (GET it for the list of endpoints)")
    print(f"Client:        {server.client_id} / {server.client_secret}")
    print(f"Account:       {server.username} / {server.password}")
    print("Use it from a shell:")
    for name, value in server.environ().items():
        print(f"  export {name}={value}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("Stopping.", file=sys.stderr)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
