"""The only module that touches urllib3: connection pools, TLS, proxy, timeouts, retries.

It turns every urllib3 failure into a pyodk ``TransportError`` (status 0, cause chained) and every
error status into the ``ApiException`` subclass from ``pyodk.exceptions``. It works the same on
urllib3 1.26 and 2.x.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import ssl
import threading
import warnings
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import certifi
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    EmptyPoolError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import ProxyError as _Urllib3ProxyError

from pyodk.configuration import Configuration, without_password
from pyodk.exceptions import (
    ApiException,
    ConnectionDroppedError,
    ConnectionFailedError,
    ProxyError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    TLSError,
    TransportError,
    exception_class_for_status,
)
from pyodk.retry import RetryPolicy

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]

logger = logging.getLogger("pyodk")

_SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "set-cookie"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "OPTIONS", "DELETE"})
_STREAM_CHUNK = 64 * 1024
#: Deflate inflates at most ~1032:1, so a 1 KiB piece of a compressed body yields at most ~1 MiB.
_ENCODED_CHUNK = 1024
#: Compact UTF-8 JSON; one encoder for all requests (json.dumps with options builds one per call).
_JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

_unverified_warning_lock = threading.Lock()
_unverified_warning_given = False


class RESTResponse(io.IOBase):
    """A fully read answer: ``status``, ``reason``, ``data`` (text) and its headers.

    ``raw_data`` holds the body as bytes. ``data`` decodes them, by the charset the answer names
    (UTF-8 by default), each time it is read: a body decoded straight into models is then never
    held as text too (a 1000-snapshot page is 700 KB of it).
    """

    def __init__(self, resp: Any, data: bytes) -> None:
        self.urllib3_response = resp
        self.status: int = resp.status
        self.reason: str = resp.reason
        self.raw_data = data
        self._data: str | None = None

    @property
    def data(self) -> str:
        """The body as text."""
        if self._data is not None:
            return self._data
        try:
            return self.raw_data.decode(_charset(self.urllib3_response.headers), errors="replace")
        except UnicodeError:
            # A codec that refuses errors="replace" (idna) or fails anyway (punycode): the charset
            # came from the server, and a hostile one must not escape as a bare UnicodeError.
            return self.raw_data.decode("utf-8", errors="replace")

    @data.setter
    def data(self, value: str) -> None:
        self._data = value

    def getheaders(self) -> Mapping[str, str]:
        """The answer's headers (case-insensitive mapping)."""
        return self.urllib3_response.headers  # type: ignore[no-any-return]

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.urllib3_response.headers.get(name, default)  # type: ignore[no-any-return]


