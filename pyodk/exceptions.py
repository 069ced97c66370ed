"""Every exception pyodk raises, and the one table that maps an HTTP status to its class.

The tree, so that callers can catch as broadly or as narrowly as they like::

    PyodkError
     +-- ApiException                 anything that came back from (or failed on the way to) the API
     |    +-- BadRequestError         400  (ASP.NET ModelState in .model_state)
     |    +-- UnauthorizedError       401
     |    +-- ForbiddenError          403
     |    +-- NotFoundError           404
     |    +-- ConflictError           409
     |    +-- TooManyRequestsError    429
     |    +-- ServerError             5xx
     |    +-- ResponseDecodeError     a 2xx whose body is not JSON or does not fit the declared type
     |    +-- ResponseTooLargeError   a body over Configuration.max_response_size
     |    +-- ApiTypeError, ApiValueError   an argument refused before sending (status None)
     |    +-- TransportError          status 0: no HTTP answer at all; the urllib3 cause is chained
     |         +-- ConnectionFailedError    could not connect: the request never reached the server
     |         +-- ConnectionDroppedError   the connection broke before a full answer arrived
     |         +-- ResponseTimeoutError     connected, sent, but no answer within the read timeout
     |         |    +-- CallTimeoutError    the call's deadline (call_timeout) passed first
     |         +-- TLSError                 certificate or handshake failure
     |         +-- ProxyError               the proxy refused or failed
     +-- ModelDecodeError             JSON that does not fit a model (also a ValueError)
     +-- NoCredentialsError           Configuration.from_env() found no usable credentials
     +-- UnknownSettingError          a Configuration setting that does not exist (also an
     |                                AttributeError and a TypeError)
     +-- TokenError                   the OAuth2 token endpoint refused or failed (pyodk.auth)
     +-- PaginationError              pyodk.paginate could not go on: a page repeated the one
     |                                before it, or an answer was no page (null, a null item)
     +-- TicketError                  a long-running operation did not succeed (pyodk.waiters)
          +-- TicketFailedError       the ticket ended in Status 137 (Error)
          +-- TicketTimeoutError      the ticket was still running when the wait ran out

Bad arguments to an operation are refused before anything is sent with ApiTypeError or
ApiValueError: they are the built-in TypeError and ValueError that generated clients raise, and
ApiException too, so that the ``except ApiException`` of the reference examples reports them
instead of crashing.

``str()`` of an ApiException is one line that says what happened, for logs and command lines::

    NotFoundError: 404 GET /snapshots/999999 (snapshots_get_0): Snapshot not found after 1 attempt
    ConnectionFailedError: GET /snapshots/5002 (snapshots_get_0): connection refused by
        127.0.0.1:1234 after 4 attempts over 1.3 s          (one line; wrapped here)

``details()`` adds the generated client's multi-line block (status, reason, headers, body); the
same facts stay on the attributes. No text shows a credential, even one a server echoed back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyodk.redaction import Redactor

if TYPE_CHECKING:
    from pyodk.models.ticket import Ticket

#: How much of a response body ``details()`` shows; the whole body stays in .body.
_BODY_PREVIEW_CHARS = 2000
#: How much of the service's message the one-line text shows.
_MESSAGE_CHARS = 300
#: Headers that carry the id a service or proxy gave the request, most specific first.
REQUEST_ID_HEADERS = (
    "X-Request-Id",
    "Request-Id",
    "X-Correlation-Id",
    "Correlation-Id",
    "X-Ms-Request-Id",
    "X-Amzn-RequestId",
    "X-Amz-Request-Id",
)
#: Masks only credential patterns: for exceptions that no request path has filled in.
_NO_KNOWN_SECRETS = Redactor()


class PyodkError(Exception):
    """The base of every exception pyodk defines."""


class ApiException(PyodkError):
    """An API call failed: an error status, an undecodable answer, or no answer at all.

    Carries ``status`` (0 when no HTTP answer arrived), ``reason``, ``headers`` and ``body`` (text),
    and, when raised by a call, which call it was: ``method``, ``path`` (as sent, without the host
    and query), ``operation`` (the operationId), ``attempts`` (HTTP attempts made, retries and a
    re-send after a 401 included) and ``elapsed`` (seconds the call took). The constructor keeps
    swagger-codegen's ``ApiException(status=None, reason=None, http_resp=None)``.
    """

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: Any = None,
        *,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if http_resp is not None:
            self.status: int | None = http_resp.status
            self.reason: str | None = http_resp.reason
            data = getattr(http_resp, "data", None)
            self.body: str | None = _as_text(data)
            self.headers: Mapping[str, str] | None = http_resp.getheaders()
        else:
            self.status = status
            self.reason = reason
            self.body = body
            self.headers = headers
        self.method: str | None = None
        self.path: str | None = None
        self.operation: str | None = None
        self.attempts: int | None = None
        self.elapsed: float | None = None
        self._redactor = _NO_KNOWN_SECRETS
        super().__init__(self.status, self.reason)

    def record_call(
        self,
        method: str,
        path: str,
        operation: str | None,
        attempts: int,
        elapsed: float,
        redactor: Redactor,
    ) -> None:
        """Note the call that failed (the request path does this before raising).

        ``redactor`` knows the credentials the call carried: from here on they are masked in
        every text of this exception, and in ``reason`` and ``body``, should the server have
        echoed one back.
        """
        self.method = method
        self.path = path
        self.operation = operation
        self.attempts = attempts
        self.elapsed = elapsed
        self._redactor = redactor
        if self.reason:
            self.reason = redactor(self.reason)
        if self.body:
            self.body = redactor(self.body)
        if self.headers:
            self.headers = _masked_headers(self.headers, redactor)
        self.args = (self.status, self.reason)

    def __str__(self) -> str:
        """One line: the class, status, method and path, operation, what happened, request id
        and the attempts made."""
        head = type(self).__name__ + ":"
        if self.status:
            head += f" {self.status}"
        if self.method:
            head += f" {self.method} {self.path or ''}".rstrip()
            if self.operation:
                head += f" ({self.operation})"
            head += ":"
        what = self._what_happened()
        text = f"{head} {what}" if what else head.rstrip(":")
        request_id = self.request_id
        if request_id:
            text += f" [request-id {request_id}]"
        if self.attempts is not None:
            text += f" after {self.attempts} attempt{'' if self.attempts == 1 else 's'}"
            if self.status == 0 and self.elapsed is not None and self.elapsed >= 0.1:
                text += f" over {self.elapsed:.1f} s"  # retries, or a timeout: time tells
        return self._redactor(" ".join(text.split()))

    def details(self) -> str:
        """The one-line text, then the generated client's block: status, reason, headers (with
        credentials redacted) and the start of the body. For bug reports and debugging."""
        text = f"{self}\n({self.status})\nReason: {self.reason}\n"
        if self.headers:
            # A Set-Cookie may carry a session: texts end up in logs and bug reports.
            text += f"HTTP response headers: {self._redactor.headers(self.headers)}\n"
        if self.body:
            body = self.body
            if len(body) > _BODY_PREVIEW_CHARS:
                body = body[:_BODY_PREVIEW_CHARS] + f"... [{len(self.body)} characters in all]"
            text += f"HTTP response body: {body}\n"
        return self._redactor(text)

    @property
    def request_id(self) -> str | None:
        """The id the service (or a proxy) gave this request, from X-Request-Id or the like."""
        headers = self.headers
        if not headers:
            return None
        get = getattr(headers, "get", None)
        for name in REQUEST_ID_HEADERS:
            # urllib3's headers compare names case-insensitively; a plain dict may not.
            value = get(name) if get is not None else None
            if value is None:
                value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
            if value:
                return str(value).strip()
        return None

    @property
    def message(self) -> str | None:
        """The ``Message`` of an ASP.NET error body, when the body is one."""
        message = self._error_json().get("Message")
        return message if isinstance(message, str) else None

    @property
    def model_state(self) -> dict[str, list[str]]:
        """The ``ModelState`` of an ASP.NET validation error: field -> reasons (empty if none)."""
        state = self._error_json().get("ModelState")
        return state if isinstance(state, dict) else {}

    def _what_happened(self) -> str:
        """The service's own words for an error status (its Message, and the fields of a
        ModelState), else the reason."""
        if self.status is not None and self.status >= 400:
            error = self._error_json()
            message = error.get("Message")
            message = message if isinstance(message, str) else ""
            state = error.get("ModelState")
            problems = "; ".join(
                f"{field}: {' '.join(map(str, reasons)) if isinstance(reasons, list) else reasons}"
                for field, reasons in (state.items() if isinstance(state, dict) else ())
            )
            if problems:
                message = f"{message} ({problems})" if message else problems
            if len(message) > _MESSAGE_CHARS:
                message = message[:_MESSAGE_CHARS] + "..."
            if message:
                return message
        return self.reason or ""

    def _error_json(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.body or "")
        except (ValueError, RecursionError):
            return {}
        return parsed if isinstance(parsed, dict) else {}


class BadRequestError(ApiException):
    """400: the server refused the input; see ``.message`` and ``.model_state``."""


class UnauthorizedError(ApiException):
    """401: the bearer token is missing, wrong or expired."""


class ForbiddenError(ApiException):
    """403: the account may not do this."""


class NotFoundError(ApiException):
    """404: no such instance, snapshot or ticket."""


class ConflictError(ApiException):
    """409: the object is busy or in a state that forbids the operation."""


class TooManyRequestsError(ApiException):
    """429: rate limited; ``headers['Retry-After']`` says when to come back."""


class ServerError(ApiException):
    """5xx: the server, or a proxy in front of it, failed."""


class ResponseDecodeError(ApiException):
    """A successful status whose body is not JSON, or does not fit the declared response type."""


class ResponseTooLargeError(ApiException):
    """The body exceeded ``Configuration.max_response_size``.

    Use ``_preload_content=False`` to stream a large body instead (see docs/reliability.md).
    """


class ApiTypeError(ApiException, TypeError):
    """An operation argument of the wrong type (or an unknown keyword); nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(status=None, reason=message)

    def __str__(self) -> str:
        return self.reason or ""


