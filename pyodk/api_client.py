"""The one request path: build -> authenticate -> send -> decode or raise.

``ApiClient.call_api`` keeps swagger-codegen 2.4's signature and return conventions, so that API
modules generated in that style for the rest of the Oktawave API run on it unchanged. The client
keeps no per-call state on itself: one instance can be shared by many threads.
"""

from __future__ import annotations

import functools
import json
import mimetypes
import os
import threading
from collections.abc import Iterable, Mapping
from multiprocessing.pool import ThreadPool
from typing import Any
from urllib.parse import quote

from pyodk._version import __version__
from pyodk.configuration import Configuration, without_password
from pyodk.exceptions import ModelDecodeError, ResponseDecodeError, UnauthorizedError
from pyodk.models.base import decoder_for, to_wire
from pyodk.rest import RESTClientObject, RESTResponse

_JSON_CONTENT_TYPES = ("application/json", "text/json")
_DEFAULT_POOL_THREADS = 8
#: Path parameter values that, even quoted, would change which resource a path names.
_UNSAFE_SEGMENTS = frozenset({"", ".", ".."})


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
        header_params: Mapping[str, str] | None = None,
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

        :return: the decoded ``response_type`` when ``_return_http_data_only``, else
            ``(data, status, headers)``; with ``async_req=True`` an AsyncResult whose
            ``.get(timeout=None)`` returns that; with ``_preload_content=False`` the raw
            urllib3 response takes the place of the data.
        """
        args = (
            resource_path,
            method,
            path_params,
            query_params,
            header_params,
            body,
            post_params,
            files,
            response_type,
            auth_settings,
            _return_http_data_only,
            collection_formats,
            _preload_content,
            _request_timeout,
        )
        if async_req:
            return self.pool.apply_async(self._call_api, args)
        return self._call_api(*args)

    def _call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None,
        query_params: Any,
        header_params: Mapping[str, str] | None,
        body: Any,
        post_params: Any,
        files: Mapping[str, Any] | None,
        response_type: str | None,
        auth_settings: list[str] | None,
        _return_http_data_only: bool | None,
        collection_formats: Mapping[str, str] | None,
        _preload_content: bool,
        _request_timeout: Any,
    ) -> Any:
        config = self.configuration
        headers = dict(self.default_headers)
        if header_params:
            headers.update(header_params)
        if self.cookie:
            headers["Cookie"] = self.cookie
        if set(map(type, headers.values())) != {str}:
            # Generated modules may pass numbers, bools, dates or lists: render them as text.
            headers = {
                name: str(value)
                for name, value in self.parameters_to_tuples(headers, collection_formats)
            }
        check_header_values(headers)

        if path_params:
            safe = config.safe_chars_for_path_param
            for name, value in self.parameters_to_tuples(path_params, collection_formats):
                # An int (every id) is digits and maybe "-": nothing to quote, never unsafe.
                segment = str(value) if type(value) is int else quote(str(value), safe=safe)
                if segment in _UNSAFE_SEGMENTS:
                    # "/snapshots/.." is "/" once normalised, "/snapshots/" is the whole list.
                    raise ValueError(
                        f"path parameter `{name}` would not stay in its path segment: {value!r}"
                    )
                resource_path = resource_path.replace(f"{{{name}}}", segment)
        query = self.parameters_to_tuples(query_params, collection_formats) if query_params else []
        form = self.prepare_post_parameters(post_params, files) if post_params or files else []
        if body is not None:
            body = self.sanitize_for_serialization(body)
        url = config.host + resource_path

        def send() -> Any:
            return self.request(
                method,
                url,
                query_params=query,
                headers=headers,
                post_params=form,
                body=body,
                _preload_content=_preload_content,
                _request_timeout=_request_timeout,
            )

        sent_token = self.update_params_for_auth(headers, query, auth_settings)
        try:
            response = send()
        except UnauthorizedError:
            # A token source may hold a token the server has revoked or expired early: fetch a
            # fresh one and try once more. A 401 means nothing was done, so resending is safe.
            source = config.token_source
            if sent_token is None or source is None:
                raise
            source.invalidate(sent_token)
            self.update_params_for_auth(headers, query, auth_settings)
            response = send()

        if _preload_content:
            data = self.deserialize(response, response_type) if response_type else None
        else:
            data = response
        if _return_http_data_only:
            return data
        # Not preloading hands back urllib3's own response, whose getheaders() warns on 1.26.
        headers = response.getheaders() if _preload_content else response.headers
        return data, response.status, headers

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
        method = method.upper()
        if method not in ("GET", "HEAD", "OPTIONS", "POST", "PATCH", "PUT", "DELETE"):
            raise ValueError(
                "http method must be `GET`, `HEAD`, `OPTIONS`, `POST`, `PATCH`, `PUT` or `DELETE`."
            )
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
        settings = self.configuration.auth_settings()
        token = None
        for name in auth_settings:
            setting = settings.get(name)
            if not setting:
                continue
            if not setting["value"]:
                continue
            if setting["in"] == "header":
                # Only the credential is new here: the caller's headers were checked already.
                check_header_values({setting["key"]: setting["value"]})
                headers[setting["key"]] = setting["value"]
                if setting["type"] == "oauth2":
                    token = setting["value"][len("Bearer ") :]
            elif setting["in"] == "query":
                querys.append((setting["key"], setting["value"]))
            else:
                raise ValueError("Authentication token must be in `query` or `header`")
        return token

    # -- parameters and headers -------------------------------------------------------------

    def parameters_to_tuples(
        self, params: Any, collection_formats: Mapping[str, str] | None
    ) -> list[tuple[str, Any]]:
        """Parameters as (name, value) pairs, lists joined by their collection format."""
        items: Iterable[tuple[str, Any]] = params.items() if isinstance(params, Mapping) else params
        formats = collection_formats or {}
        new_params: list[tuple[str, Any]] = []
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
        return new_params

    def prepare_post_parameters(
        self, post_params: Any = None, files: Mapping[str, Any] | None = None
    ) -> list[tuple[str, Any]]:
        """Form parameters plus files read as (filename, data, mimetype) for multipart bodies."""
        params: list[tuple[str, Any]] = list(post_params or [])
        for name, paths in (files or {}).items():
            if not paths:
                continue
            for path in paths if isinstance(paths, list) else [paths]:
                with open(path, "rb") as handle:
                    filename = os.path.basename(handle.name)
                    data = handle.read()
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
        """A value ready for ``json.dumps``: models by JSON key, None left out, datetimes as ISO."""
        return to_wire(obj)

    def deserialize(self, response: RESTResponse, response_type: str) -> Any:
        """Decode a response's JSON body into ``response_type`` (a swagger type string).

        :raises ResponseDecodeError: the body is not JSON, or does not fit the type; it carries
            the status, reason, headers and body.
        """
        if response_type == "file":
            raise TypeError("file responses are not part of the Oktawave snapshots API")
        content_type = _media_type(response.getheader("Content-Type") or "")
        if content_type and content_type not in _JSON_CONTENT_TYPES:
            raise _decode_error(response, f"expected a JSON answer, got {content_type!r}")
        try:
            # The text is not kept: it is freed before the models are built.
            data = json.loads(_json_text(response))
        except ValueError as exc:
            raise _decode_error(response, f"the body is not valid JSON ({exc})") from exc
        except RecursionError as exc:
            raise _decode_error(response, "the body is nested too deeply") from exc
        try:
            # The parsed document is ours alone: let the decoder free it as it goes.
            decode = decoder_for(response_type, consume=True)
            return decode(data, tz=self.configuration.assumed_timezone)
        except ModelDecodeError as exc:
            raise _decode_error(response, f"the body does not fit {response_type}: {exc}") from exc
        except RecursionError as exc:
            raise _decode_error(response, "the body is nested too deeply") from exc


def check_header_values(headers: Mapping[str, str]) -> None:
    """Refuse CR or LF in a header, which would let a value smuggle in headers of its own."""
    text = "".join(headers) + "".join(headers.values())
    if "\r" not in text and "\n" not in text:
        return
    for name, value in headers.items():
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
            raise ValueError(f"header {name!r} contains a CR or LF character; refusing to send it")


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


def _query_text(value: Any) -> Any:
    if type(value) is int or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _decode_error(response: RESTResponse, why: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        status=response.status,
        reason=f"{response.reason}; {why}",
        body=response.data,
        headers=response.getheaders(),
    )
