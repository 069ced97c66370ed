"""Settings for talking to the Oktawave API. No I/O happens here.

A ``Configuration`` is a plain bag of settings, cheap to create and free of global side effects:
building one adds no log handler and never touches ``http.client``'s debug switch. Its ``repr`` and
``to_debug_report()`` never show a token, password or secret.
"""

from __future__ import annotations

import copy
import datetime
import logging
import os
import platform
import sys
from typing import Any, ClassVar, Protocol, runtime_checkable

from pyodk._version import __version__
from pyodk.redaction import MASK, basic_credentials, without_password

__all__ = [
    "DEFAULT_CALL_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_HOST",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_RETRIES",
    "DEFAULT_TOKEN_URL",
    "Configuration",
    "TokenSource",
    "without_password",
]

DEFAULT_HOST = "https://pl1-api.oktawave.com/services"
DEFAULT_TOKEN_URL = "https://id.oktawave.com/core/connect/token"

#: Seconds to wait for a connection, and for each read of an answer, unless told otherwise.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
#: Seconds one whole call may take: token fetch, connects, reads, retries and the waits between.
#: 300 s is a little over the longest a call can take with the default timeouts and retries
#: (4 attempts of 10 s connect + 60 s read, plus at most 3.5 s of backoff: 283.5 s), so the
#: deadline cuts no call that the defaults would let finish; it stops the calls that would never
#: end, such as an answer trickling in a byte at a time.
DEFAULT_CALL_TIMEOUT = 300.0
#: How many times an idempotent request is retried after a transient failure.
DEFAULT_RETRIES = 3
#: Answers larger than this are refused (ResponseTooLargeError) rather than held in memory.
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024

#: Settings whose values are secrets: never printed, logged or reported.
_SECRET_SETTINGS = frozenset({"access_token", "password", "api_key", "token_source"})

#: Every pyodk module logs here (``logging.getLogger("pyodk")``). The NullHandler, added once, keeps
#: pyodk silent until the application configures logging: a library must not print by default.
logger = logging.getLogger("pyodk")
logger.addHandler(logging.NullHandler())


@runtime_checkable
class TokenSource(Protocol):
    """Where the ApiClient gets a bearer token for each request (see ``pyodk.auth``).

    ``token()`` returns a currently valid access token, fetching or refreshing it as needed.
    ``invalidate(token)`` is called once after the API answered 401 to that token, so that the next
    ``token()`` fetches a fresh one.
    """

    def token(self) -> str: ...

    def invalidate(self, token: str) -> None: ...


