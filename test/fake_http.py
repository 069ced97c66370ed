"""A tiny raw-HTTP client for testing the fake server without depending on pyodk's own client."""

from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from pyodk.testing import FakeOktawaveServer


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class ManualClock:
    """A clock that only moves when told to, for exact ticket timing."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RawApi:
    """Talks to a fake server over one keep-alive connection, reconnecting when it breaks."""

    def __init__(self, server: FakeOktawaveServer, token: str | None = None) -> None:
        self.server = server
        self.token = server.access_token if token is None else token
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        parts = urlsplit(self.server.url)
        return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> Response:
        sent_headers = dict(headers or {})
        if auth:
            sent_headers.setdefault("Authorization", f"Bearer {self.token}")
        data = raw_body
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            sent_headers.setdefault("Content-Type", content_type)
        target = path if path.startswith("/core/") else "/services" + path
        try:
            self.conn.request(method, target, body=data, headers=sent_headers)
            answer = self.conn.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        except (ConnectionError, http.client.HTTPException):
            self.conn.close()
            self.conn = self._connect()
            raise

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.call("GET", path, **kwargs)

    def close(self) -> None:
        self.conn.close()


def token_request(
    server: FakeOktawaveServer,
    form: dict[str, str],
    client: tuple[str, str] | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> Response:
    headers = {"Content-Type": content_type}
    if client is None:
        client = (server.client_id, server.client_secret)
    if client:
        pair = f"{client[0]}:{client[1]}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    parts = urlsplit(server.token_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("POST", parts.path, body=urlencode(form).encode(), headers=headers)
        answer = conn.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        conn.close()
