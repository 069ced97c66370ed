"""The one request path: build -> authenticate -> send -> decode or raise.

``ApiClient.call_api`` keeps swagger-codegen 2.4's signature and return conventions, so that API
modules generated in that style for the rest of the Oktawave API run on it unchanged; it is a thin
wrapper over the stages:

1. build: ``pyodk.request.build_request`` makes the frozen Request (pure; refuses bad input with
   ApiTypeError/ApiValueError) and the response type's decoder is resolved, before anything is
   sent;
2. authenticate: the credentials ``auth_settings`` names are added (a token source gets the call's
   deadline for its fetch);
3. send with retries under the deadline, and read within the limits: ``RESTClientObject.send``
   (again once with a fresh token after a 401);
4. decode the answer into the response type, or raise.

The client keeps no per-call state on itself: one instance can be shared by many threads. After
``os.fork()`` a child gets fresh connections and a fresh thread pool (pyodk.forking).
"""

from __future__ import annotations

import datetime
import functools
import inspect
import json
import mimetypes
import os
import threading
import time
from collections.abc import Mapping
from multiprocessing.pool import ThreadPool
from typing import Any

from pyodk import forking
from pyodk._version import __version__
from pyodk.configuration import Configuration
from pyodk.exceptions import (
    ApiException,
    ApiTypeError,
    ApiValueError,
    ModelDecodeError,
    ResponseDecodeError,
    UnauthorizedError,
)
from pyodk.models.base import decoder_for, to_wire
from pyodk.redaction import without_password
from pyodk.request import Request, build_request, check_header_values, parameters_to_tuples
from pyodk.rest import RESTClientObject, RESTResponse

__all__ = ["ApiClient", "check_header_values"]

_JSON_CONTENT_TYPES = ("application/json", "text/json")
_DEFAULT_POOL_THREADS = 8
#: Thread pools inherited from a parent process: their threads do not exist in the child, and
#: they are kept here so that no finalizer tries to stop them.
_orphaned_pools: list[ThreadPool] = []


