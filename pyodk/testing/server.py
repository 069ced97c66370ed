"""The HTTP face of the fake: routing, authentication, faults, the request log, the control API.

The service's behaviour lives in ``state.py`` and the binding of each simulated operation in
``operations.py``; this module turns HTTP into calls on them and answers back the way the ASP.NET
service (and the proxy in front of it) does. Requests are routed by the contract
(``routing.py``): an operation the fake does not simulate answers 501, a path outside the contract
404. Paths under ``/_fake`` are the control API (``control.py``), outside the contract.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, unquote_plus, urlencode, urlsplit

from pyodk.api import OPERATION_INDEX
from pyodk.testing import control
from pyodk.testing.clock import Clock, VirtualClock
from pyodk.testing.faults import Fault, FaultPlan, PathFilter
from pyodk.testing.operations import FORM_TYPE, SIMULATED, Call, Query
from pyodk.testing.routing import MethodNotAllowed, RouteTable
from pyodk.testing.state import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_SUBREGION,
    TEMPLATE_TYPE_OCI,
    ApiError,
    FakeState,
    JsonObject,
    OAuthError,
    User,
)

logger = logging.getLogger("pyodk.testing")

API_PREFIX = "/services"
TOKEN_PATH = "/core/connect/token"

_DENIED = {"Message": "Authorization has been denied for this request."}
_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_MALFORMED_BODY = b'{"Message": "The operation completed", oops}'
_TRUNCATED_BODY = b'{"Items": [{"Id": 5001, "Name": "before-ng'
_TRUNCATED_MISSING = 64

_CONTRACT = RouteTable(OPERATION_INDEX)

# What a logged request or answer may carry that must not reach any text: headers, and the fields
# of token requests and answers (form or JSON).
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_FIELDS = frozenset({"password", "client_secret", "refresh_token", "access_token"})
REDACTED = "[redacted]"


class Headers(Mapping[str, str]):
    """Request headers as they arrived, looked up case-insensitively."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = list(pairs)
        self._by_lower = {name.lower(): value for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._by_lower[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(dict(self._pairs))

    def __len__(self) -> int:
        return len(self._by_lower)

    def redacted(self) -> list[tuple[str, str]]:
        """The pairs, credentials replaced by ``[redacted]`` (an Authorization keeps its scheme)."""
        return [(name, _redact_header(name, value)) for name, value in self._pairs]

    def __repr__(self) -> str:
        return f"Headers({self.redacted()!r})"


def _redact_header(name: str, value: str) -> str:
    if name.lower() not in _SECRET_HEADERS:
        return value
    scheme, _, credentials = value.strip().partition(" ")
    if credentials and name.lower().endswith("authorization"):
        return f"{scheme} {REDACTED}"
    return REDACTED


def _redact_body(body: bytes) -> str:
    """The body as text, with the values of secret fields of a JSON object or a form replaced."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        pairs = parse_qsl(text, keep_blank_values=True)
        if any(key in _SECRET_FIELDS for key, _ in pairs):
            return urlencode([(k, REDACTED if k in _SECRET_FIELDS else v) for k, v in pairs])
        return text
    if isinstance(data, dict) and _SECRET_FIELDS & data.keys():
        return json.dumps({k: REDACTED if k in _SECRET_FIELDS else v for k, v in data.items()})
    return text


@dataclass(frozen=True)
class RecordedRequest:
    """One request exactly as it arrived, the fault (if any) that answered it, and the answer.

    ``status`` and ``response_body`` are None while the request is being answered, and stay None
    for a connection dropped without an answer.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes = field(repr=False)
    fault: str | None = None
    received_at: float = field(default=0.0, compare=False)
    status: int | None = None
    response_body: bytes | None = field(default=None, repr=False)

    @property
    def json(self) -> Any:
        """The decoded JSON body, or None when the body is empty or not JSON."""
        return _json_or_none(self.body)

    @property
    def response_json(self) -> Any:
        """The answer's decoded JSON body, or None when there is none or it is not JSON."""
        return _json_or_none(self.response_body)

    def to_json(self) -> JsonObject:
        """Plain JSON-able data, as the control API serves it: bodies as text, secrets redacted."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": dict(self.headers.redacted()),
            "body": _redact_body(self.body),
            "fault": self.fault,
            "status": self.status,
            "response_body": None
            if self.response_body is None
            else _redact_body(self.response_body),
        }


def _json_or_none(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


# --------------------------------------------------------------------- the handler


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # A truncated answer promises more than it sends, then closes the connection.
    declared_length: int | None = None
    close: bool = False


def _json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> _Answer:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Answer(status, body, headers=headers or {})


def _fault_answer(fault: Fault) -> _Answer:
    """What an injected fault answers instead of the service (not for stall and drop)."""
    extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
    if fault.kind == "html":
        page = fault.body or _PROXY_PAGE.format(status=fault.status).encode("utf-8")
        return _Answer(fault.status, page, "text/html; charset=utf-8", extra)
    if fault.kind == "malformed":
        return _Answer(fault.status, fault.body or _MALFORMED_BODY, headers=extra)
    if fault.kind == "truncated":
        partial = fault.body or _TRUNCATED_BODY
        return _Answer(
            fault.status,
            partial,
            headers=extra,
            declared_length=len(partial) + _TRUNCATED_MISSING,
            close=True,
        )
    body = fault.body or json.dumps({"Message": f"Injected fault: HTTP {fault.status}."}).encode()
    return _Answer(fault.status, body, headers=extra)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's backlog of 5 drops the SYNs of a burst of new connections (16 threads at
    # once), which the client only resends after a second.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: FakeOktawaveServer) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            # A client that resets or hangs up mid-request (reliability tests do it on purpose,
            # and so does Ctrl-C in a client) is no fault of the fake's: a note, not a traceback
            # on the console of whoever runs it.
            host, port = client_address[:2]
            logger.debug("%s:%s: the client reset or closed the connection: %s", host, port, error)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    # Headers and body go out as separate writes; without this, Nagle plus delayed ACKs would add
    # 40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    # Reclaims threads of clients that keep idle keep-alive connections open forever.
    timeout = 120
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        path = unquote(split.path)
        if len(path) > 1:
            path = path.rstrip("/")
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send(_json_answer(400, {"Message": "The request body could not be read."}))
            return
        method = self.command
        if control.is_control_path(path):
            # The test's own remote control: never faulted, never logged.
            status, payload, headers = control.answer(fake, method, path, body)
            empty = _Answer(status, b"", headers=headers)
            self._send(empty if payload is None else _json_answer(status, payload, headers))
            return
        fault = fake.faults.take_fault(method, path)
        record = RecordedRequest(
            method=method,
            path=path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=Headers(list(self.headers.items())),
            body=body,
            fault=fault.kind if fault else None,
            received_at=time.monotonic(),
        )
        fake._record(record)
        answer: _Answer | None = None
        if fault is not None and fault.kind == "stall":
            fake._stopping.wait(fault.seconds)
        elif fault is not None and fault.kind == "drop":
            self._drop()
            return
        elif fault is not None:
            answer = _fault_answer(fault)
        if answer is None:
            answer = self._answer(method, path, split.query, body)
        # Logged before it is sent, so a client that has its answer finds it in the log.
        fake._record_answer(record, answer.status, answer.body)
        self._send(answer)

    def _answer(self, method: str, path: str, query: str, body: bytes) -> _Answer:
        try:
            if path.lower() == TOKEN_PATH:
                self._require_method(method, ("POST",))
                return self._token(body)
            if path.lower().startswith(API_PREFIX + "/"):
                return self._operation(method, path, query, body)
            return self._no_route(path)
        except ApiError as error:
            return _json_answer(error.status, error.body, error.headers)
        except OAuthError as error:
            headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
            if error.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="idsrv"'
            body_json = {"error": error.error, "error_description": error.description}
            return _json_answer(error.status, body_json, headers)
        except Exception:
            logger.exception("fake Oktawave server failed on %s %s", method, self.path)
            return _json_answer(500, {"Message": "An error has occurred."})

    def _send(self, answer: _Answer) -> None:
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            length = len(answer.body) if answer.declared_length is None else answer.declared_length
            self.send_header("Content-Length", str(length))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
            self.wfile.flush()
        except OSError:
            # The client went away (a timeout on its side, say); nothing left to tell it.
            self.close_connection = True
        if answer.close:
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # ----------------------------------------------------------------- the API

    def _operation(self, method: str, path: str, query: str, body: bytes) -> _Answer:
        """Route by the contract: 404, 405, 501 if not simulated, else 401 or the answer."""
        fake = self.server.fake
        try:
            match = _CONTRACT.resolve(method, path[len(API_PREFIX) :])
        except MethodNotAllowed as error:
            message = f"The requested resource does not support http method '{method}'."
            raise ApiError(405, {"Message": message}, {"Allow": ", ".join(error.allowed)}) from None
        if match is None:
            return self._no_route(path)
        handler = SIMULATED.get(match.route.operation_id)
        if handler is None:
            message = f"The fake Oktawave server does not simulate {match.route.describe()}."
            raise ApiError(501, {"Message": message})
        self._authenticate()
        call = Call(
            params=match.params,
            query=Query(parse_qs(query)),
            body=body,
            content_type=self._content_type(),
            will_fail=lambda: fake.faults.take_operation_failure(method, path),
        )
        return _json_answer(200, handler(fake.state, call))

    def _content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def _no_route(self, path: str) -> _Answer:
        url = f"http://{self.headers.get('Host', 'localhost')}{path}"
        message = f"No HTTP resource was found that matches the request URI '{url}'."
        raise ApiError(404, {"Message": message})

    def _require_method(self, method: str, allowed: tuple[str, ...]) -> None:
        if method not in allowed:
            message = f"The requested resource does not support http method '{method}'."
            raise ApiError(405, {"Message": message}, {"Allow": ", ".join(allowed)})

    def _authenticate(self) -> None:
        scheme, _, token = self.headers.get("Authorization", "").strip().partition(" ")
        token = token.strip()
        if (
            scheme.lower() != "bearer"
            or not token
            or not self.server.fake.state.token_is_valid(token)
        ):
            raise ApiError(401, dict(_DENIED), {"WWW-Authenticate": 'Bearer realm="oktawave.api"'})

    def _token(self, body: bytes) -> _Answer:
        if self._content_type() != FORM_TYPE:
            raise OAuthError(400, "invalid_request", f"Content-Type must be {FORM_TYPE}.")
        form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, client_secret = _basic_credentials(self.headers.get("Authorization", ""))
        answer = self.server.fake.state.grant(client_id, client_secret, form)
        return _json_answer(200, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        return None, None
    # RFC 6749 2.3.1: both parts are form-encoded before being joined and base64-encoded.
    return unquote_plus(client_id), unquote_plus(client_secret)


# --------------------------------------------------------------------- the public object


_UNSET: Any = object()


class FakeOktawaveServer:
    """A stateful, in-process stand-in for the Oktawave API (instances, OCI snapshots, tickets,
    tokens).

    ``with FakeOktawaveServer(ticket_duration=0) as srv:`` gives a running server; point a
    ``pyodk.Configuration`` at ``srv.url`` with ``srv.access_token``. See ``docs/testing.md``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        ticket_duration: float = 1.0,
        token_lifetime: float = 3600.0,
        seed_defaults: bool = True,
        *,
        clock: Clock = time.monotonic,
        client_id: str = "pyodk-test-client",
        client_secret: str = "pyodk-test-secret",
        username: str = "jan.kowalski@example.com",
        password: str = "correct horse battery staple",
    ) -> None:
        self.host = host
        self._requested_port = port
        #: The fake's time: ``clock`` plus whatever ``advance_clock`` (or a waiter) skipped.
        self.clock = clock if isinstance(clock, VirtualClock) else VirtualClock(clock)
        self.state = FakeState(
            ticket_duration=ticket_duration,
            token_lifetime=token_lifetime,
            clock=self.clock,
            client_id=client_id,
            client_secret=client_secret,
            username=username,
            password=password,
            seed_defaults=seed_defaults,
        )
        self.faults = FaultPlan()
        self._requests: list[RecordedRequest] = []
        self._requests_lock = threading.Lock()
        self._httpd: _HttpServer | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeOktawaveServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HttpServer((self.host, self._requested_port), self)
        self._port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            # A short poll keeps stop() quick, which adds up over a test suite of fresh servers.
            kwargs={"poll_interval": 0.01},
            name=f"fake-oktawave-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with httpd.connections_lock:
            open_connections = list(httpd.connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOktawaveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def reset(self) -> None:
        """Back to the state right after construction: seed, ids, ticket duration; faults and the
        request log cleared, issued tokens forgotten.

        The server keeps running on its port, the static ``access_token`` and the credentials keep
        working, and the clock keeps its time (it never runs backwards).
        """
        self.faults.clear()
        self.state.reset()
        self.clear_requests()

    # ----------------------------------------------------------------- addresses and credentials

    @property
    def port(self) -> int:
        """The bound port; after ``stop()`` it still names where the server was."""
        if self._port is None:
            raise RuntimeError("the fake server has not been started; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        """Scheme, host and port, without a path."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def control_url(self) -> str:
        """The control API's root (``GET`` it for the list of endpoints)."""
        return self.base_url + control.CONTROL_PREFIX

    @property
    def access_token(self) -> str:
        return self.state.access_token

    @property
    def client_id(self) -> str:
        return self.state.client_id

    @property
    def client_secret(self) -> str:
        return self.state.client_secret

    @property
    def username(self) -> str:
        return self.state.username

    @property
    def password(self) -> str:
        return self.state.password

    @property
    def token_fetches(self) -> int:
        return self.state.token_fetches

    @property
    def ticket_duration(self) -> float:
        return self.state.ticket_duration

    @ticket_duration.setter
    def ticket_duration(self, seconds: float) -> None:
        """Applies to tickets started from now on."""
        self.state.ticket_duration = seconds

    def environ(self) -> dict[str, str]:
        """The environment variables Oktawave's tools read, pointing at this server."""
        return {"OKTAWAVE_ACCESS_TOKEN": self.access_token, "OKTAWAVE_ODK_API_URL": self.url}

    def expire_tokens(self) -> None:
        """Make every token issued by the token endpoint answer 401 from now on.

        The static ``access_token`` keeps working; refresh tokens stay usable.
        """
        self.state.expire_tokens()

    # ----------------------------------------------------------------- time

    def advance_clock(self, seconds: float) -> None:
        """Let ``seconds`` pass at once: tickets progress or finish, issued tokens age."""
        self.clock.advance(seconds)

    @contextlib.contextmanager
    def virtual_time(self) -> Iterator[VirtualClock]:
        """Within the block, pyodk's waiters called without ``clock=``/``sleep=`` run on this
        server's clock, and their sleeps skip ahead on it instead of waiting.

        So a wait for a ticket costs only its requests. Real time still flows, so code that polls
        with ``time.sleep`` of its own works as before. The previous time source is back after the
        block, however it ends. The ``fake_oktawave`` fixture does this for every test.
        """
        # Imported here: the fake itself runs without pyodk's client (python -m pyodk.testing).
        from pyodk.waiters import use_time_source

        with use_time_source(self.clock, self.clock.sleep):
            yield self.clock

    # ----------------------------------------------------------------- seeding and inspection

    def add_instance(
        self,
        name: str = "web-1",
        id: int | None = None,  # noqa: A002
        *,
        subregion_id: int = DEFAULT_SUBREGION,
        type_id: int = DEFAULT_INSTANCE_TYPE,
        template_type_id: int = TEMPLATE_TYPE_OCI,
        is_turned_on: bool = True,
        creation_date: datetime | None = None,
    ) -> int:
        """Add an instance with no snapshots and return its id (``id``, else the next free one).

        The keywords are what ``GET /instances`` filters on; ``type_id`` (one of
        ``INSTANCE_TYPES``) also decides CpuNumber and RamMb. Bad values raise ValueError.
        """
        return self.state.add_instance(
            name,
            id,
            subregion_id=subregion_id,
            type_id=type_id,
            template_type_id=template_type_id,
            is_turned_on=is_turned_on,
            creation_date=creation_date,
        )

    def get_instance_json(self, instance_id: int) -> JsonObject:
        """The instance exactly as ``GET /instances/{id}`` would answer it."""
        return self.state.get_instance(instance_id)

    def add_snapshot(
        self,
        instance_id: int,
        name: str = "Snapshot name",
        description: str | None = "Snapshot description",
        is_system: bool = False,
        creation_user: User | dict[str, Any] | None = None,
        creation_date: datetime | None = None,
        parent_id: int | None = _UNSET,
        make_current: bool = True,
    ) -> int:
        """Add a snapshot at once, with no ticket, under ``parent_id`` (default: the current)."""
        extra = {} if parent_id is _UNSET else {"parent_id": parent_id}
        return self.state.add_snapshot(
            instance_id,
            name,
            description,
            is_system=is_system,
            creation_user=creation_user,
            creation_date=creation_date,
            make_current=make_current,
            **extra,
        )

    def snapshot_ids(self, instance_id: int | None = None) -> list[int]:
        return self.state.snapshot_ids(instance_id)

    def get_snapshot_json(self, snapshot_id: int) -> JsonObject:
        """The snapshot exactly as ``GET /snapshots/{id}`` would answer it."""
        return self.state.get_snapshot(snapshot_id)

    def current_snapshot_id(self, instance_id: int) -> int | None:
        return self.state.current_snapshot_id(instance_id)

    def state_dump(self) -> JsonObject:
        """Instances and snapshot trees as plain data, without dates or ticket ids."""
        return self.state.state_dump()

    def tickets_for(
        self, object_id: int | None = None, *, instance_id: int | None = None
    ) -> list[JsonObject]:
        """Tickets (as the API renders them) for an object id and/or an instance, oldest first."""
        return self.state.tickets(object_id=object_id, instance_id=instance_id)

    def finish_all_tickets(self) -> None:
        self.state.finish_all_tickets()

    # ----------------------------------------------------------------- faults

    def fail_next_operations(
        self, n: int = 1, method: str | None = None, path: PathFilter = None
    ) -> None:
        """The next ``n`` matching ticket-starting requests end in Status 137 and change nothing."""
        self.faults.fail_next_operations(n, method, path)

    def inject(
        self,
        kind: str,
        count: int = 1,
        method: str | None = None,
        path: PathFilter = None,
        status: int | None = None,
        retry_after: float | int | str | None = None,
        seconds: float = 0.0,
        body: bytes | str | dict[str, Any] | None = None,
    ) -> Fault:
        """Make the next ``count`` matching requests misbehave; see ``pyodk.testing.faults``.

        ``kind`` is one of ``status``, ``stall``, ``drop``, ``malformed``, ``truncated``, ``html``.
        Apart from ``stall`` (which delays, then answers normally), a faulted request never
        reaches the state.
        """
        return self.faults.inject(kind, count, method, path, status, retry_after, seconds, body)

    # ----------------------------------------------------------------- request log

    def _record(self, request: RecordedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)

    def _record_answer(self, request: RecordedRequest, status: int, body: bytes) -> None:
        """Replace the logged request by one that also holds its answer (unless cleared since)."""
        answered = replace(request, status=status, response_body=body)
        with self._requests_lock:
            # The newest entries are the likeliest; identity, since equal requests may repeat.
            for index in range(len(self._requests) - 1, -1, -1):
                if self._requests[index] is request:
                    self._requests[index] = answered
                    return

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the request log, oldest first."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()
