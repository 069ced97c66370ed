"""Servers that misbehave on purpose, for the reliability, security and TLS tests.

Everything listens on 127.0.0.1 only. ``ScriptedServer`` answers each request through a function
given by the test (so it can send chunked bodies, resets or TLS), ``silent_listener`` accepts TCP
connections but never answers, and ``unreachable_listener`` makes connects hang.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyodk

Respond = Callable[[BaseHTTPRequestHandler], None]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a connect to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def send_json(handler: BaseHTTPRequestHandler, payload: Any, status: int = 200) -> None:
    body = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def send_chunked(handler: BaseHTTPRequestHandler, chunks: list[bytes], status: int = 200) -> None:
    """An answer without Content-Length: its size is known only once it has all arrived."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for chunk in chunks:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    handler.wfile.write(b"0\r\n\r\n")


def reset_connection(handler: BaseHTTPRequestHandler) -> None:
    """Abort with a TCP RST (SO_LINGER 0) instead of an answer."""
    handler.close_connection = True
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


class ScriptedServer:
    """An HTTP(S) server whose every answer is written by ``respond``; it logs (method, path)."""

    def __init__(self, respond: Respond, ssl_context: ssl.SSLContext | None = None) -> None:
        self.requests: list[tuple[str, str]] = []
        self.peer_certs: list[Any] = []
        self.tls_failures = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.requests.append((self.command, self.path))
                if isinstance(self.connection, ssl.SSLSocket):
                    server.peer_certs.append(self.connection.getpeercert())
                respond(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self) -> tuple[socket.socket, Any]:
                sock, address = self.socket.accept()
                if ssl_context is None:
                    return sock, address
                # Handshake here rather than on the listening socket, so a failed one is counted.
                try:
                    return ssl_context.wrap_socket(sock, server_side=True), address
                except (ssl.SSLError, OSError):
                    server.tls_failures += 1
                    sock.close()
                    raise

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        scheme = "https" if ssl_context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/services"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """A port whose connections are accepted by the kernel but never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


@contextlib.contextmanager
def unreachable_listener() -> Iterator[int]:
    """A port where connecting hangs: the accept queue is full, so new SYNs are dropped."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        fillers = []
        try:
            for _ in range(4):
                filler = socket.socket()
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect(("127.0.0.1", port))
                fillers.append(filler)
            yield port
        finally:
            for filler in fillers:
                filler.close()


def configuration(url: str, token: str = "test-token", **settings: Any) -> pyodk.Configuration:
    """A Configuration for ``url``; ``settings`` are set as attributes (retries=..., ...)."""
    config = pyodk.Configuration()
    config.host = url
    config.access_token = token
    for name, value in settings.items():
        setattr(config, name, value)
    return config


class Sleeps(list[float]):
    """An injectable sleep that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(total: int = 3, sleep: Callable[[float], None] | None = None, **kw: Any) -> Any:
    """A RetryPolicy that never really sleeps and always draws the full backoff ceiling."""
    sleep = sleep if sleep is not None else Sleeps()  # an empty Sleeps is falsy
    return pyodk.RetryPolicy(total, sleep=sleep, random=lambda: 1.0, **kw)


def trickle(body: bytes, interval: float, headers_too: bool = False) -> Respond:
    """An answer sent one byte every ``interval`` seconds: its body, or its whole head and body.

    Each byte arrives well within any read timeout, so only a deadline on the whole call ends it.
    """

    def respond(handler: BaseHTTPRequestHandler) -> None:
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        slow = head + body if headers_too else body
        try:
            if not headers_too:
                handler.wfile.write(head)
            for byte in slow:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass  # the client gave up, as it should
        handler.close_connection = True

    return respond


def stall(seconds: float, then: Respond | None = None) -> Respond:
    """Wait ``seconds`` before answering (with ``then``, or an empty JSON object)."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        with contextlib.suppress(OSError):  # the client gave up
            (then or (lambda h: send_json(h, {})))(handler)

    return respond
