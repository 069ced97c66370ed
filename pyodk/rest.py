"""The only module that touches urllib3: connection pools, TLS, proxies, timeouts, retries.

``RESTClientObject.send(request)`` is the request path's middle: it sends a built ``Request``
with retries under the call's deadline and reads the answer within the limits. It turns every
urllib3 failure into a pyodk ``TransportError`` (status 0, cause chained) and every error status
into the ``ApiException`` subclass from ``pyodk.exceptions``, and notes on each which call failed.
It works the same on urllib3 1.26 and 2.x.

How a call keeps its deadline: each attempt's timeouts (connect, read, waiting for a pooled
connection) are cut to the time left, and while the call runs ``pyodk.deadlines.watchdog`` holds
it. Socket timeouts restart at every byte, so at the deadline the watchdog shuts the call's
socket down; the read blocked on it returns at once and the call raises ``CallTimeoutError``.
The pools here tell the watchdog which connection a call holds, and take it back before the
connection returns to the pool, so that the watchdog never touches a connection in other hands.

Which proxy: ``Configuration.proxy`` for every target when set; otherwise, unless
``proxy_from_env`` is off, the environment's (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``,
``NO_PROXY``, either case), decided per target, since the token endpoint is another host.
Credentials in a proxy URL are sent as ``Proxy-Authorization``, for plain HTTP and for CONNECT.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import socket
import ssl
import threading
import time
import urllib.request
import warnings
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

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

from pyodk import forking
from pyodk.configuration import Configuration
from pyodk.deadlines import watchdog
from pyodk.exceptions import (
    ApiException,
    ApiTypeError,
    ApiValueError,
    CallTimeoutError,
    ConnectionDroppedError,
    ConnectionFailedError,
    ProxyError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    TLSError,
    TransportError,
    exception_class_for_status,
)
from pyodk.redaction import Redactor, redact_headers, without_password
from pyodk.request import Request, attempt_timeout, build_request, pool_wait
from pyodk.retry import RetryPolicy

__all__ = ["ApiException", "RESTClientObject", "RESTResponse", "redact_headers"]

logger = logging.getLogger("pyodk")

_STREAM_CHUNK = 64 * 1024
#: Deflate inflates at most ~1032:1, so a 1 KiB piece of a compressed body yields at most ~1 MiB.
_ENCODED_CHUNK = 1024
#: How many origins' pools the fast path remembers (a program talks to one or two).
_MAX_REMEMBERED_ORIGINS = 64
#: Proxy URL schemes urllib3 can use without extra packages.
_PROXY_SCHEMES = ("http", "https")

_unverified_warning_lock = threading.Lock()
_unverified_warning_given = False


class RESTResponse(io.IOBase):
    """A fully read answer: ``status``, ``reason``, ``data`` (text) and its headers.

    ``raw_data`` holds the body as bytes. ``data`` decodes them, by the charset the answer names
    (UTF-8 by default), each time it is read: a body decoded straight into models is then never
    held as text too (a 1000-snapshot page is 700 KB of it). ``attempts`` counts the HTTP attempts
    the call made to get it.
    """

    def __init__(self, resp: Any, data: bytes, attempts: int = 1) -> None:
        self.urllib3_response = resp
        self.status: int = resp.status
        self.reason: str = resp.reason
        self.raw_data = data
        self.attempts = attempts
        self._data: str | None = None

    @property
    def data(self) -> str:
        """The body as text."""
        if self._data is not None:
            return self._data
        charset = _charset(self.urllib3_response.headers)
        if charset is None:
            charset = json.detect_encoding(self.raw_data)
        try:
            return self.raw_data.decode(charset, errors="replace")
        except UnicodeError:
            # A trusted codec may still refuse some bytes outright: the charset came from the
            # server, and a hostile one must not escape as a bare UnicodeError.
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
    """Sends requests through pooled urllib3 connections, with timeouts, retries and a deadline."""

    def __init__(
        self, configuration: Configuration, pools_size: int = 4, maxsize: int | None = None
    ) -> None:
        self.configuration = configuration
        self.default_timeout = attempt_timeout(
            (configuration.connect_timeout, configuration.read_timeout)
        )
        self.default_pool_wait = pool_wait(self.default_timeout)
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
        self.max_response_size = _byte_limit(configuration.max_response_size)

        self._pool_args: dict[str, Any] = {
            "num_pools": pools_size,
            "maxsize": maxsize or configuration.connection_pool_maxsize,
            # Beyond maxsize, wait for a free connection rather than open throwaway ones.
            "block": True,
        }
        if configuration.verify_ssl:
            self._pool_args["cert_reqs"] = ssl.CERT_REQUIRED
            self._pool_args["ca_certs"] = configuration.ssl_ca_cert or certifi.where()
        else:
            self._pool_args["cert_reqs"] = ssl.CERT_NONE
            _warn_unverified_once()
        if configuration.cert_file:
            self._pool_args["cert_file"] = configuration.cert_file
        if configuration.key_file:
            self._pool_args["key_file"] = configuration.key_file
        if configuration.assert_hostname is not None:
            self._pool_args["assert_hostname"] = configuration.assert_hostname

        self._explicit_proxy = configuration.proxy or None
        # Read once, as requests reads it per session: a call must not pay for os.environ.
        self._env_proxies = (
            {} if self._explicit_proxy or not configuration.proxy_from_env else _env_proxies()
        )
        self._proxy_secrets: list[str] = []
        self._make_pools()
        forking.renew_after_fork(self)

    def _make_pools(self) -> None:
        """Fresh managers and empty route caches (at start, and in a forked child)."""
        self.pool_manager: urllib3.PoolManager
        self._proxy_secrets = []
        if self._explicit_proxy:
            self.pool_manager = self._new_proxy_manager(self._explicit_proxy)
        else:
            self.pool_manager = urllib3.PoolManager(**self._pool_args)
            self._use_watched_pools(self.pool_manager)
        self._proxy_managers: dict[str, urllib3.ProxyManager] = {}
        #: origin -> the pool its requests go to directly (no proxy): the fast path.
        self._direct_pools: dict[str, urllib3.HTTPConnectionPool] = {}
        #: origin -> the manager that routes it (through a proxy, or not).
        self._managers: dict[str, urllib3.PoolManager] = {}

    def close(self) -> None:
        """Close every pooled connection."""
        self._direct_pools.clear()
        self._managers.clear()
        self.pool_manager.clear()
        for manager in list(self._proxy_managers.values()):
            manager.clear()

    def _after_fork_in_child(self) -> None:
        # The parent's connections are left to the parent: sharing a keep-alive socket would mix
        # the two processes' answers. Dropped, not closed: closing would send nothing, but the
        # parent's pool objects are no business of the child's.
        self._make_pools()

    # -- the generated client's entry points ----------------------------------------------------

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
            when no answer arrived; ApiTypeError or ApiValueError for a request that cannot be sent.
        """
        request = build_request(
            method,
            "",
            host=url,
            now=time.monotonic(),
            query=query_params,
            headers=headers,
            body=body,
            form=post_params,
            request_timeout=_request_timeout,
            default_timeout=self.default_timeout,
            default_call_timeout=self.configuration.call_timeout,
            preload_content=_preload_content,
        )
        return self.send(request)

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

    # -- the stages: send with retries under the deadline, read within the limits ------------------

    def send(self, request: Request, attempts_made: int = 0) -> Any:
        """Send ``request``, retrying as the policy allows and the deadline leaves time for.

        :param attempts_made: attempts this call made before (a re-send after a 401), so that
            errors count every attempt of the call.
        :return: a RESTResponse, or for ``preload_content=False`` and a 2xx the urllib3 response
            with its body unread (the deadline then no longer applies: the caller reads it).
        :raises ApiException: as ``request()``; each one says which call it was (``record_call``).
        """
        call = _Call(request, attempts_made)
        watched = request.deadline is not None
        if watched:
            watchdog.watch(call)
        outer, _current.call = _current.call, call
        try:
            return self._send_with_retries(request, call)
        except ApiException as error:
            proxy_secrets = Redactor(self._proxy_secrets) if self._proxy_secrets else None
            request.record_failure(error, call.attempts, proxy_secrets)
            raise
        finally:
            _current.call = outer
            if watched:
                watchdog.forget(call)

    def _send_with_retries(self, request: Request, call: _Call) -> Any:
        policy = self.retry_policy
        method = request.method
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug(
                "%s %s headers=%s",
                method,
                _shown_url(request),
                request.redactor().headers(request.headers),
            )
        retry = 0
        while True:
            timeout, pool_timeout = self._attempt_limits(request, call)
            call.attempts += 1
            try:
                resp = self._open(request, timeout, pool_timeout)
                status = resp.status
                if request.preload_content or not 200 <= status <= 299:
                    data = self._read_body(resp)
                if call.expired:
                    # The watchdog cut the answer off; a body ended by closing the connection
                    # would otherwise pass for a whole one.
                    raise _DeadlineCut()
            except (HTTPError, OSError, _DeadlineCut) as exc:
                error = self._failure(exc, request, call, timeout)
                delay = self._within_deadline(
                    request, policy.delay_after_error(retry, method, error)
                )
                if delay is None:
                    raise error from (None if isinstance(exc, _DeadlineCut) else exc)
                self._log_retry(request, delay, error.what or error.reason or "", call)
                policy.sleep(delay)
                retry += 1
                continue
            if status in policy.statuses and not 200 <= status <= 299:
                delay = self._within_deadline(
                    request, policy.delay_after_status(retry, method, status, resp.headers)
                )
                if delay is not None:
                    self._log_retry(request, delay, str(status), call)
                    policy.sleep(delay)
                    retry += 1
                    continue
            break

        if debug:
            logger.debug("%s %s -> %d %s", method, _shown_url(request), status, resp.reason)
        if not request.preload_content and 200 <= status <= 299:
            return resp
        response = RESTResponse(resp, data, call.attempts)
        if not 200 <= status <= 299:
            raise exception_class_for_status(status)(http_resp=response)
        return response

    def _attempt_limits(
        self, request: Request, call: _Call
    ) -> tuple[urllib3.Timeout, float | None]:
        """This attempt's (connect, read) timeouts and pool wait: the request's, cut to the time
        the deadline leaves; CallTimeoutError if it leaves none."""
        deadline = request.deadline
        if deadline is None:
            return request.timeout, request.pool_wait
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._deadline_error(request, call, "before an attempt could start")
        budget = request.pool_wait
        if budget is not None and budget <= left:
            return request.timeout, budget
        timeout = request.timeout
        return (
            urllib3.Timeout(
                connect=_at_most(timeout.connect_timeout, left),
                read=_at_most(timeout.read_timeout, left),
            ),
            left if budget is None else min(budget, left),
        )

    def _within_deadline(self, request: Request, delay: float | None) -> float | None:
        """``delay``, unless waiting it would end past the deadline: then None (do not retry)."""
        if delay is None or request.deadline is None:
            return delay
        if time.monotonic() + delay < request.deadline:
            return delay
        logger.info(
            "not retrying %s %s: waiting %.2fs would pass the call's %gs deadline",
            request.method,
            _shown_url(request),
            delay,
            request.call_timeout,
        )
        return None

    def _open(self, request: Request, timeout: urllib3.Timeout, pool_timeout: float | None) -> Any:
        """One attempt, up to the answer's headers (its body is read by ``_read_body``)."""
        options: dict[str, Any] = {
            "body": request.body,
            "headers": request.headers,
            "timeout": timeout,
            "retries": self.urllib3_retries,
            # With every pooled connection taken (by slow calls, or by streamed answers never
            # released), wait for one at most as long as the attempt may take, not for ever.
            "pool_timeout": pool_timeout,
            "redirect": False,
            "preload_content": False,
        }
        pool = self._direct_pools.get(request.origin)
        if pool is not None and pool.pool is not None:  # .pool is None once the pool is closed
            # The fast path: straight to the pool, without urllib3 parsing the URL and looking
            # the pool up again for every request.
            return pool.urlopen(request.method, request.target, assert_same_host=False, **options)
        manager = self._manager_for(request.origin)
        if manager is self.pool_manager and not self._explicit_proxy:
            pool = manager.connection_from_url(request.origin)
            if len(self._direct_pools) >= _MAX_REMEMBERED_ORIGINS:
                self._direct_pools.clear()  # a program roaming over many hosts: start over
            self._direct_pools[request.origin] = pool
            return pool.urlopen(request.method, request.target, assert_same_host=False, **options)
        return manager.urlopen(request.method, request.url, **options)

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

    def _failure(
        self, exc: BaseException, request: Request, call: _Call, timeout: urllib3.Timeout
    ) -> TransportError:
        """The pyodk error for a failed attempt: CallTimeoutError once the deadline has passed."""
        deadline = request.deadline
        if call.expired or (deadline is not None and time.monotonic() >= deadline):
            error = self._deadline_error(request, call, "")
            if not isinstance(exc, _DeadlineCut):
                error.reason = f"{error.reason} ({_low_level_text(exc)})"
            return error
        return transport_error(exc, request.host, timeout)

    def _deadline_error(self, request: Request, call: _Call, when: str) -> CallTimeoutError:
        budget = f"{request.call_timeout:g} s " if request.call_timeout is not None else ""
        if call.attempts == 0 and when:
            what = f"the call's {budget}deadline passed {when} (nothing was sent to {request.host})"
        else:
            what = f"no full answer from {request.host} within the call's {budget}deadline"
        return CallTimeoutError(f"the call's {budget}deadline passed", what)

    def _log_retry(self, request: Request, delay: float, why: str, call: _Call) -> None:
        logger.info(
            "retrying %s %s in %.2fs after %s (attempt %d failed)",
            request.method,
            _shown_url(request),
            delay,
            request.redactor()(why),
            call.attempts,
        )

    # -- routes: which pool or proxy a target goes through -----------------------------------------

    def _manager_for(self, origin: str) -> urllib3.PoolManager:
        manager = self._managers.get(origin)
        if manager is None:
            proxy = self._explicit_proxy or _env_proxy_for(origin, self._env_proxies)
            if proxy is None or proxy == self._explicit_proxy:
                manager = self.pool_manager
            else:
                manager = self._proxy_managers.get(proxy)
                if manager is None:
                    manager = self._proxy_managers[proxy] = self._new_proxy_manager(proxy)
            self._managers[origin] = manager
        return manager

    def _new_proxy_manager(self, proxy: str) -> urllib3.ProxyManager:
        url, headers, secrets = _proxy_settings(proxy, self.configuration.proxy_headers)
        self._proxy_secrets.extend(secrets)
        try:
            manager = urllib3.ProxyManager(proxy_url=url, proxy_headers=headers, **self._pool_args)
        except (HTTPError, ValueError) as exc:
            raise ApiValueError(
                f"the proxy {without_password(proxy)!r} cannot be used: {exc}"
            ) from exc
        self._use_watched_pools(manager)
        return manager

    def _use_watched_pools(self, manager: urllib3.PoolManager) -> None:
        """Give ``manager`` pyodk's pools, which tell the watchdog which connection a call holds."""
        https = _HTTPSPool if self.configuration.verify_ssl else _UnverifiedHTTPSPool
        manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": https}