class Configuration:
    """Settings for an ApiClient, in the style of swagger-codegen's generated Configuration.

    ``Configuration.set_default(c)`` makes every later ``Configuration()`` start as a copy of ``c``.
    """

    _default: ClassVar[Configuration | None] = None

    def __init__(self) -> None:
        default = Configuration._default
        if default is not None:
            # Through __deepcopy__: a token source (it holds a lock) is shared, not copied.
            self.__dict__.update(copy.deepcopy(default).__dict__)
            return
        #: Base URL of the API, without a trailing slash.
        self.host: str = DEFAULT_HOST
        #: A static OAuth2 bearer token.
        self.access_token: str | None = None
        #: A TokenSource (e.g. ``pyodk.auth.PasswordGrant``); when set it wins over access_token.
        self.token_source: TokenSource | None = None
        #: API keys by auth name, and their prefixes (generated-client compatibility).
        self.api_key: dict[str, str] = {}
        self.api_key_prefix: dict[str, str] = {}
        #: HTTP basic auth credentials (generated-client compatibility).
        self.username: str = ""
        self.password: str = ""

        #: TLS: verify the server's certificate, against this CA bundle (None: certifi's).
        self.verify_ssl: bool = True
        self.ssl_ca_cert: str | None = None
        #: TLS client certificate and key files.
        self.cert_file: str | None = None
        self.key_file: str | None = None
        #: Set to a host name to check the certificate against it, or False to skip the check.
        self.assert_hostname: str | bool | None = None

        #: Proxy URL, e.g. "http://user:password@proxy.example:3128" (the credentials are sent as
        #: Proxy-Authorization), and headers for it. It wins over the environment's proxies.
        self.proxy: str | None = None
        self.proxy_headers: dict[str, str] | None = None
        #: Honour HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (either case) when ``proxy`` is
        #: not set, as requests and httpx do; read when the ApiClient is created.
        self.proxy_from_env: bool = True
        #: Connections kept open per host; also the ceiling for concurrent requests per host.
        self.connection_pool_maxsize: int = max(4, (os.cpu_count() or 1) * 5)
        #: Characters left unescaped in path parameters.
        self.safe_chars_for_path_param: str = ""
        #: Check arguments and model fields before anything is sent.
        self.client_side_validation: bool = True
        #: The timezone of datetimes the API sends without an offset (ASP.NET's "unspecified"
        #: kind), so that every decoded datetime is aware and a page can be sorted by date.
        #: None leaves them naive, as swagger-codegen's client does.
        self.assumed_timezone: datetime.tzinfo | None = datetime.timezone.utc

        #: Timeouts in seconds for each attempt; a call can override them with
        #: ``_request_timeout``.
        self.connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT
        self.read_timeout: float | None = DEFAULT_READ_TIMEOUT
        #: Seconds one whole call may take, retries included (None: no limit); a call can
        #: override it with ``_call_timeout``. Past it the call raises CallTimeoutError.
        self.call_timeout: float | None = DEFAULT_CALL_TIMEOUT
        #: An int (retries of idempotent requests), a pyodk.retry.RetryPolicy, or a urllib3 Retry.
        self.retries: Any = DEFAULT_RETRIES
        #: Refuse bodies larger than this many bytes (None: no limit).
        self.max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE

        self.logger_format: str = "%(asctime)s %(levelname)s %(message)s"
        self._logger_file: str | None = None
        self._debug: bool = False

    # -- defaults ---------------------------------------------------------------------------

    @classmethod
    def set_default(cls, default: Configuration | None) -> None:
        """Make every later ``Configuration()`` start as a copy of ``default`` (None clears it)."""
        cls._default = copy.deepcopy(default) if default is not None else None

    @classmethod
    def get_default_copy(cls) -> Configuration:
        """A copy of the default configuration (a fresh one if none was set)."""
        return cls()

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Configuration:
        """A Configuration from Oktawave's environment variables.

        - ``OKTAWAVE_ACCESS_TOKEN``: a static bearer token;
        - ``OKTAWAVE_ODK_API_URL``: the API base URL;
        - ``OKTAWAVE_ODK_API_SKIP_TLS``: "1"/"true"/"yes" turns certificate checks off;
        - ``OKTAWAVE_CLIENT_ID``, ``OKTAWAVE_CLIENT_SECRET``, ``OKTAWAVE_USERNAME``,
          ``OKTAWAVE_PASSWORD`` (all four) and optionally ``OKTAWAVE_TOKEN_URL``: the password
          grant, used when no access token is set.
        """
        env = os.environ if environ is None else environ
        config = cls()
        if env.get("OKTAWAVE_ODK_API_URL"):
            config.host = env["OKTAWAVE_ODK_API_URL"].rstrip("/")
        if env.get("OKTAWAVE_ODK_API_SKIP_TLS", "").strip().lower() in ("1", "true", "yes", "on"):
            config.verify_ssl = False
        if env.get("OKTAWAVE_ACCESS_TOKEN"):
            config.access_token = env["OKTAWAVE_ACCESS_TOKEN"]
            return config
        grant_keys = ("OKTAWAVE_CLIENT_ID", "OKTAWAVE_CLIENT_SECRET")
        user_keys = ("OKTAWAVE_USERNAME", "OKTAWAVE_PASSWORD")
        if all(env.get(k) for k in grant_keys + user_keys):
            from pyodk.auth import PasswordGrant  # deferred: auth builds on this module

            config.token_source = PasswordGrant(
                client_id=env["OKTAWAVE_CLIENT_ID"],
                client_secret=env["OKTAWAVE_CLIENT_SECRET"],
                username=env["OKTAWAVE_USERNAME"],
                password=env["OKTAWAVE_PASSWORD"],
                token_url=env.get("OKTAWAVE_TOKEN_URL") or DEFAULT_TOKEN_URL,
                configuration=config,
            )
        return config

    # -- logging ----------------------------------------------------------------------------

    @property
    def debug(self) -> bool:
        """Log every request and answer at DEBUG level on the ``pyodk`` logger, secrets redacted.

        As in generated clients, the log then shows up on stderr (or in ``logger_file``) with no
        further set-up; but if the application has configured logging itself, its handlers get
        the records instead, and nothing is printed twice. Only the ``pyodk`` logger changes:
        http.client's global debug switch and the root and urllib3 loggers are never touched.
        """
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)
        # NOTSET hands the decision back to the application's own logging set-up.
        logger.setLevel(logging.DEBUG if value else logging.NOTSET)
        if value:
            _attach_debug_stream_handler(self.logger_format)
        else:
            _detach_debug_stream_handler()

    @property
    def logger_file(self) -> str | None:
        """A file the ``pyodk`` logger also writes to (one handler per file, however often set)."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, path: str | None) -> None:
        self._logger_file = path
        if path is not None:
            _attach_file_handler(path, self.logger_format)

    # -- auth -------------------------------------------------------------------------------

    def get_api_key_with_prefix(self, identifier: str) -> str | None:
        key = self.api_key.get(identifier)
        if key is None:
            return None
        prefix = self.api_key_prefix.get(identifier)
        return f"{prefix} {key}" if prefix else key

    def get_basic_auth_token(self) -> str:
        """The value of an HTTP basic ``Authorization`` header for username and password."""
        return basic_credentials(self.username, self.password)

    def bearer_token(self) -> str | None:
        """The token to send now: from the token source if one is set, else the static one."""
        if self.token_source is not None:
            return self.token_source.token()
        return self.access_token

    def auth_settings(self) -> dict[str, dict[str, Any]]:
        """Auth settings by name, as generated clients consume them.

        - one ``api_key`` entry per identifier in ``api_key``: the identifier is both the auth
          name and the header that carries the key, with its ``api_key_prefix``;
        - ``basic`` when ``username`` or ``password`` is set;
        - ``oauth2`` when a bearer token is at hand (from the token source, which may fetch one).
        """
        settings = self.credential_settings()
        token = self.bearer_token()
        if token:
            settings["oauth2"] = {
                "type": "oauth2",
                "in": "header",
                "key": "Authorization",
                "value": "Bearer " + token,
            }
        return settings

    def credential_settings(self) -> dict[str, dict[str, Any]]:
        """The ``api_key`` and ``basic`` entries of ``auth_settings()``: no token is fetched."""
        settings: dict[str, dict[str, Any]] = {}
        for identifier in self.api_key:
            value = self.get_api_key_with_prefix(identifier)
            if value:
                settings[identifier] = {
                    "type": "api_key",
                    "in": "header",
                    "key": identifier,
                    "value": value,
                }
        if self.username or self.password:
            settings["basic"] = {
                "type": "basic",
                "in": "header",
                "key": "Authorization",
                "value": self.get_basic_auth_token(),
            }
        return settings

    # -- reporting --------------------------------------------------------------------------

    def to_debug_report(self) -> str:
        """Facts to paste into a bug report; never contains a secret."""
        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform} ({platform.platform()})\n"
            f"Python Version: {sys.version.split()[0]}\n"
            "Version of the API: v1\n"
            f"SDK Package Version: {__version__}\n"
            f"Host: {without_password(self.host)}"
        )

    def __repr__(self) -> str:
        shown = []
        for name, value in sorted(self.__dict__.items()):
            public = name.lstrip("_")
            if public in _SECRET_SETTINGS:
                value = MASK if value else value
            elif public == "username" and value:
                value = MASK
            elif public in ("proxy", "host") and value:
                value = without_password(value)
            elif public == "proxy_headers" and value:
                # Proxy-Authorization carries credentials; the names alone are enough to debug.
                value = dict.fromkeys(value, MASK)
            shown.append(f"{public}={value!r}")
        return "Configuration(" + ", ".join(shown) + ")"

    __str__ = __repr__

    def __deepcopy__(self, memo: dict[int, Any]) -> Configuration:
        clone = Configuration.__new__(Configuration)
        for name, value in self.__dict__.items():
            # A token source holds a lock and a live token cache: it is shared, not copied.
            shared = name == "token_source"
            clone.__dict__[name] = value if shared else copy.deepcopy(value, memo)
        return clone


_file_handlers: dict[str, logging.Handler] = {}
_debug_stream_handler: logging.Handler | None = None


def _attach_debug_stream_handler(fmt: str) -> None:
    global _debug_stream_handler
    if _debug_stream_handler is not None:
        return
    has_own = any(not isinstance(h, logging.NullHandler) for h in logger.handlers)
    if has_own or logging.getLogger().handlers:
        return  # a logger_file, or the application's logging set-up, already shows the records
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(fmt))
    logger.addHandler(handler)
    _debug_stream_handler = handler


def _detach_debug_stream_handler() -> None:
    global _debug_stream_handler
    handler, _debug_stream_handler = _debug_stream_handler, None
    if handler is not None:
        logger.removeHandler(handler)


def _attach_file_handler(path: str, fmt: str) -> None:
    # Setting logger_file again for the same path must not duplicate every log line.
    if path in _file_handlers:
        return
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter(fmt))
    logger.addHandler(handler)
    _file_handlers[path] = handler
