"""The HTTP face of the fake: routing, parameter binding, auth, faults and the request log.

The service's behaviour lives in ``state.py``; this module only turns HTTP into calls on it and
answers back the way the ASP.NET service (and the proxy in front of it) does.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

from pyodk.testing.faults import Fault, FaultPlan, PathFilter
from pyodk.testing.state import (
    MAX_INT32,
    SNAPSHOT_ORDER_FIELDS,
    TICKET_ORDER_FIELDS,
    ApiError,
    Clock,
    FakeState,
    JsonObject,
    OAuthError,
    User,
)

logger = logging.getLogger("pyodk.testing")

API_PREFIX = "/services"
TOKEN_PATH = "/core/connect/token"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_JSON_TYPES = ("application/json", "text/json")
_FORM_TYPE = "application/x-www-form-urlencoded"
_DENIED = {"Message": "Authorization has been denied for this request."}
_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_MALFORMED_BODY = b'{"Message": "The operation completed", oops}'
_TRUNCATED_BODY = b'{"Items": [{"Id": 5001, "Name": "before-ng'
_TRUNCATED_MISSING = 64


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

    def __repr__(self) -> str:
        return f"Headers({self._pairs!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request exactly as it arrived, and the fault (if any) that answered it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes
    fault: str | None = None
    received_at: float = field(default=0.0, compare=False)

    @property
    def json(self) -> Any:
        """The decoded JSON body, or None when the body is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


# --------------------------------------------------------------------- parameter binding


