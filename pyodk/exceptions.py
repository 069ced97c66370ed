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
     |         +-- TLSError                 certificate or handshake failure
     |         +-- ProxyError               the proxy refused or failed
     +-- ModelDecodeError             JSON that does not fit a model (also a ValueError)
     +-- TokenError                   the OAuth2 token endpoint refused or failed (pyodk.auth)
     +-- PaginationError              a page repeated the one before it (pyodk.paginate)
     +-- TicketError                  a long-running operation did not succeed (pyodk.waiters)
          +-- TicketFailedError       the ticket ended in Status 137 (Error)
          +-- TicketTimeoutError      the ticket was still running when the wait ran out

Bad arguments to an operation are refused before anything is sent with ApiTypeError or
ApiValueError: they are the built-in TypeError and ValueError that generated clients raise, and
ApiException too, so that the ``except ApiException`` of the reference examples reports them
instead of crashing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyodk.models.ticket import Ticket

# How much of a response body str(exception) shows; the whole body stays in .body.
_BODY_PREVIEW_CHARS = 2000


class PyodkError(Exception):
    """The base of every exception pyodk defines."""


class ApiException(PyodkError):
    """An API call failed: an error status, an undecodable answer, or no answer at all.

    Carries ``status`` (0 when no HTTP answer arrived), ``reason``, ``headers`` and ``body`` (text).
    The constructor keeps swagger-codegen's
    ``ApiException(status=None, reason=None, http_resp=None)``.
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
        super().__init__(self.status, self.reason)

    def __str__(self) -> str:
        text = f"({self.status})\nReason: {self.reason}\n"
        if self.headers:
            from pyodk.rest import redact_headers  # deferred: rest.py builds on this module

            # A Set-Cookie may carry a session: messages end up in logs and bug reports.
            text += f"HTTP response headers: {redact_headers(self.headers)}\n"
        if self.body:
            body = self.body
            if len(body) > _BODY_PREVIEW_CHARS:
                body = body[:_BODY_PREVIEW_CHARS] + f"... [{len(self.body)} characters in all]"
            text += f"HTTP response body: {body}\n"
        return text

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

    def _error_json(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.body or "")
        except ValueError:
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
    """No HTTP answer: status 0, and the urllib3 error is chained as ``__cause__``."""

    def __init__(self, reason: str) -> None:
        super().__init__(status=0, reason=reason)


class ConnectionFailedError(TransportError):
    """The connection could not be made (refused, unresolvable, connect timeout).

    Nothing was sent, so even a POST is retried after it.
    """


class ConnectionDroppedError(TransportError):
    """The connection broke after the request may have been sent, before a full answer."""


class ResponseTimeoutError(TransportError):
    """No answer within the read timeout; the server may still be working on the request."""


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


class PaginationError(PyodkError):
    """``pyodk.paginate`` stopped: a page repeated the one before (pageNumber was ignored)."""


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