# -- a call as the watchdog sees it ---------------------------------------------------------------


class _Call:
    """One call on its way: its deadline, attempts, and the connection it holds now."""

    __slots__ = ("deadline", "attempts", "conn", "expired")

    def __init__(self, request: Request, attempts_made: int) -> None:
        self.deadline = request.deadline if request.deadline is not None else 0.0
        self.attempts = attempts_made
        self.conn: Any = None
        self.expired = False

    def expire(self) -> None:
        """At the deadline (on the watchdog thread): shut the connection's socket down, so that a
        read blocked on it returns now.

        Until a connection has its socket (connecting, or in the TLS handshake, which CPython
        bounds as a whole), the attempt's connect timeout, already cut to the deadline, rules.
        """
        self.expired = True
        sock = getattr(self.conn, "sock", None)
        if sock is not None and not isinstance(sock, socket.socket):
            sock = getattr(sock, "socket", None)  # urllib3 2's TLS inside a TLS proxy tunnel
        if isinstance(sock, socket.socket):
            # The plain socket's shutdown, also under TLS: ssl.SSLSocket.shutdown would drop its
            # TLS object under the thread still reading through it. OSError: already closed.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Current(threading.local):
    call: _Call | None = None


#: The call this thread is sending, for the pools below.
_current = _Current()