class RESTClientObject:
    """Sends one HTTP request through a pooled urllib3 manager, with timeouts and retries."""

    def __init__(
        self, configuration: Configuration, pools_size: int = 4, maxsize: int | None = None
    ) -> None:
        self.configuration = configuration
        self.default_timeout = _timeout((configuration.connect_timeout, configuration.read_timeout))
        self.default_pool_wait = _pool_wait(self.default_timeout)
        retries = configuration.retries
        if isinstance(retries, urllib3.Retry):
            # The caller chose urllib3's own retry behaviour: hand it over and stay out of its way,
            # except that status retries running out must end in the last answer (ServerError 503,
            # say, with its body), not in a MaxRetryError that would look like no answer at all.
            self.retry_policy = RetryPolicy(0)
            self.urllib3_retries: Any = retries.new(raise_on_status=False)
        else:
            self.retry_policy = RetryPolicy.coerce(retries)
            # What urllib3 makes of retries=False, redirect=False, made once instead of per request.
            self.urllib3_retries = urllib3.Retry(False, redirect=False)
        self.max_response_size = configuration.max_response_size

        pool_args: dict[str, Any] = {
            "num_pools": pools_size,
            "maxsize": maxsize or configuration.connection_pool_maxsize,
            # Beyond maxsize, wait for a free connection rather than open throwaway ones.
            "block": True,
        }
        if configuration.verify_ssl:
            pool_args["cert_reqs"] = ssl.CERT_REQUIRED
            pool_args["ca_certs"] = configuration.ssl_ca_cert or certifi.where()
        else:
            pool_args["cert_reqs"] = ssl.CERT_NONE
            _warn_unverified_once()
        if configuration.cert_file:
            pool_args["cert_file"] = configuration.cert_file
        if configuration.key_file:
            pool_args["key_file"] = configuration.key_file
        if configuration.assert_hostname is not None:
            pool_args["assert_hostname"] = configuration.assert_hostname

        self.pool_manager: urllib3.PoolManager
        if configuration.proxy:
            self.pool_manager = urllib3.ProxyManager(
                proxy_url=configuration.proxy,
                proxy_headers=configuration.proxy_headers,
                **pool_args,
            )
        else:
            self.pool_manager = urllib3.PoolManager(**pool_args)
        if not configuration.verify_ssl:
            # pyodk has warned once; keep urllib3 from warning again on every request.
            self.pool_manager.pool_classes_by_scheme = {
                **self.pool_manager.pool_classes_by_scheme,
                "https": _UnverifiedHTTPSConnectionPool,
            }

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool_manager.clear()

    def request(
        self,
        method: str,
        url: str,
        query_params: list[tuple[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        post_params: list[tuple[str, Any]] | None = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> Any:
        """Send a request; return a RESTResponse (or the raw urllib3 response when not preloading).

        :raises ApiException: a subclass by status for a non-2xx answer; a TransportError (status 0)
            when no answer arrived.
        """
        method = method.upper()
        headers = dict(headers or {})
        if query_params:
            url += "?" + urlencode(query_params)
        payload = _encode_body(method, headers, body, post_params)
        if _request_timeout is None:
            timeout, pool_wait = self.default_timeout, self.default_pool_wait
        else:
            timeout = _timeout(_request_timeout)
            pool_wait = _pool_wait(timeout)
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s headers=%s", method, without_password(url), redact_headers(headers))

        policy = self.retry_policy
        attempt = 0
        while True:
            try:
                resp = self.pool_manager.urlopen(
                    method,
                    url,
                    body=payload,
                    headers=headers,
                    timeout=timeout,
                    retries=self.urllib3_retries,
                    # With every pooled connection taken (by slow calls, or by streamed answers
                    # never released), wait for one at most as long as a whole call may take,
                    # instead of for ever.
                    pool_timeout=pool_wait,
                    redirect=False,
                    preload_content=False,
                )
                if _preload_content or not 200 <= resp.status <= 299:
                    data = self._read_body(resp)
            except (HTTPError, OSError) as exc:
                error = transport_error(exc)
                delay = policy.delay_after_error(attempt, method, error)
                if delay is None:
                    raise error from exc
                logger.info(
                    "retrying %s %s in %.2fs after %s",
                    method,
                    without_password(url),
                    delay,
                    error.reason,
                )
                policy.sleep(delay)
                attempt += 1
                continue
            if resp.status in policy.statuses and not 200 <= resp.status <= 299:
                delay = policy.delay_after_status(attempt, method, resp.status, resp.headers)
                if delay is not None:
                    logger.info(
                        "retrying %s %s in %.2fs after %d",
                        method,
                        without_password(url),
                        delay,
                        resp.status,
                    )
                    policy.sleep(delay)
                    attempt += 1
                    continue
            break

        if debug:
            logger.debug("%s %s -> %d %s", method, without_password(url), resp.status, resp.reason)
        if not _preload_content and 200 <= resp.status <= 299:
            return resp
        response = RESTResponse(resp, data)
        if not 200 <= response.status <= 299:
            raise exception_class_for_status(response.status)(http_resp=response)
        return response

    def _read_body(self, resp: Any) -> bytes:
        """Read the whole body, refusing one larger than max_response_size before holding it."""
        limit = self.max_response_size
        try:
            if limit is None:
                return resp.data  # type: ignore[no-any-return]
            length = resp.headers.get("Content-Length")
            # Content-Length counts encoded bytes, and a 64 KiB gzip body can inflate to 64 MiB:
            # only an unencoded body may be read whole on its length's word.
            encoded = resp.headers.get("Content-Encoding", "identity").lower() != "identity"
            # isascii(): "²".isdigit() is true, and int() refuses it.
            if length is not None and length.isascii() and length.isdigit():
                if int(length) > limit:
                    # Announced too large: refuse before reading a byte of it.
                    raise _too_large(resp, limit)
                if not encoded:
                    return resp.data  # type: ignore[no-any-return]
            chunks = []
            size = 0
            # urllib3 1.26 inflates each piece read whole, so encoded pieces are kept small.
            for chunk in resp.stream(_ENCODED_CHUNK if encoded else _STREAM_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(resp, limit)
                chunks.append(chunk)
            return b"".join(chunks)
        except ResponseTooLargeError:
            resp.close()
            raise
        finally:
            resp.release_conn()

    # The generated client's one-method-per-verb helpers, all through request().
    def GET(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def HEAD(self, url: str, **kwargs: Any) -> Any:
        return self.request("HEAD", url, **kwargs)

    def OPTIONS(self, url: str, **kwargs: Any) -> Any:
        return self.request("OPTIONS", url, **kwargs)

    def DELETE(self, url: str, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)

    def POST(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def PUT(self, url: str, **kwargs: Any) -> Any:
        return self.request("PUT", url, **kwargs)

    def PATCH(self, url: str, **kwargs: Any) -> Any:
        return self.request("PATCH", url, **kwargs)


def transport_error(exc: BaseException) -> TransportError:
    """The pyodk exception for a urllib3 (or socket) failure; the caller chains ``exc``."""
    if isinstance(exc, MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, _Urllib3ProxyError):
        return ProxyError(text)
    if isinstance(exc, SSLError | ssl.SSLError):
        return TLSError(text)
    # NewConnectionError subclasses ConnectTimeoutError: both mean nothing was sent, and so does
    # EmptyPoolError (no free connection to send it on).
    if isinstance(
        exc, NewConnectionError | ConnectTimeoutError | ConnectionRefusedError | EmptyPoolError
    ):
        return ConnectionFailedError(text)
    if isinstance(exc, ReadTimeoutError | TimeoutError):
        return ResponseTimeoutError(text)
    if isinstance(exc, ProtocolError | ConnectionError):
        return ConnectionDroppedError(text)
    return TransportError(text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: credentials replaced by a marker."""
    return {
        name: ("<redacted>" if name.lower() in _SENSITIVE_HEADERS else value)
        for name, value in headers.items()
    }


def _too_large(resp: Any, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        status=resp.status,
        reason=f"response body exceeds max_response_size ({limit} bytes)",
        headers=resp.headers,
    )


def _timeout(value: Any) -> urllib3.Timeout:
    """A urllib3 Timeout from a number (both phases) or a (connect, read) pair."""
    if isinstance(value, urllib3.Timeout):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return urllib3.Timeout(connect=value, read=value)
    if isinstance(value, tuple) and len(value) == 2:
        return urllib3.Timeout(connect=value[0], read=value[1])
    raise TypeError(
        f"_request_timeout must be a number of seconds or a (connect, read) tuple, got {value!r}"
    )


def _pool_wait(timeout: urllib3.Timeout) -> float | None:
    """How long to wait for a free pooled connection: connect plus read, what one call may take.

    Shorter would fail bursts of legitimately slow calls that a bigger pool would have served;
    None (no limit) only when the caller turned a timeout off.
    """
    connect, read = timeout.connect_timeout, timeout.read_timeout
    if isinstance(connect, (int, float)) and isinstance(read, (int, float)):
        return float(connect + read)
    return None


def _encode_body(
    method: str,
    headers: dict[str, str],
    body: Any,
    post_params: list[tuple[str, Any]] | None,
) -> bytes | None:
    if method not in _BODY_METHODS or (body is None and not post_params):
        # No body at all: and so no Content-Type that would announce one.
        headers.pop("Content-Type", None)
        return None
    content_type = headers.setdefault("Content-Type", "application/json")
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return urlencode(post_params or []).encode("ascii")
    if kind == "multipart/form-data":
        payload, multipart_type = urllib3.encode_multipart_formdata(post_params or [])
        headers["Content-Type"] = multipart_type
        return payload
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return _JSON_ENCODER.encode(body).encode("utf-8")


def _charset(headers: Mapping[str, str]) -> str:
    return _charset_of(headers.get("Content-Type") or "")


@functools.lru_cache(maxsize=64)
def _charset_of(content_type: str) -> str:
    # Cached: a server sends the same one or two Content-Type values, and this runs per answer.
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
            try:
                "".encode(charset)
            except (LookupError, UnicodeError):  # unknown, or "undefined", which always fails
                return "utf-8"
            return charset
    return "utf-8"


class _UnverifiedHTTPSConnection(urllib3.connection.HTTPSConnection):
    """A connection for verify_ssl=False that does not make urllib3 warn on each request.

    urllib3 (1.26 and 2.x) warns InsecureRequestWarning whenever ``is_verified`` is false; the user
    asked for no verification and pyodk's own warning, given once, has told them what it costs.
    """

    @property
    def is_verified(self) -> bool:
        return True

    @is_verified.setter
    def is_verified(self, value: bool) -> None:
        pass


class _UnverifiedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _UnverifiedHTTPSConnection


def _warn_unverified_once() -> None:
    global _unverified_warning_given
    with _unverified_warning_lock:
        if _unverified_warning_given:
            return
        _unverified_warning_given = True
    warnings.warn(
        "verify_ssl is False: TLS certificates are not checked, so the bearer token can be "
        "intercepted. Use ssl_ca_cert for a private CA instead.",
        stacklevel=4,
    )
