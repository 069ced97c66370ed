"""A tiny raw-HTTP client for testing the fake server without depending on pyodk's own client."""

from __future__ import annotations

import base64
import http.client
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from pyodk.testing import FakeOktawaveServer

CONTRACT: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent.parent / "api" / "oktawave.swagger.json").read_text("utf-8")
)
_WIRE_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}(Z|[+-]\d\d:\d\d)?")
_INT32 = range(-(2**31), 2**31)


def contract_mismatches(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Where ``value`` strays from a schema of the contract (``{"$ref": ...}`` or inline).

    Keys must be properties of the definition, values of their type (integers in Int32 unless the
    format says int64, date-times as ASP.NET writes them); null stands for "not set" anywhere.
    """
    if "$ref" in schema:
        schema = CONTRACT["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        return []
    kind = schema.get("type", "object")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r}"]
        properties = schema.get("properties", {})
        problems = [f"{where}.{key}: not in the contract" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                problems += contract_mismatches(item, properties[key], f"{where}.{key}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {value!r}"]
        return [
            problem
            for index, item in enumerate(value)
            for problem in contract_mismatches(item, schema["items"], f"{where}[{index}]")
        ]
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok and (schema.get("format") == "int64" or value in _INT32)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "string" and schema.get("format") == "date-time":
        ok = isinstance(value, str) and _WIRE_DATETIME.fullmatch(value) is not None
    elif kind == "string":
        ok = isinstance(value, str)
    else:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    return [] if ok else [f"{where}: {value!r} is not a {kind}"]


def ref(definition: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{definition}"}


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
