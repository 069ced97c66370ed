"""A scripted HTTP server on 127.0.0.1: it records every request and answers what a test queues.

The fake Oktawave server (pyodk.testing) behaves like the service; this one answers exactly what a
test asks for, byte for byte, so that decoding and transport edge cases can be provoked.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # keys lower-cased
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})


class StubServer:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._answers: deque[Answer] = deque()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                with stub._lock:
                    stub.received.append(
                        Received(
                            self.command,
                            parts.path,
                            parse_qs(parts.query, keep_blank_values=True),
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                        )
                    )
                    answer = stub._answers.popleft() if stub._answers else Answer()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/services"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def answer(
        self,
        body: Any = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        """Queue the next answer: ``body`` as JSON, or ``raw`` bytes as they are."""
        payload = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
        all_headers = {"Content-Type": "application/json; charset=utf-8"}
        all_headers.update(headers or {})
        with self._lock:
            self._answers.append(Answer(status, payload, all_headers))

    @property
    def last(self) -> Received:
        return self.received[-1]

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self._answers.clear()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