class _DeadlineCut(Exception):
    """The watchdog ended an attempt whose read nevertheless looked complete."""


class _WatchedPool:
    """Pool behaviour: hand the call each connection it takes, and take it back on release."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        call = _current.call
        if call is not None:
            call.conn = conn
        return conn

    def _put_conn(self, conn: Any) -> None:
        call = _current.call
        if call is not None and conn is not None and call.conn is conn:
            # Under the watchdog's lock: once the connection is back in the pool another call
            # may take it, and the watchdog must not shut it down for this one.
            with watchdog.lock:
                call.conn = None
        super()._put_conn(conn)  # type: ignore[misc]


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


class _HTTPPool(_WatchedPool, urllib3.HTTPConnectionPool):
    pass


class _HTTPSPool(_WatchedPool, urllib3.HTTPSConnectionPool):
    pass


class _UnverifiedHTTPSPool(_HTTPSPool):
    ConnectionCls = _UnverifiedHTTPSConnection


# -- failures -----------------------------------------------------------------------------------


def transport_error(
    exc: BaseException, where: str | None = None, timeout: urllib3.Timeout | None = None
) -> TransportError:
    """The pyodk exception for a urllib3 (or socket) failure; the caller chains ``exc``.

    ``where`` (``host:port``) and ``timeout`` make its ``what`` say what failed in plain words.
    """
    if isinstance(exc, MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    text = _low_level_text(exc)
    at = where or "the server"
    if isinstance(exc, _Urllib3ProxyError):
        detail = getattr(exc, "original_error", None) or (exc.args[-1] if exc.args else "")
        return ProxyError(text, f"the proxy failed on the way to {at} ({detail})")
    if isinstance(exc, SSLError | ssl.SSLError):
        return TLSError(text, f"the TLS handshake or certificate check with {at} failed")
    # NewConnectionError subclasses ConnectTimeoutError: both mean nothing was sent, and so does
    # EmptyPoolError (no free connection to send it on).
    if isinstance(exc, EmptyPoolError):
        return ConnectionFailedError(
            text, f"no pooled connection to {at} came free in time (nothing was sent)"
        )
    if isinstance(exc, NewConnectionError | ConnectionRefusedError):
        return ConnectionFailedError(text, f"{_connect_failure(exc)} {at}")
    if isinstance(exc, ConnectTimeoutError):
        limit = _seconds(timeout.connect_timeout) if timeout is not None else ""
        return ConnectionFailedError(
            text, f"no connection to {at} within the{limit} connect timeout"
        )
    if isinstance(exc, ReadTimeoutError | TimeoutError):
        limit = _seconds(timeout.read_timeout) if timeout is not None else ""
        return ResponseTimeoutError(text, f"no answer from {at} within the{limit} read timeout")
    if isinstance(exc, ProtocolError | ConnectionError):
        return ConnectionDroppedError(
            text, f"the connection to {at} broke before a full answer arrived"
        )
    return TransportError(text, f"the request to {at} failed")


def _connect_failure(exc: BaseException) -> str:
    causes = (exc, exc.__cause__, exc.__context__, *getattr(exc, "args", ())[-1:])
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in str(exc):
        return "connection refused by"
    if any(isinstance(c, socket.gaierror) for c in causes) or "resolve" in str(exc).lower():
        return "could not resolve"
    return "could not connect to"


def _low_level_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _seconds(value: Any) -> str:
    return f" {value:g} s" if isinstance(value, (int, float)) else ""


def _at_most(value: Any, limit: float) -> float:
    """A timeout phase cut to ``limit`` (a phase with no limit, or urllib3's default, gets it)."""
    return min(value, limit) if isinstance(value, (int, float)) else limit


def _byte_limit(value: Any) -> int | None:
    """``Configuration.max_response_size``, checked when the client is made, not when an answer
    has already arrived."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiTypeError(
            f"Configuration.max_response_size must be an int (bytes) or None, got "
            f"{type(value).__name__} {value!r}"
        )
    if value < 0:
        raise ApiValueError(f"Configuration.max_response_size must be >= 0, got {value}")
    return value


def _too_large(resp: Any, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        status=resp.status,
        reason=f"response body exceeds max_response_size ({limit} bytes)",
        headers=resp.headers,
    )


def _shown_url(request: Request) -> str:
    """The URL as logs show it: no password, no credential in its query."""
    url = without_password(request.url)
    return request.redactor()(url) if request.secrets else url


# -- proxies ------------------------------------------------------------------------------------


def _env_proxies() -> dict[str, str]:
    """The environment's proxies by scheme (``http``, ``https``, ``all``) and ``no``, from the
    upper- and lower-case variables (lower case wins, as in the standard library)."""
    return {
        scheme: value
        for scheme, value in urllib.request.getproxies_environment().items()
        if scheme in ("http", "https", "all", "no") and value
    }


def _env_proxy_for(origin: str, proxies: Mapping[str, str]) -> str | None:
    """The environment's proxy for ``origin`` (``scheme://host:port``), or None to go direct."""
    if not proxies:
        return None
    scheme, _, netloc = origin.partition("://")
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or _bypasses_proxy(netloc, proxies.get("no", "")):
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy  # "proxy.example:3128", as curl and requests read it
    kind = proxy.partition("://")[0].lower()
    if kind not in _PROXY_SCHEMES:
        raise ApiValueError(
            f"the environment names a {kind} proxy for {scheme}:// URLs "
            f"({without_password(proxy)!r}), which pyodk cannot use; add {netloc} to NO_PROXY, "
            "set Configuration.proxy, or set Configuration.proxy_from_env = False"
        )
    return proxy


def _bypasses_proxy(netloc: str, no_proxy: str) -> bool:
    """Whether NO_PROXY names this ``host:port``: ``*``, the host, a domain it is in (with or
    without a leading dot), or ``host:port`` exactly; as curl, requests and httpx read it."""
    netloc = netloc.lower()
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    host = host.strip("[]")
    for entry in no_proxy.lower().replace(" ", "").split(","):
        entry = entry.lstrip(".").strip("[]")
        if not entry:
            continue
        if entry == "*" or entry in (host, netloc) or host.endswith("." + entry):
            return True
    return False


def _proxy_settings(
    proxy: str, configured: Mapping[str, str] | None
) -> tuple[str, dict[str, str], list[str]]:
    """(URL without credentials, headers for the proxy, secrets to mask) for a proxy URL.

    urllib3 ignores credentials in a proxy URL: they become a Proxy-Authorization header, which
    urllib3 sends to the proxy on plain-HTTP requests and on the CONNECT of an HTTPS tunnel. One
    given in ``Configuration.proxy_headers`` wins.
    """
    parsed = urllib3.util.parse_url(proxy)
    headers = dict(configured or {})
    secrets = [value for name, value in headers.items() if name.lower() == "proxy-authorization"]
    if parsed.auth:
        user, _, password = parsed.auth.partition(":")
        credentials = f"{unquote(user)}:{unquote(password)}"
        if not secrets:
            generated = urllib3.make_headers(proxy_basic_auth=credentials)
            headers["Proxy-Authorization"] = generated["proxy-authorization"]
            secrets.append(headers["Proxy-Authorization"])
        secrets += [unquote(password), password]
        proxy = parsed._replace(auth=None).url
    return proxy, headers, secrets


# -- bodies and TLS -----------------------------------------------------------------------------

#: What every charset worth trusting turns into the same ASCII JSON text, and what it must decode
#: with errors="replace" keeping the ASCII (idna refuses to; punycode on 3.13.0 returns '').
_CHARSET_PROBE = b'{"Id": 1, "Name": "a-Z_0:9/"}'
_CHARSET_PROBE_WITH_A_BAD_BYTE = b'{"Name": "x\xff"}'


def _charset(headers: Mapping[str, str]) -> str | None:
    return _charset_of(headers.get("Content-Type") or "")


@functools.lru_cache(maxsize=64)
def _charset_of(content_type: str) -> str | None:
    """The answer's charset, if it can be trusted with JSON; None: guess it from the bytes.

    Cached: a server sends one or two Content-Type values, and this runs per answer.
    """
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
            return charset if _decodes_json(charset) else None
    return "utf-8"


def _decodes_json(charset: str) -> bool:
    """Whether ``charset`` decodes a plain ASCII JSON probe to itself, and one with a stray byte
    without losing the ASCII.

    That refuses codecs that always fail ("undefined"), that refuse errors="replace" (idna), that
    fail quietly (punycode on Python 3.13.0 returns '' for bytes it cannot decode), that are not
    text codecs at all (rot13), and ones such as utf-16, whose bodies json.detect_encoding
    recognises from their bytes.
    """
    try:
        plain = _CHARSET_PROBE.decode(charset) == _CHARSET_PROBE.decode("ascii")
        stray = _CHARSET_PROBE_WITH_A_BAD_BYTE.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return False
    return plain and stray.startswith('{"Name": "x')


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


def _renew_module_lock() -> None:
    # A fork while another thread held it must not leave the child's copy locked for ever.
    global _unverified_warning_lock
    _unverified_warning_lock = threading.Lock()


forking.in_child_after_fork(_renew_module_lock)