def _int_value(name: str, raw: str, minimum: int = 1, maximum: int = MAX_INT32) -> int:
    """Bind an Int32 the way ASP.NET does, with the range the service enforces."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ApiError.invalid({name: [f"The value '{raw}' is not valid for Int32."]}) from None
    if not minimum <= value <= maximum:
        raise ApiError.invalid(
            {name: [f"The field {name} must be between {minimum} and {maximum}."]}
        )
    return value


def _order_value(raw: str | None, allowed: tuple[str, ...]) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    for name in allowed:
        if name.lower() == raw.strip().lower():
            return name
    message = f"Acceptable order values are: {', '.join(allowed)}."
    raise ApiError.invalid({"orderBy": [message]})


def _select_fields(obj: JsonObject, fields: str | None) -> JsonObject:
    """Apply the ``fields`` filter: keep the listed keys (matched case-insensitively)."""
    if not fields or not fields.strip():
        return obj
    wanted = {f.strip().lower() for f in fields.split(",") if f.strip()}
    return {key: value for key, value in obj.items() if key.lower() in wanted}


class _Query:
    """Query-string parameters; ASP.NET binds them by case-insensitive name, first value wins."""

    def __init__(self, raw: dict[str, list[str]]) -> None:
        self._values: dict[str, str] = {}
        for name, values in raw.items():
            self._values.setdefault(name.lower(), values[0])

    def text(self, name: str) -> str | None:
        return self._values.get(name.lower())

    def integer(
        self, name: str, default: int | None = None, maximum: int = MAX_INT32
    ) -> int | None:
        raw = self.text(name)
        if raw is None or raw == "":
            return default
        return _int_value(name, raw, maximum=maximum)


def _collection(
    items: list[JsonObject], query: _Query, default_page_size: int | None = DEFAULT_PAGE_SIZE
) -> JsonObject:
    page_size = query.integer("pageSize", default_page_size, maximum=MAX_PAGE_SIZE)
    page_number = query.integer("pageNumber", 1) or 1
    if page_size is not None:
        start = (page_number - 1) * page_size
        items_on_page = items[start : start + page_size]
    else:
        items_on_page = items if page_number == 1 else []
    fields = query.text("fields")
    page = [_select_fields(item, fields) for item in items_on_page]
    return {"Items": page, "Meta": {"Total": len(items)}}


# --------------------------------------------------------------------- the handler


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> _Answer:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Answer(status, body, headers=headers or {})


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
        fault = fake.faults.take_fault(method, path)
        fake._record(
            RecordedRequest(
                method=method,
                path=path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers=Headers(list(self.headers.items())),
                body=body,
                fault=fault.kind if fault else None,
                received_at=time.monotonic(),
            )
        )
        if fault is not None and self._answer_with_fault(fault):
            return
        try:
            answer = self._route(method, path, _Query(parse_qs(split.query)), body)
        except ApiError as error:
            answer = _json_answer(error.status, error.body, error.headers)
        except OAuthError as error:
            headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
            if error.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="idsrv"'
            body_json = {"error": error.error, "error_description": error.description}
            answer = _json_answer(error.status, body_json, headers)
        except Exception:
            logger.exception("fake Oktawave server failed on %s %s", method, self.path)
            answer = _json_answer(500, {"Message": "An error has occurred."})
        self._send(answer)

    def _send(self, answer: _Answer, declared_length: int | None = None) -> None:
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            length = len(answer.body) if declared_length is None else declared_length
            self.send_header("Content-Length", str(length))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
            self.wfile.flush()
        except OSError:
            # The client went away (a timeout on its side, say); nothing left to tell it.
            self.close_connection = True

    # ----------------------------------------------------------------- faults

    def _answer_with_fault(self, fault: Fault) -> bool:
        """Answer as the fault says; False means "carry on normally" (after a stall)."""
        extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        if fault.kind == "stall":
            self.server.fake._stopping.wait(fault.seconds)
            return False
        if fault.kind == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.kind == "status":
            body = fault.body or json.dumps(
                {"Message": f"Injected fault: HTTP {fault.status}."}
            ).encode("utf-8")
            self._send(_Answer(fault.status, body, headers=extra))
        elif fault.kind == "html":
            page = fault.body or _PROXY_PAGE.format(status=fault.status).encode("utf-8")
            self._send(_Answer(fault.status, page, "text/html; charset=utf-8", extra))
        elif fault.kind == "malformed":
            self._send(_Answer(fault.status, fault.body or _MALFORMED_BODY, headers=extra))
        elif fault.kind == "truncated":
            partial = fault.body or _TRUNCATED_BODY
            answer = _Answer(fault.status, partial, headers=extra)
            self._send(answer, declared_length=len(partial) + _TRUNCATED_MISSING)
            self.close_connection = True
        return True

    # ----------------------------------------------------------------- routing

    def _route(self, method: str, path: str, query: _Query, body: bytes) -> _Answer:
        fake = self.server.fake
        state = fake.state
        if path.lower() == TOKEN_PATH:
            self._require_method(method, ("POST",))
            return self._token(body)
        if not path.lower().startswith(API_PREFIX + "/"):
            return self._no_route(path)
        rest = path[len(API_PREFIX) :]
        fields = query.text("fields")

        def will_fail() -> bool:
            return fake.faults.take_operation_failure(method, path)

        def single(obj: JsonObject) -> _Answer:
            return _json_answer(200, _select_fields(obj, fields))

        if match := re.fullmatch(r"/instances/([^/]+)/snapshots", rest, re.IGNORECASE):
            self._require_method(method, ("GET", "POST"))
            self._authenticate()
            instance_id = _int_value("id", match[1])
            if method == "GET":
                items = state.list_instance_snapshots(instance_id)
                # The contract gives this operation no paging, so by default it answers everything.
                return _json_answer(200, _collection(items, query, default_page_size=None))
            return single(state.create_snapshot(instance_id, self._command(body), will_fail))
        if re.fullmatch(r"/snapshots", rest, re.IGNORECASE):
            self._require_method(method, ("GET",))
            self._authenticate()
            only_instance = query.integer("instanceId")
            order_by = _order_value(query.text("orderBy"), SNAPSHOT_ORDER_FIELDS)
            items = state.list_snapshots(only_instance, query.text("query"), order_by)
            return _json_answer(200, _collection(items, query))
        if match := re.fullmatch(r"/snapshots/([^/]+)", rest, re.IGNORECASE):
            self._require_method(method, ("GET", "PUT", "DELETE"))
            self._authenticate()
            snapshot_id = _int_value("id", match[1])
            if method == "GET":
                return single(state.get_snapshot(snapshot_id))
            if method == "PUT":
                return single(state.update_snapshot(snapshot_id, self._command(body)))
            return single(state.delete_snapshot(snapshot_id, will_fail))
        if match := re.fullmatch(r"/snapshots/([^/]+)/restore_ticket", rest, re.IGNORECASE):
            self._require_method(method, ("POST",))
            self._authenticate()
            return single(state.restore_snapshot(_int_value("id", match[1]), will_fail))
        if re.fullmatch(r"/tickets", rest, re.IGNORECASE):
            self._require_method(method, ("GET",))
            self._authenticate()
            order_by = _order_value(query.text("orderBy"), TICKET_ORDER_FIELDS)
            items = state.list_tickets(query.text("query"), order_by)
            return _json_answer(200, _collection(items, query))
        if match := re.fullmatch(r"/tickets/([^/]+)", rest, re.IGNORECASE):
            self._require_method(method, ("GET",))
            self._authenticate()
            return single(state.get_ticket(_int_value("id", match[1])))
        return self._no_route(path)

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

    def _command(self, body: bytes) -> object:
        """Bind the body to a command, from JSON or a form as the contract's ``consumes`` lists."""
        if not body.strip():
            return None
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in _JSON_TYPES:
            try:
                return json.loads(body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError.invalid({"command": [f"Invalid JSON: {error}"]}) from None
        if content_type == _FORM_TYPE:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            return {key: values[0] for key, values in form.items()}
        media = content_type or "(none)"
        message = f"The request entity's media type '{media}' is not supported for this resource."
        raise ApiError(415, {"Message": message})

    def _token(self, body: bytes) -> _Answer:
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != _FORM_TYPE:
            raise OAuthError(400, "invalid_request", f"Content-Type must be {_FORM_TYPE}.")
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
    """A stateful, in-process stand-in for the Oktawave API (OCI snapshots, tickets, tokens).

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
        self.state = FakeState(
            ticket_duration=ticket_duration,
            token_lifetime=token_lifetime,
            clock=clock,
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

    # ----------------------------------------------------------------- seeding and inspection

    def add_instance(self, name: str = "web-1", id: int | None = None) -> int:  # noqa: A002
        return self.state.add_instance(name, id)

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

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the request log, oldest first."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()
