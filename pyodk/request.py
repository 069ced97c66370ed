"""One HTTP request as a value, and the one function that builds it from a call's arguments.

``build_request`` turns what an operation (or a generated module, or ``RESTClientObject.request``)
passes in, a path template and its values, query, headers, body or form, timeouts, into a frozen
``Request``: method, origin and target, headers, body bytes, per-attempt timeouts and the call's
deadline, plus what an error text names (operation, path). It is pure: no I/O, no clock (the
caller passes ``now``) and no shared state, so it is tested without a socket; and it refuses bad
input with ``ApiTypeError`` or ``ApiValueError`` only, before anything is sent.

The value then goes through the named stages of the request path, each in its own place:
authenticate (``ApiClient``), send with retries under the deadline and read within the limits
(``RESTClientObject.send``), decode (``ApiClient``). Only urllib3's pure helpers are used here
(its ``Timeout`` value and multipart encoder); the network is rest.py's.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode, urlsplit

import urllib3

from pyodk.exceptions import ApiException, ApiTypeError, ApiValueError
from pyodk.models.base import to_wire
from pyodk.redaction import SENSITIVE_HEADERS, Redactor, redact_headers, without_password

__all__ = [
    "HTTP_METHODS",
    "Request",
    "attempt_timeout",
    "build_request",
    "check_header_values",
    "parameters_to_tuples",
]

HTTP_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PATCH", "PUT", "DELETE"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "OPTIONS", "DELETE"})
#: Path parameter values that, even quoted, would change which resource a path names.
_UNSAFE_SEGMENTS = frozenset({"", ".", ".."})
#: Compact UTF-8 JSON; one encoder for all requests (json.dumps with options builds one per call).
_JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


class Request(NamedTuple):
    """One call's HTTP request, ready to send; built by ``build_request``, never changed.

    A NamedTuple, as urllib3's ``Url`` is: immutable, and cheap to make on every call.

    ``origin`` (``https://host:port``) picks the connection pool, ``target`` (path and query) goes
    on the request line, ``path`` is what error texts show (``/snapshots/5002``). ``timeout`` is
    per attempt (connect, read); ``deadline`` (``time.monotonic()`` seconds, or None) bounds the
    whole call, and ``call_timeout`` is the budget it was made from. ``secrets`` are the
    credentials the authenticate stage added, so that texts about this request can mask them.
    """

    method: str
    origin: str
    target: str
    path: str
    headers: Mapping[str, str]
    body: bytes | None
    timeout: urllib3.Timeout
    pool_wait: float | None
    deadline: float | None
    call_timeout: float | None
    started: float = 0.0
    operation: str | None = None
    path_template: str | None = None
    preload_content: bool = True
    secrets: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return self.origin + self.target

    @property
    def host(self) -> str:
        """``host:port`` as the URL gives it, for texts (``connection refused by ...``)."""
        return self.origin.partition("://")[2]

    def with_credentials(
        self,
        headers: Mapping[str, str],
        secrets: Iterable[str],
        query: list[tuple[str, str]] | None = None,
    ) -> Request:
        """This request with the authenticate stage's headers (they win) and query credentials;
        ``secrets`` and the query's values are masked in any text about it."""
        target = self.target
        if query:
            target += ("&" if "?" in target else "?") + urlencode(query)
        # Spelled out rather than _replace(): this runs on every call, and is twice as fast.
        return Request(
            method=self.method,
            origin=self.origin,
            target=target,
            path=self.path,
            headers={**self.headers, **headers},
            body=self.body,
            timeout=self.timeout,
            pool_wait=self.pool_wait,
            deadline=self.deadline,
            call_timeout=self.call_timeout,
            started=self.started,
            operation=self.operation,
            path_template=self.path_template,
            preload_content=self.preload_content,
            secrets=(*self.secrets, *secrets, *(value for _, value in query or ())),
        )

    def record_failure(
        self, error: ApiException, attempts: int, also_mask: Redactor | None = None
    ) -> None:
        """Note on ``error`` that this request failed, after how many attempts and how long."""
        redactor = self.redactor()
        if also_mask:
            redactor = redactor.joined(also_mask)
        elapsed = time.monotonic() - self.started
        error.record_call(self.method, self.path, self.operation, attempts, elapsed, redactor)

    def redactor(self) -> Redactor:
        """Masks, in any text about this request, every credential it carries."""
        sent = (v for k, v in self.headers.items() if k.lower() in SENSITIVE_HEADERS)
        return Redactor((*self.secrets, *sent))

    def __repr__(self) -> str:
        what = f" ({self.operation})" if self.operation else ""
        body = f"{len(self.body)} bytes" if self.body is not None else "none"
        url = self.redactor()(without_password(self.url))
        return (
            f"Request({self.method} {url}{what}, headers={redact_headers(self.headers)}, "
            f"body={body}, timeout=({self.timeout.connect_timeout}, {self.timeout.read_timeout}), "
            f"call_timeout={self.call_timeout})"
        )


def build_request(
    method: str,
    path: str,
    *,
    host: str,
    now: float,
    path_params: Mapping[str, Any] | None = None,
    query: Any = None,
    headers: Mapping[str, Any] | None = None,
    default_headers: Mapping[str, str] | None = None,
    cookie: str | None = None,
    body: Any = None,
    form: list[tuple[str, Any]] | None = None,
    collection_formats: Mapping[str, str] | None = None,
    safe_chars: str = "",
    request_timeout: Any = None,
    default_timeout: urllib3.Timeout,
    call_timeout: Any = None,
    default_call_timeout: float | None = None,
    deadline: float | None = None,
    operation: str | None = None,
    preload_content: bool = True,
) -> Request:
    """The Request for one call; raises only ApiTypeError and ApiValueError.

    :param method: the HTTP method (any case).
    :param path: the path template under ``host`` (``/snapshots/{id}``); may be empty.
    :param host: the base URL (``https://pl1-api.oktawave.com/services``); may hold a query.
    :param now: ``time.monotonic()`` at the start of the call: the deadline counts from it.
    :param path_params: values for the template's ``{name}`` placeholders; each is quoted.
    :param query: query parameters, a mapping or (name, value) pairs.
    :param headers: the operation's headers; they win over ``default_headers``, and ``cookie``
        over both. Values that are not text are rendered (numbers, bools, dates, lists).
    :param body: a model, a JSON-ready value, text or bytes; ``form`` is form or multipart fields
        (file fields as (filename, data, mimetype)), as the Content-Type says.
    :param request_timeout: ``_request_timeout``: seconds, a (connect, read) pair or a urllib3
        Timeout, per attempt; None takes ``default_timeout``.
    :param call_timeout: ``_call_timeout``: seconds for the whole call; None takes
        ``default_call_timeout`` (None there: no deadline). ``deadline``, when given, caps it.
    """
    verb = method.upper() if isinstance(method, str) else method
    if verb not in HTTP_METHODS:
        raise ApiValueError(
            f"http method must be one of {', '.join(sorted(HTTP_METHODS))}; got {method!r}"
        )
    origin, base = _split_base(host)

    rendered_path = path
    if path_params:
        rendered_path = _fill_path(path, path_params, collection_formats, safe_chars)
    target = base + rendered_path
    shown_path = rendered_path if path else base.partition("?")[0]
    if query:
        encoded = _urlencode(parameters_to_tuples(query, collection_formats))
        if encoded:
            target += ("&" if "?" in target else "?") + encoded

    merged = dict(default_headers) if default_headers else {}
    if headers:
        merged.update(headers)
    if cookie:
        merged["Cookie"] = cookie
    if set(map(type, merged.values())) - {str}:
        # Generated modules may pass numbers, bools, dates or lists: render them as text.
        merged = {
            name: str(value) for name, value in parameters_to_tuples(merged, collection_formats)
        }
    check_header_values(merged)
    payload = _encode_body(verb, merged, body, form)

    timeout = default_timeout if request_timeout is None else attempt_timeout(request_timeout)
    if call_timeout is not None:
        budget: float | None = _call_budget(call_timeout, "_call_timeout")
    elif default_call_timeout is not None:
        budget = _call_budget(default_call_timeout, "Configuration.call_timeout")
    else:
        budget = None
    call_deadline = None if budget is None else now + budget
    if deadline is not None and (call_deadline is None or deadline < call_deadline):
        call_deadline = deadline
    return Request(
        method=verb,
        origin=origin,
        target=target,
        path=shown_path,
        headers=merged,
        body=payload,
        timeout=timeout,
        pool_wait=pool_wait(timeout),
        deadline=call_deadline,
        call_timeout=budget,
        started=now,
        operation=operation,
        path_template=path or None,
        preload_content=preload_content,
    )


def parameters_to_tuples(
    params: Any, collection_formats: Mapping[str, str] | None
) -> list[tuple[str, Any]]:
    """Parameters as (name, value) pairs, lists joined by their collection format."""
    items: Iterable[tuple[str, Any]] = params.items() if isinstance(params, Mapping) else params
    formats = collection_formats or {}
    new_params: list[tuple[str, Any]] = []
    try:
        for name, value in items:
            if value is None:
                continue
            fmt = formats.get(name)
            if fmt == "multi" and isinstance(value, (list, tuple)):
                new_params.extend((name, _query_text(v)) for v in value)
            elif fmt and isinstance(value, (list, tuple)):
                delimiter = {"ssv": " ", "tsv": "\t", "pipes": "|"}.get(fmt, ",")
                # str(): ids are ints, and join() takes only text (swagger-codegen does the same).
                new_params.append((name, delimiter.join(str(_query_text(v)) for v in value)))
            else:
                new_params.append((name, _query_text(value)))
    except (TypeError, ValueError) as exc:
        raise ApiTypeError(f"parameters must be a mapping or (name, value) pairs: {exc}") from exc
    return new_params


def check_header_values(headers: Mapping[str, str]) -> None:
    """Refuse CR or LF in a header, which would let a value smuggle in headers of its own."""
    text = "".join(headers) + "".join(headers.values())
    if "\r" not in text and "\n" not in text:
        return
    for name, value in headers.items():
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
            # The value is not repeated: it may be a credential.
            raise ApiValueError(
                f"header {name!r} contains a CR or LF character; refusing to send it"
            )


def attempt_timeout(value: Any) -> urllib3.Timeout:
    """A urllib3 Timeout from ``_request_timeout``: seconds for both phases, a (connect, read)
    pair (None in a phase: no limit), or a urllib3 Timeout as it is."""
    if isinstance(value, urllib3.Timeout):
        return value
    if _is_seconds(value):
        connect = read = value
    elif (
        isinstance(value, tuple)
        and len(value) == 2
        and all(v is None or _is_seconds(v) for v in value)
    ):
        connect, read = value
    else:
        raise ApiTypeError(
            "_request_timeout must be a number of seconds or a (connect, read) tuple, "
            f"got {type(value).__name__} {value!r}"
        )
    for phase in (connect, read):
        if phase is not None and not phase > 0:  # "not >": NaN is refused too
            raise ApiValueError(f"_request_timeout must be more than 0 seconds, got {value!r}")
    return _timeout(connect, read)


@functools.lru_cache(maxsize=64)
def _timeout(connect: float | None, read: float | None) -> urllib3.Timeout:
    """Cached: a program passes the same one or two values, and one Timeout object per value
    lets ``pool_wait`` be cached too (urllib3 clones it before use)."""
    return urllib3.Timeout(connect=connect, read=read)


@functools.lru_cache(maxsize=64)
def pool_wait(timeout: urllib3.Timeout) -> float | None:
    """How long to wait for a free pooled connection: connect plus read, what one attempt may take.

    Shorter would fail bursts of legitimately slow calls that a bigger pool would have served;
    None (no limit) only when the caller turned a timeout off.
    """
    connect, read = timeout.connect_timeout, timeout.read_timeout
    if isinstance(connect, (int, float)) and isinstance(read, (int, float)):
        return float(connect + read)
    return None


def _call_budget(value: Any, name: str) -> float:
    if (type(value) is float or type(value) is int) and value > 0:
        return float(value)  # the usual case, first: this runs on every call
    if not _is_seconds(value):
        raise ApiTypeError(
            f"{name} must be a number of seconds, got {type(value).__name__} {value!r}"
        )
    if not value > 0:  # "not >": NaN is refused too
        raise ApiValueError(f"{name} must be more than 0 seconds, got {value!r}")
    return float(value)


def _is_seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _split_base(url: Any) -> tuple[str, str]:
    """(origin, base path) of a base URL: ``https://host:port`` and ``/services``."""
    if not isinstance(url, str):
        raise ApiTypeError(f"the host must be a URL string, got {type(url).__name__} {url!r}")
    return _split_url(url)


@functools.lru_cache(maxsize=64)
def _split_url(url: str) -> tuple[str, str]:
    """``_split_base`` for a string. Cached: it runs on every call, for the one or two hosts a
    program talks to. User-info (``user:password@``) is dropped; urllib3 never sent it either."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    netloc = rest[:cut].rpartition("@")[2]
    if not sep or scheme not in ("http", "https") or not _is_host_and_port(netloc):
        raise ApiValueError(
            f"the host must be an http:// or https:// URL, got {without_password(url)!r}"
        )
    return f"{scheme}://{netloc}", rest[cut:]


def _is_host_and_port(netloc: str) -> bool:
    """Whether ``netloc`` is a host (a name, an IPv4 address or a bracketed IPv6 one) with an
    optional port: what urllib3 could connect to, rather than fail on once the call has begun."""
    if not netloc or any(c.isspace() or c in '<>"{}|\\^`' for c in netloc):
        return False
    try:
        split = urlsplit(f"//{netloc}")
        split.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:  # "Invalid IPv6 URL", a bad port
        return False
    return bool(split.hostname)


def _fill_path(
    path: str,
    path_params: Mapping[str, Any],
    collection_formats: Mapping[str, str] | None,
    safe_chars: str,
) -> str:
    pairs = path_params.items() if isinstance(path_params, Mapping) else path_params
    for name, value in pairs:
        if type(value) is int:
            # An id: digits and maybe "-", nothing to quote, never unsafe.
            path = path.replace(f"{{{name}}}", str(value))
            continue
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            ((name, value),) = parameters_to_tuples([(name, value)], collection_formats)
        else:
            value = _query_text(value)
        segment = quote(str(value), safe=safe_chars)
        if segment in _UNSAFE_SEGMENTS:
            # "/snapshots/.." is "/" once normalised, "/snapshots/" is the whole list.
            raise ApiValueError(
                f"path parameter `{name}` would not stay in its path segment: {value!r}"
            )
        path = path.replace(f"{{{name}}}", segment)
    return path


def _urlencode(pairs: list[tuple[str, Any]]) -> str:
    try:
        return urlencode(pairs)
    except (TypeError, ValueError) as exc:
        raise ApiTypeError(f"a query parameter cannot be sent: {exc}") from exc


def _encode_body(
    method: str, headers: dict[str, str], body: Any, form: list[tuple[str, Any]] | None
) -> bytes | None:
    if method not in _BODY_METHODS or (body is None and not form):
        # No body at all: and so no Content-Type that would announce one.
        headers.pop("Content-Type", None)
        return None
    content_type = headers.setdefault("Content-Type", "application/json")
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind == "application/x-www-form-urlencoded":
            return urlencode(form or []).encode("utf-8")
        if kind == "multipart/form-data":
            payload, multipart_type = urllib3.encode_multipart_formdata(form or [])
            headers["Content-Type"] = multipart_type
            return payload
        if isinstance(body, bytes):
            return body
        if isinstance(body, str):
            return body.encode("utf-8")
        return _JSON_ENCODER.encode(to_wire(body)).encode("utf-8")
    except TypeError as exc:
        raise ApiTypeError(f"the request body cannot be sent: {exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise ApiValueError(f"the request body cannot be sent: {exc}") from exc


def _query_text(value: Any) -> Any:
    if type(value) is int or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