class ApiClient:
    """Sends requests for the API classes and decodes their answers into models.

    :param configuration: settings; a fresh ``Configuration()`` when omitted.
    :param header_name: a header to send on every request, with ``header_value``.
    :param cookie: a Cookie header to send on every request.
    :param pool_threads: threads behind ``async_req=True`` calls (the pool starts on first use).

    Use it as a context manager, or call ``close()``, to release connections and threads.
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        pool_threads: int = _DEFAULT_POOL_THREADS,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self.pool_threads = pool_threads
        self.rest_client = RESTClientObject(self.configuration)
        self.default_headers: dict[str, str] = {}
        if header_name is not None:
            self.default_headers[header_name] = header_value or ""
        self.cookie = cookie
        self.user_agent = f"pyodk/{__version__}/python"
        self._pool: ThreadPool | None = None
        self._pool_lock = threading.Lock()
        forking.renew_after_fork(self)

    # -- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool and stop the async thread pool, if it was started."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            pool.join()
        self.rest_client.close()

    def _after_fork_in_child(self) -> None:
        # The parent's pool threads were not copied into this process: a call queued on that
        # pool would never run. The next async_req call starts a pool of the child's own.
        if self._pool is not None:
            _orphaned_pools.append(self._pool)
        self._pool = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> ThreadPool:
        """The thread pool behind ``async_req=True``; created only when first needed."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPool(self.pool_threads)
            return self._pool

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    @property
    def client_side_validation(self) -> bool:
        return self.configuration.client_side_validation

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    def __repr__(self) -> str:
        return f"ApiClient(host={without_password(self.configuration.host)!r})"

    # -- the request path -------------------------------------------------------------------

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None = None,
        query_params: Any = None,
        header_params: Mapping[str, Any] | None = None,
        body: Any = None,
        post_params: Any = None,
        files: Mapping[str, Any] | None = None,
        response_type: str | None = None,
        auth_settings: list[str] | None = None,
        async_req: bool | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: Mapping[str, str] | None = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
        *,
        _call_timeout: float | None = None,
        _operation: str | None = None,
    ) -> Any:
        """Make the HTTP request and decode its answer (swagger-codegen 2.4's signature).

        :param _request_timeout: per attempt: seconds, or a (connect, read) tuple.
        :param _call_timeout: seconds the whole call may take, retries included (default:
            ``Configuration.call_timeout``); past it, CallTimeoutError.
        :param _operation: the operationId, for error texts and logs.
        :return: the decoded ``response_type`` when ``_return_http_data_only``, else
            ``(data, status, headers)``; with ``async_req=True`` an AsyncResult whose
            ``.get(timeout=None)`` returns that; with ``_preload_content=False`` the raw
            urllib3 response takes the place of the data.
        :raises ApiTypeError, ApiValueError: the call cannot be right; nothing was sent (also
            with ``async_req=True``: these are raised here, not by ``.get()``).
        """
        config = self.configuration
        form = self.prepare_post_parameters(post_params, files) if post_params or files else None
        request = build_request(
            method,
            resource_path,
            host=config.host,
            now=time.monotonic(),
            path_params=path_params,
            query=query_params,
            headers=header_params,
            default_headers=self.default_headers,
            cookie=self.cookie,
            body=body,
            form=form,
            collection_formats=collection_formats,
            safe_chars=config.safe_chars_for_path_param,
            request_timeout=_request_timeout,
            default_timeout=self.rest_client.default_timeout,
            call_timeout=_call_timeout,
            default_call_timeout=config.call_timeout,
            operation=_operation,
            preload_content=_preload_content,
        )
        if response_type and _preload_content:
            _decoder(response_type)  # an unknown response type fails here, before anything leaves
        args = (request, auth_settings, response_type, _return_http_data_only)
        if async_req:
            return self.pool.apply_async(self._execute, args)
        return self._execute(*args)

    def _execute(
        self,
        request: Request,
        auth_settings: list[str] | None,
        response_type: str | None,
        data_only: bool | None,
    ) -> Any:
        """The stages after building: authenticate -> send -> decode."""
        response = self._send_authenticated(request, auth_settings)
        if not request.preload_content:
            data = response
        elif response_type:
            try:
                # Through deserialize(), the generated client's seam that subclasses override;
                # its decoder was found (and cached) before sending, so this is a lookup.
                data = self.deserialize(response, response_type)
            except ApiException as error:
                request.record_failure(error, response.attempts)
                raise
        else:
            data = None
        if data_only:
            return data
        # Not preloading hands back urllib3's own response, whose getheaders() warns on 1.26.
        headers = response.getheaders() if request.preload_content else response.headers
        return data, response.status, headers

    def _send_authenticated(self, request: Request, auth_settings: list[str] | None) -> Any:
        """Authenticate, send; after a 401 to a token source's token, once more with a new one."""
        sent, token = self._authenticate(request, auth_settings)
        try:
            return self.rest_client.send(sent)
        except UnauthorizedError as refused:
            # A token source may hold a token the server has revoked or expired early: fetch a
            # fresh one and try once more. A 401 means nothing was done, so resending is safe.
            source = self.configuration.token_source
            if token is None or source is None:
                raise
            source.invalidate(token)
            sent, _ = self._authenticate(request, auth_settings)
            return self.rest_client.send(sent, attempts_made=refused.attempts or 1)

    def _authenticate(
        self, request: Request, auth_settings: list[str] | None
    ) -> tuple[Request, str | None]:
        """``request`` with the credentials ``auth_settings`` names; and the bearer token sent."""
        if not auth_settings:
            return request, None
        headers: dict[str, str] = {}
        query: list[tuple[str, str]] = []
        token = self._add_credentials(headers, query, auth_settings, request.deadline)
        return request.with_credentials(headers, headers.values(), query), token

    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: dict[str, str] | None = None,
        post_params: Any = None,
        body: Any = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> Any:
        """Send through rest.py (generated-client compatibility: any verb, one code path)."""
        return self.rest_client.request(
            method,
            url,
            query_params=query_params,
            headers=headers,
            post_params=post_params,
            body=body,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )

    # -- authentication ---------------------------------------------------------------------

    def update_params_for_auth(
        self, headers: dict[str, str], querys: list[tuple[str, Any]], auth_settings: Any
    ) -> str | None:
        """Add the credentials ``auth_settings`` names; return the bearer token sent, if any."""
        if not auth_settings:
            return None
        return self._add_credentials(headers, querys, auth_settings, None)

    def _add_credentials(
        self,
        headers: dict[str, str],
        query: list[tuple[str, Any]],
        auth_settings: list[str],
        deadline: float | None,
    ) -> str | None:
        """Add to ``headers`` and ``query`` the credentials ``auth_settings`` names (a token source
        fetching a token gets ``deadline``); return the bearer token added, if any."""
        token = None
        added: dict[str, str] = {}
        credentials: dict[str, dict[str, Any]] | None = None
        for name in auth_settings:
            if name == "oauth2":
                token = self._bearer_token(deadline)
                if token:
                    added["Authorization"] = "Bearer " + token
                continue
            # api_key and basic entries: computed only when a call asks for one.
            if credentials is None:
                credentials = self.configuration.credential_settings()
            setting = credentials.get(name) or {}
            if not setting.get("value"):
                continue
            if setting["in"] == "header":
                added[setting["key"]] = setting["value"]
            elif setting["in"] == "query":
                query.append((setting["key"], setting["value"]))
            else:
                raise ApiValueError("Authentication token must be in `query` or `header`")
        # Only the credentials are new here: the caller's headers were checked already.
        check_header_values(added)
        headers.update(added)
        return token

    def _bearer_token(self, deadline: float | None) -> str | None:
        """The token to send now; a token source that takes a ``deadline`` keyword gets it."""
        source = self.configuration.token_source
        if source is None:
            token = self.configuration.access_token
        elif deadline is not None and _takes_deadline(type(source)):
            token = source.token(deadline=deadline)  # type: ignore[call-arg]
        else:
            token = source.token()
        if token is not None and not isinstance(token, str):
            where = "the token source's token()" if source else "Configuration.access_token"
            raise ApiTypeError(f"{where} must be a str, got {type(token).__name__}")
        return token

    # -- parameters and headers -------------------------------------------------------------

    def parameters_to_tuples(
        self, params: Any, collection_formats: Mapping[str, str] | None
    ) -> list[tuple[str, Any]]:
        """Parameters as (name, value) pairs, lists joined by their collection format."""
        return parameters_to_tuples(params, collection_formats)

    def prepare_post_parameters(
        self, post_params: Any = None, files: Mapping[str, Any] | None = None
    ) -> list[tuple[str, Any]]:
        """Form parameters plus files read as (filename, data, mimetype) for multipart bodies."""
        params: list[tuple[str, Any]] = list(post_params or [])
        for name, paths in (files or {}).items():
            if not paths:
                continue
            for path in paths if isinstance(paths, list) else [paths]:
                try:
                    with open(path, "rb") as handle:
                        filename = os.path.basename(handle.name)
                        data = handle.read()
                except (OSError, TypeError) as exc:
                    raise ApiValueError(f"file `{name}` cannot be read: {exc}") from exc
                mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                params.append((name, (filename, data, mimetype)))
        return params

    @staticmethod
    def select_header_accept(accepts: list[str] | None) -> str | None:
        """``application/json`` when the operation offers it, else all offered types."""
        if not accepts:
            return None
        lowered = [a.lower() for a in accepts]
        if "application/json" in lowered:
            return "application/json"
        return ", ".join(accepts)

    @staticmethod
    def select_header_content_type(content_types: list[str] | None) -> str:
        """``application/json`` if the operation takes it (or says nothing), else the first."""
        if not content_types:
            return "application/json"
        lowered = [c.lower() for c in content_types]
        if "application/json" in lowered or "*/*" in lowered:
            return "application/json"
        return content_types[0]

    # -- encoding and decoding --------------------------------------------------------------

    def sanitize_for_serialization(self, obj: Any) -> Any:
        """A value ready for ``json.dumps``: models by JSON key, None left out, datetimes as ISO.

        :raises ApiTypeError: a value that has no JSON form.
        """
        try:
            return to_wire(obj)
        except TypeError as exc:
            raise ApiTypeError(str(exc)) from exc

    def deserialize(self, response: RESTResponse, response_type: str) -> Any:
        """Decode a response's JSON body into ``response_type`` (a swagger type string).

        :raises ResponseDecodeError: the body is not JSON, or does not fit the type; it carries
            the status, reason, headers and body.
        """
        decoder = _decoder(response_type)
        return _decode(response, response_type, decoder, self.configuration.assumed_timezone)


