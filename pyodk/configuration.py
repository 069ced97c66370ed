"""Settings for talking to the Oktawave API. No I/O happens here.

A ``Configuration`` is a plain bag of settings, cheap to create and free of global side effects:
building one adds no log handler and never touches ``http.client``'s debug switch. Its ``repr`` and
``to_debug_report()`` never show a token, password or secret.

Its settings are a closed set, listed once in ``ConfigurationSettings`` (and described in
docs/Configuration.md): the constructor takes each as a keyword, and a name outside the set, given
to the constructor or assigned, raises ``UnknownSettingError`` naming the closest setting, because
a misspelt setting that is silently kept (``config.read_timout = 5``) does nothing at all.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import logging
import os
import platform
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypedDict, runtime_checkable

from pyodk._version import __version__
from pyodk.exceptions import NoCredentialsError, UnknownSettingError
from pyodk.redaction import MASK, basic_credentials, without_password

if TYPE_CHECKING:
    # Only for checkers, which all know typing_extensions; Unpack is in typing from 3.11.
    from typing_extensions import Unpack

__all__ = [
    "DEFAULT_CALL_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_HOST",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_RETRIES",
    "DEFAULT_TOKEN_URL",
    "PASSWORD_GRANT_VARIABLES",
    "Configuration",
    "ConfigurationSettings",
    "TokenSource",
    "without_password",
]

DEFAULT_HOST = "https://pl1-api.oktawave.com/services"
DEFAULT_TOKEN_URL = "https://id.oktawave.com/core/connect/token"

#: Seconds to wait for a connection, and for each read of an answer, unless told otherwise.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
#: Seconds one whole call may take: token fetch, connects, reads, retries and the waits between.
#: 300 s is a little over four attempts that each use their whole 10 s connect and 60 s read
#: timeout, with the default backoff between them (283.5 s). It is not a sum of every limit:
#: three Retry-After waits of up to 120 s each would come to 360 s more, and a wait that would end
#: past the deadline is not waited (the last error is raised instead). What it stops is the call
#: that would never end, such as an answer trickling in a byte at a time.
DEFAULT_CALL_TIMEOUT = 300.0
#: How many times an idempotent request is retried after a transient failure.
DEFAULT_RETRIES = 3
#: Answers larger than this are refused (ResponseTooLargeError) rather than held in memory.
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024

#: Settings whose values are secrets: never printed, logged or reported.
_SECRET_SETTINGS = frozenset({"access_token", "password", "api_key", "token_source"})

#: The environment variables of the password grant: all four, or none.
PASSWORD_GRANT_VARIABLES = (
    "OKTAWAVE_CLIENT_ID",
    "OKTAWAVE_CLIENT_SECRET",
    "OKTAWAVE_USERNAME",
    "OKTAWAVE_PASSWORD",
)

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


class ConfigurationSettings(TypedDict, total=False):
    """Every setting of a Configuration, by name and type: the keywords its constructor takes.

    This is the one list of settings; docs/Configuration.md describes each.
    """

    host: str
    access_token: str | None
    token_source: TokenSource | None
    api_key: dict[str, str]
    api_key_prefix: dict[str, str]
    username: str
    password: str
    verify_ssl: bool
    ssl_ca_cert: str | None
    cert_file: str | None
    key_file: str | None
    assert_hostname: str | bool | None
    proxy: str | None
    proxy_headers: dict[str, str] | None
    proxy_from_env: bool
    connection_pool_maxsize: int
    safe_chars_for_path_param: str
    client_side_validation: bool
    assumed_timezone: datetime.tzinfo | None
    connect_timeout: float | None
    read_timeout: float | None
    call_timeout: float | None
    retries: Any
    max_response_size: int | None
    temp_folder_path: str | None
    logger_format: str
    logger_file: str | None
    debug: bool


SETTINGS: frozenset[str] = frozenset(ConfigurationSettings.__annotations__)
#: Keywords applied after the others, in this order: they attach log handlers, which take
#: ``logger_format``, and ``debug`` adds one for stderr only when ``logger_file`` has none.
_APPLIED_LAST = {"logger_file": 1, "debug": 2}


class Configuration:
    """Settings for an ApiClient, in the style of swagger-codegen's generated Configuration.

    ``Configuration(host=..., access_token=..., call_timeout=30)`` takes any setting as a keyword
    (``ConfigurationSettings`` lists them); each is the same as assigning the attribute afterwards.
    ``Configuration.set_default(c)`` makes every later ``Configuration()`` start as a copy of ``c``,
    keywords applied on top. A name that is not a setting raises ``UnknownSettingError``, with the
    closest setting as a hint: a TypeError from the constructor, an AttributeError on assignment.
    A subclass may add settings of its own by declaring them in its class body.
    """

    _default: ClassVar[Configuration | None] = None

    def __init__(self, **settings: Unpack[ConfigurationSettings]) -> None:
        for name in settings:
            if name not in SETTINGS:
                raise _unknown_setting(
                    name, f"{type(self).__name__}() got an unexpected keyword argument {name!r}"
                )
        default = Configuration._default
        if default is not None:
            # Through __deepcopy__: a token source (it holds a lock) is shared, not copied.
            self.__dict__.update(copy.deepcopy(default).__dict__)
        else:
            self._set_builtin_defaults()
        for name in sorted(settings, key=lambda name: _APPLIED_LAST.get(name, 0)):
            setattr(self, name, settings[name])  # type: ignore[literal-required]

    def _set_builtin_defaults(self) -> None:
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

        #: Where generated clients write answers of type ``file``. No Oktawave operation answers
        #: a file, so pyodk never writes one; kept so that generated-client code setting it runs.
        self.temp_folder_path: str | None = None

        self.logger_format: str = "%(asctime)s %(levelname)s %(message)s"
        self._logger_file: str | None = None
        self._debug: bool = False

    if not TYPE_CHECKING:  # hidden from checkers, which would otherwise accept any assignment

        def __setattr__(self, name: str, value: Any) -> None:
            # Private state, and what the class itself defines (properties, a subclass's own
            # settings, methods that a test's mock.patch.object replaces), pass as they are.
            if name in SETTINGS or name.startswith("_") or hasattr(type(self), name):
                object.__setattr__(self, name, value)
                return
            raise _unknown_setting(name, f"{type(self).__name__} has no setting {name!r}")

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
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, require_credentials: bool = True
    ) -> Configuration:
        """A Configuration from Oktawave's environment variables (``environ``: os.environ).

        - ``OKTAWAVE_ACCESS_TOKEN``: a fixed bearer token;
        - ``OKTAWAVE_CLIENT_ID``, ``OKTAWAVE_CLIENT_SECRET``, ``OKTAWAVE_USERNAME`` and
          ``OKTAWAVE_PASSWORD`` (all four) and optionally ``OKTAWAVE_TOKEN_URL``: the password
          grant, a PasswordGrant token source, used when no access token is set;
        - ``OKTAWAVE_ODK_API_URL``: the API base URL;
        - ``OKTAWAVE_ODK_API_SKIP_TLS``: "1"/"true"/"yes"/"on" turns certificate checks off.

        A variable set to an empty or blank value counts as not set.

        :param bool require_credentials: with False, for code that needs only the host, no
            credentials is fine and a partial password grant is ignored.
        :raises NoCredentialsError: no access token and no complete password grant, here or in
            the default configuration (``set_default``); or one, two or three of the password
            grant's four variables, even beside an access token: a partial set is a mistake
            (a variable misspelt or not exported) that would otherwise surface only when the
            token expired. The message names the variables to set.
        """
        env = os.environ if environ is None else environ

        def given(name: str) -> str | None:
            value = env.get(name)
            return value if value and value.strip() else None

        config = cls()
        url = given("OKTAWAVE_ODK_API_URL")
        if url:
            config.host = url.strip().rstrip("/")
        skip_tls = given("OKTAWAVE_ODK_API_SKIP_TLS") or ""
        if skip_tls.strip().lower() in ("1", "true", "yes", "on"):
            config.verify_ssl = False

        token = given("OKTAWAVE_ACCESS_TOKEN")
        grant = {name: given(name) for name in PASSWORD_GRANT_VARIABLES}
        missing = tuple(name for name, value in grant.items() if value is None)
        if require_credentials and 0 < len(missing) < len(PASSWORD_GRANT_VARIABLES):
            raise _partial_grant_error(missing, token_set=token is not None)
        if token:
            config.access_token = token
        elif not missing:
            from pyodk.auth import PasswordGrant  # deferred: auth builds on this module

            config.token_source = PasswordGrant(
                client_id=env["OKTAWAVE_CLIENT_ID"],
                client_secret=env["OKTAWAVE_CLIENT_SECRET"],
                username=env["OKTAWAVE_USERNAME"],
                password=env["OKTAWAVE_PASSWORD"],
                token_url=given("OKTAWAVE_TOKEN_URL") or DEFAULT_TOKEN_URL,
                configuration=config,
            )
        if require_credentials and not config.access_token and config.token_source is None:
            raise NoCredentialsError(
                "no Oktawave credentials in the environment: set OKTAWAVE_ACCESS_TOKEN to an "
                f"access token, or all four of {_listed(PASSWORD_GRANT_VARIABLES)} for the "
                "password grant (code that needs only the host: "
                "Configuration.from_env(require_credentials=False))"
            )
        return config

    # -- logging ----------------------------------------------------------------------------

    @property
    def logger(self) -> dict[str, logging.Logger]:
        """The loggers, keyed as in generated clients: ``package_logger`` (``pyodk``) and
        ``urllib3_logger``. pyodk itself never changes the urllib3 one."""
        return {"package_logger": logger, "urllib3_logger": logging.getLogger("urllib3")}

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
        clone = type(self).__new__(type(self))
        for name, value in self.__dict__.items():
            # A token source holds a lock and a live token cache: it is shared, not copied.
            shared = name == "token_source"
            clone.__dict__[name] = value if shared else copy.deepcopy(value, memo)
        return clone


def _unknown_setting(name: str, message: str) -> UnknownSettingError:
    """The error for a name that is not a setting, with the closest setting as a hint."""
    suggestion = _closest_setting(name)
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    return UnknownSettingError(message + hint, name, suggestion)


def _closest_setting(name: str) -> str | None:
    settings = sorted(SETTINGS)
    # As typed, then in other spellings of the same words: "VERIFY_SSL", "call-timeout",
    # "readTimeout" (difflib compares characters, so case and separators count against them).
    camel_split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    for form in (name, name.lower().replace("-", "_"), camel_split.lower()):
        close = difflib.get_close_matches(form, settings, n=1)
        if close:
            return close[0]
    return None


def _partial_grant_error(missing: tuple[str, ...], token_set: bool) -> NoCredentialsError:
    present = tuple(name for name in PASSWORD_GRANT_VARIABLES if name not in missing)
    verb = "is" if len(missing) == 1 else "are"
    alternative = (
        "to use OKTAWAVE_ACCESS_TOKEN, which is set, unset "
        if token_set
        else "for a fixed token, set OKTAWAVE_ACCESS_TOKEN and unset "
    )
    return NoCredentialsError(
        f"the Oktawave password grant is set only in part: {_listed(missing)} {verb} missing "
        f"from the environment. Set {'it' if len(missing) == 1 else 'them'} too; or, "
        f"{alternative}{_listed(present)}",
        missing=missing,
    )


def _listed(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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
