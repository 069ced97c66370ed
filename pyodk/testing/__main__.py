"""``python -m pyodk.testing``: run the fake Oktawave API in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading

from pyodk.testing.server import FakeOktawaveServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pyodk.testing",
        description="Run a fake Oktawave API (instances, OCI snapshots, tickets, OAuth2 tokens) "
        "locally, with a control API under /_fake for tests in other processes.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--ticket-duration",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds a snapshot operation takes; 0 finishes at once (default: 1.0)",
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="start with no instances or snapshots"
    )
    args = parser.parse_args(argv)
    server = FakeOktawaveServer(
        host=args.host,
        port=args.port,
        ticket_duration=args.ticket_duration,
        seed_defaults=not args.no_seed,
    )
    server.start()
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