def _decoder(response_type: str) -> Any:
    """The decoder for ``response_type``, found before anything is sent.

    :raises ApiTypeError: no such type (a model name not in ``pyodk.models``), or ``file``.
    """
    # The parsed document is the client's alone: the decoder may free it as it goes.
    return decoder_for(response_type, consume=True)


def _decode(
    response: RESTResponse, response_type: str, decoder: Any, tz: datetime.tzinfo | None
) -> Any:
    """The answer's JSON decoded; datetimes without an offset get ``tz``.

    A text answer (``str``, as the contract's init script and screenshot are) that is not JSON is
    the text itself, as swagger-codegen's client returns it.
    """
    content_type = _media_type(response.getheader("Content-Type") or "")
    text_answer = response_type == "str"
    if content_type and content_type not in _JSON_CONTENT_TYPES:
        if text_answer:
            return response.data
        raise _decode_error(response, f"expected a JSON answer, got {content_type!r}")
    try:
        # The text is not kept: it is freed before the models are built.
        data = json.loads(_json_text(response))
    except ValueError as exc:
        if text_answer:
            return response.data
        raise _decode_error(response, f"the body is not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise _decode_error(response, "the body is nested too deeply") from exc
    try:
        return decoder(data, tz=tz)
    except ModelDecodeError as exc:
        raise _decode_error(response, f"the body does not fit {response_type}: {exc}") from exc
    except RecursionError as exc:
        raise _decode_error(response, "the body is nested too deeply") from exc


@functools.lru_cache(maxsize=32)
def _takes_deadline(source_type: type) -> bool:
    """Whether a token source's ``token()`` takes a ``deadline`` keyword (PasswordGrant's does)."""
    try:
        return "deadline" in inspect.signature(source_type.token).parameters  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return False


@functools.lru_cache(maxsize=64)
def _media_type(content_type: str) -> str:
    """``application/json`` from ``Application/JSON; charset=utf-8`` (cached: runs per answer)."""
    return content_type.split(";")[0].strip().lower()


def _json_text(response: RESTResponse) -> Any:
    body = response.data
    if isinstance(body, str):
        # .NET may start UTF-8 with a byte order mark; RFC 8259 lets parsers skip it.
        return body.removeprefix("\ufeff")
    return body


def _decode_error(response: RESTResponse, why: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        status=response.status,
        reason=f"{response.reason}; {why}",
        body=response.data,
        headers=response.getheaders(),
    )
