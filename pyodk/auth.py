"""Token sources: where the ApiClient gets its OAuth2 bearer token for each request.

``PasswordGrant`` runs Oktawave's OAuth2 password grant (an API client's id and secret, plus an
account's username and password) against ``https://id.oktawave.com/core/connect/token``:

- the token is fetched when first needed, then cached;
- shortly before it expires (a minute, or a tenth of its lifetime if that is shorter) it is renewed
  with the refresh_token grant, falling back to the password grant when the refresh token is
  refused; if renewal fails while the old token is still valid, the old one keeps being used;
- after the API answers 401, the ApiClient calls ``invalidate(token)`` and the next request gets a
  fresh token (once: a second 401 is raised);
- one lock guards fetching, so any number of threads needing a token cause one fetch;
- an API call passes its deadline (``token(deadline=...)``): waiting for another thread's fetch
  and the fetch itself end by then, with CallTimeoutError, like the rest of the call;
- secrets (client secret, password, tokens) never appear in its repr, in log lines or in
  exception messages, not even when the token endpoint echoes them back;
- after ``os.fork()`` the child gets its own lock and connections, and keeps the cached token.

A fixed token needs no token source: set ``Configuration.access_token``. Any object with
``token()`` and ``invalidate(token)`` (``pyodk.configuration.TokenSource``) can be a token source.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote_plus

from pyodk import forking
from pyodk.configuration import DEFAULT_TOKEN_URL, Configuration, TokenSource
from pyodk.exceptions import (
    ApiException,
    ApiValueError,
    CallTimeoutError,
    TokenError,
    TransportError,
)
from pyodk.redaction import Redactor, Secret, basic_credentials
from pyodk.request import build_request
from pyodk.rest import RESTClientObject

__all__ = ["DEFAULT_SCOPE", "DEFAULT_TOKEN_URL", "PasswordGrant", "TokenSource"]

logger = logging.getLogger("pyodk")

DEFAULT_SCOPE = "oktawave.api"
#: Renew this many seconds before expiry at most (at most a tenth of the lifetime, for short ones).
DEFAULT_REFRESH_MARGIN = 60.0
#: Lifetime assumed when the token endpoint does not say (``expires_in`` is only RECOMMENDED).
_ASSUMED_LIFETIME = 3600
#: After a failed renewal while the old token still works, wait this long before trying again.
_RENEWAL_RETRY_DELAY = 5.0


@dataclass(frozen=True)
class _Token:
    access: Secret
    refresh: Secret | None
    expires_at: float
    renew_at: float


class PasswordGrant:
    """Access tokens from Oktawave's OAuth2 password grant, renewed as needed; thread-safe.

    :param str client_id: the API client's id (HTTP Basic user name at the token endpoint).
    :param str client_secret: the API client's secret.
    :param str username: the Oktawave account's login.
    :param str password: the Oktawave account's password.
    :param str token_url: the OAuth2 token endpoint.
    :param Configuration configuration: TLS, proxy and timeout settings for reaching the token
        endpoint (a fresh ``Configuration()`` when omitted); read when the first token is fetched.
    :param str scope: the scope asked for.
    :param float refresh_margin: renew at most this many seconds before the token expires.
    :param clock: monotonic seconds; injectable for tests.

    >>> configuration.token_source = PasswordGrant(client_id, client_secret, username, password)
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        token_url: str = DEFAULT_TOKEN_URL,
        configuration: Configuration | None = None,
        *,
        scope: str = DEFAULT_SCOPE,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for name, value in (
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("username", username),
            ("password", password),
        ):
            if not isinstance(value, str) or not value:
                raise ApiValueError(f"PasswordGrant needs a non-empty {name}")
        self.client_id = client_id
        self.token_url = token_url
        self.scope = scope
        self.refresh_margin = refresh_margin
        self._client_secret = Secret(client_secret)
        self._username = Secret(username)
        self._password = Secret(password)
        self._configuration = configuration
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = None
        # Kept apart from _token: a token invalidated after a 401 leaves its refresh token usable.
        self._refresh_token: Secret | None = None
        self._rest: RESTClientObject | None = None
        forking.renew_after_fork(self)

    # -- the TokenSource protocol -----------------------------------------------------------

    def token(self, deadline: float | None = None) -> str:
        """A valid access token: the cached one, or a new one fetched now.

        :param deadline: ``time.monotonic()`` seconds by which to have it (an API call passes
            its own); waiting for another thread's fetch and the fetch itself end by then.
        :raises TokenError: the token endpoint refused or could not be reached.
        :raises CallTimeoutError: the deadline passed first.
        """
        current = self._token
        if current is not None and self._clock() < current.renew_at:
            return current.access.reveal()
        wait = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
        if not self._lock.acquire(timeout=wait):
            raise CallTimeoutError(
                "the call's deadline passed",
                f"the call's deadline passed while another thread fetched a token from "
                f"{self.token_url}",
            )
        try:
            # Another thread may have fetched while this one waited for the lock.
            current = self._token
            now = self._clock()
            if current is not None and now < current.renew_at:
                return current.access.reveal()
            try:
                fresh = self._fetch(deadline)
            except TokenError as error:
                if current is None or now >= current.expires_at:
                    raise
                logger.warning(
                    "renewing the access token failed (%s); using it until it expires", error
                )
                delay = min(_RENEWAL_RETRY_DELAY, (current.expires_at - now) / 2)
                self._token = replace(current, renew_at=now + delay)
                return current.access.reveal()
            self._token = fresh
            self._refresh_token = fresh.refresh
            return fresh.access.reveal()
        finally:
            self._lock.release()

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (the API refused it) so that the next ``token()`` fetches a new one.

        A token other than the cached one is ignored: another thread has already replaced it.
        """
        with self._lock:
            if self._token is not None and self._token.access.reveal() == token:
                logger.info("the API refused the access token; a new one will be fetched")
                self._token = None

    # -- fetching ---------------------------------------------------------------------------

    def _fetch(self, deadline: float | None) -> _Token:
        refresh = self._refresh_token
        if refresh is not None:
            try:
                return self._request(
                    "refresh_token", [("refresh_token", refresh.reveal())], deadline
                )
            except TokenError as error:
                if error.status == 0:
                    raise  # unreachable: the password grant would not get through either
                logger.info(
                    "the refresh token was refused (%s); using the password grant", error.error
                )
                self._refresh_token = None
        return self._request(
            "password",
            [("username", self._username.reveal()), ("password", self._password.reveal())],
            deadline,
        )

    def _request(
        self, grant_type: str, fields: list[tuple[str, str]], deadline: float | None
    ) -> _Token:
        form = [("grant_type", grant_type), *fields, ("scope", self.scope)]
        # RFC 6749 2.3.1: id and secret are form-encoded before they are joined and encoded.
        authorization = basic_credentials(
            quote_plus(self.client_id), quote_plus(self._client_secret.reveal())
        )
        headers = {
            "Authorization": authorization,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        what = f"the {grant_type} grant at {self.token_url}"
        logger.debug("fetching an access token with %s", what)
        started = self._clock()
        rest = self._rest_client()
        try:
            request = build_request(
                "POST",
                "",
                host=self.token_url,
                now=time.monotonic(),
                headers=headers,
                form=form,
                default_timeout=rest.default_timeout,
                default_call_timeout=rest.configuration.call_timeout,
                deadline=deadline,
            )
            response = rest.send(request.with_credentials({}, self._secrets(authorization)))
        except CallTimeoutError:
            raise  # the caller's deadline, or this fetch's own: a timeout like any other
        except TransportError as error:
            raise TokenError(f"{what} failed: {error.what or error.reason}", status=0) from error
        except ApiException as error:
            code, description = _oauth_error(error.body)
            detail = f"{code} ({description})" if description else (code or "no OAuth2 error")
            message = self._scrub(f"{what} was refused with HTTP {error.status}: {detail}")
            # The HTTP exception is not chained: nothing of the exchange beyond this is needed.
            raise TokenError(message, error=code, status=error.status) from None
        return self._parse(response.data, started, what)

    def _parse(self, body: str, started: float, what: str) -> _Token:
        # Never put this body into a message: it holds the tokens.
        try:
            answer = json.loads(body)
        except (ValueError, RecursionError):
            answer = None
        access = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(access, str) or not access:
            raise TokenError(f"{what} answered without an access_token", status=200)
        assert isinstance(answer, dict)
        lifetime = _seconds(answer.get("expires_in"))
        refresh = answer.get("refresh_token")
        margin = min(self.refresh_margin, lifetime / 10)
        logger.info("obtained an access token valid for %d s with %s", lifetime, what)
        return _Token(
            access=Secret(access),
            refresh=Secret(refresh) if isinstance(refresh, str) and refresh else None,
            # From the moment the request left: the server's clock started no earlier.
            expires_at=started + lifetime,
            renew_at=started + lifetime - margin,
        )

    def _rest_client(self) -> RESTClientObject:
        if self._rest is None:
            configuration = self._configuration or Configuration()
            self._rest = RESTClientObject(configuration)
        return self._rest

    def _secrets(self, authorization: str | None = None) -> list[str]:
        """Every secret this source holds (and the Basic value it sends), for masking."""
        # Not the user name: it is no secret (it shows in the Oktawave console), and masking a
        # short one ("api") would garble the message around it.
        held = [self._client_secret, self._password, self._refresh_token]
        if self._token is not None:
            held.append(self._token.access)
        secrets = [secret.reveal() for secret in held if secret is not None]
        if authorization is None:
            authorization = basic_credentials(
                quote_plus(self.client_id), quote_plus(self._client_secret.reveal())
            )
        return [*secrets, authorization]

    def _scrub(self, text: str) -> str:
        """The text with any secret this source holds masked, in case a server echoes one: raw,
        or as the Base64 of the Basic credentials it sent."""
        return Redactor(self._secrets())(text)

    # -- the rest ---------------------------------------------------------------------------

    def _after_fork_in_child(self) -> None:
        # A parent's thread may have held the lock at the fork: the child's would never open.
        # The cached token stays valid; the connections are renewed by the RESTClientObject.
        self._lock = threading.Lock()

    def close(self) -> None:
        """Release the connections to the token endpoint."""
        with self._lock:
            rest, self._rest = self._rest, None
        if rest is not None:
            rest.close()

    def __repr__(self) -> str:
        return (
            f"PasswordGrant(token_url={self.token_url!r}, client_id={self.client_id!r}, "
            f"username={self._username!r}, scope={self.scope!r})"
        )

    __str__ = __repr__


def _oauth_error(body: str | None) -> tuple[str | None, str | None]:
    """``error`` and ``error_description`` of an RFC 6749 error body, if it is one."""
    try:
        parsed: Any = json.loads(body or "")
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(parsed, dict):
        return None, None
    error = parsed.get("error")
    description = parsed.get("error_description")
    return (
        error if isinstance(error, str) else None,
        description if isinstance(description, str) else None,
    )


def _seconds(value: Any) -> int:
    try:
        seconds = int(float(value))
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400, inf, a 400-digit int
        return _ASSUMED_LIFETIME
    return seconds if seconds > 0 else _ASSUMED_LIFETIME