class ApiValueError(ApiException, ValueError):
    """An argument breaks a rule (missing, out of range, not allowed); nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(status=None, reason=message)

    def __str__(self) -> str:
        return self.reason or ""


class TransportError(ApiException):
    """No HTTP answer: status 0, and the urllib3 error is chained as ``__cause__``.

    ``reason`` is the low-level failure (urllib3's words); ``what`` says in plain words what
    failed and where (``connection refused by 127.0.0.1:1234``), and is what ``str()`` shows.
    """

    def __init__(self, reason: str, what: str | None = None) -> None:
        super().__init__(status=0, reason=reason)
        self.what = what

    def _what_happened(self) -> str:
        return self.what or self.reason or ""


class ConnectionFailedError(TransportError):
    """The connection could not be made (refused, unresolvable, connect timeout).

    Nothing was sent, so even a POST is retried after it.
    """


class ConnectionDroppedError(TransportError):
    """The connection broke after the request may have been sent, before a full answer."""


class ResponseTimeoutError(TransportError):
    """No answer within the read timeout; the server may still be working on the request."""


class CallTimeoutError(ResponseTimeoutError):
    """The call's deadline (``Configuration.call_timeout`` or ``_call_timeout``) passed.

    The deadline covers the whole call: the token fetch, connecting, every read, every retry and
    every wait between them. ``attempts`` says how many attempts were made. If one was under way
    the server may still be working on it, as after any ResponseTimeoutError.
    """


class TLSError(TransportError):
    """The TLS handshake or the certificate check failed."""


class ProxyError(TransportError):
    """The proxy could not be reached or refused the tunnel."""


class TokenError(PyodkError):
    """The OAuth2 token endpoint refused the credentials or could not be reached.

    ``error`` is the OAuth2 error code (``invalid_grant``, ``invalid_client``, ...), if any.
    The message never contains a secret.
    """

    def __init__(self, message: str, error: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


class NoCredentialsError(PyodkError):
    """``Configuration.from_env()`` found no usable credentials; nothing was sent.

    The message names the variables to set. ``missing`` lists the password-grant variables that
    are missing when only some of them are set (empty when none of them is).
    """

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


class UnknownSettingError(PyodkError, AttributeError, TypeError):
    """A name that is not a setting of ``Configuration``, with the closest one as a hint.

    Assigning it (``config.read_timout = 5``) raises this as an AttributeError, as any object
    without that attribute would; passing it to the constructor (``Configuration(read_timout=5)``)
    as a TypeError, as any call with an unexpected keyword does. ``name`` is the unknown name,
    ``suggestion`` the setting it is closest to (or None).
    """

    def __init__(self, message: str, name: str, suggestion: str | None) -> None:
        super().__init__(message)
        # Set here, not passed to AttributeError: with ``obj`` unset, Python 3.12+ adds no
        # "Did you mean" of its own to the traceback, which already carries ours.
        self.name = name
        self.suggestion = suggestion


class PaginationError(PyodkError):
    """``pyodk.paginate`` stopped: a page repeated the one before (pageNumber was ignored), or an
    answer was no page at all (null, or a null item); the message names the operation and page."""


class TicketError(PyodkError):
    """A long-running operation (a Ticket) did not succeed; ``.ticket`` is the last one seen."""

    def __init__(self, message: str, ticket: Ticket | None) -> None:
        super().__init__(message)
        self.ticket = ticket


class TicketFailedError(TicketError):
    """The ticket finished with Status 137 (Error)."""


class TicketTimeoutError(TicketError):
    """The ticket had not finished when the wait's timeout ran out."""


_STATUS_CLASSES: dict[int, type[ApiException]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: TooManyRequestsError,
}


def exception_class_for_status(status: int) -> type[ApiException]:
    """The ApiException subclass that an error answer with this status is raised as."""
    if status >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status, ApiException)


def _masked_headers(headers: Mapping[str, str], redactor: Redactor) -> Mapping[str, str]:
    """``headers`` with any credential the server echoed in them masked (a ``WWW-Authenticate``
    repeating the bearer token, say); the same object when nothing needed masking."""
    masked = [(name, redactor(str(value))) for name, value in headers.items()]
    if all(value == headers[name] for name, value in masked):
        return headers
    try:
        # urllib3's HTTPHeaderDict again, so that names stay case-insensitive.
        return type(headers)(masked)  # type: ignore[call-arg]
    except TypeError:
        return dict(masked)


def _as_text(data: Any) -> str | None:
    if data is None or isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    return str(data)


class ModelDecodeError(PyodkError, ValueError):
    """JSON that does not fit a model: ``.path`` says where (e.g. ``Snapshot.CreationUser.Id``).

    Raised by ``Model.from_json``; the ApiClient turns it into a ResponseDecodeError that also
    carries the HTTP status, headers and body.
    """

    def __init__(self, path: str, expected: str, got: object) -> None:
        shown = repr(got)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{path}: expected {expected}, got {type(got).__name__} {shown}")
        self.path = path
        self.expected = expected
