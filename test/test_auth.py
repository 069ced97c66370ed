"""pyodk.auth.PasswordGrant against the fake server's token endpoint.

Grant and fake share a manual clock, so tokens expire and renewal windows open exactly when a test
says, with no waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pytest
from fake_http import ManualClock
from reliability_helpers import ScriptedServer

import pyodk
from pyodk.auth import PasswordGrant
from pyodk.testing import FakeOktawaveServer

LIFETIME = 100.0  # seconds; renewal starts 10 s (a tenth) before expiry


@dataclass
class Env:
    server: FakeOktawaveServer
    clock: ManualClock
    configuration: pyodk.Configuration
    grant: PasswordGrant
    snapshots: pyodk.OCISnapshotsApi

    def grant_types(self) -> list[str]:
        """The grant_type of each token request, in order."""
        return [
            parse_qs(r.body.decode())["grant_type"][0]
            for r in self.server.requests
            if r.path == "/core/connect/token"
        ]

    def api_statuses(self) -> list[tuple[str, bool]]:
        return [
            (r.path, r.fault is None)
            for r in self.server.requests
            if r.path != "/core/connect/token"
        ]


def make_grant(
    server: FakeOktawaveServer,
    configuration: pyodk.Configuration,
    clock: ManualClock,
    *,
    password: str | None = None,
    client_secret: str | None = None,
    token_url: str | None = None,
) -> PasswordGrant:
    return PasswordGrant(
        client_id=server.client_id,
        client_secret=client_secret or server.client_secret,
        username=server.username,
        password=password or server.password,
        token_url=token_url or server.token_url,
        configuration=configuration,
        clock=clock,
    )


@pytest.fixture
def env() -> Iterator[Env]:
    clock = ManualClock()
    with FakeOktawaveServer(token_lifetime=LIFETIME, ticket_duration=0, clock=clock) as server:
        configuration = pyodk.Configuration()
        configuration.host = server.url
        configuration.retries = pyodk.RetryPolicy(0)
        grant = make_grant(server, configuration, clock)
        configuration.token_source = grant
        with pyodk.ApiClient(configuration) as client:
            yield Env(server, clock, configuration, grant, pyodk.OCISnapshotsApi(client))
        grant.close()


def call_from_threads(env: Env, count: int = 16) -> list[BaseException]:
    """``count`` threads make one API call each, all released at once; returns their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            env.snapshots.snapshots_get(page_size=1)
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return errors


# ------------------------------------------------------------------ fetching and caching


def test_the_token_is_fetched_when_first_needed_then_cached(env: Env) -> None:
    assert env.server.token_fetches == 0
    for _ in range(5):
        env.snapshots.snapshots_get(page_size=1)
    assert env.server.token_fetches == 1
    assert env.grant_types() == ["password"]
    sent = {
        r.headers["Authorization"] for r in env.server.requests if r.path == "/services/snapshots"
    }
    assert sent == {"Bearer " + env.grant.token()}


def test_sixteen_threads_at_a_cold_start_cause_one_fetch(env: Env) -> None:
    assert call_from_threads(env) == []
    assert env.server.token_fetches == 1


def test_sixteen_threads_near_expiry_cause_one_refresh(env: Env) -> None:
    env.snapshots.snapshots_get(page_size=1)
    old = env.grant.token()
    env.clock.advance(LIFETIME - 5)  # inside the renewal window, still valid

    assert call_from_threads(env) == []

    assert env.server.token_fetches == 2
    assert env.grant_types() == ["password", "refresh_token"]
    assert env.grant.token() != old


def test_an_expired_token_is_renewed_before_the_request(env: Env) -> None:
    env.snapshots.snapshots_get(page_size=1)
    env.clock.advance(LIFETIME + 1)

    env.snapshots.snapshots_get(page_size=1)

    assert env.grant_types() == ["password", "refresh_token"]
    assert all(ok for _, ok in env.api_statuses())
    assert [r.path for r in env.server.requests].count("/services/snapshots") == 2


def test_a_refused_refresh_token_falls_back_to_the_password_grant(env: Env) -> None:
    env.snapshots.snapshots_get(page_size=1)
    env.server.state.revoke_refresh_tokens()
    env.clock.advance(LIFETIME + 1)

    env.snapshots.snapshots_get(page_size=1)

    assert env.grant_types() == ["password", "refresh_token", "password"]


def test_a_failed_renewal_keeps_the_valid_token_until_it_expires(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    first = env.grant.token()
    env.clock.advance(LIFETIME - 5)
    env.server.inject("status", count=2, path="/core/connect/token", status=503)

    with caplog.at_level(logging.WARNING, logger="pyodk"):
        assert env.grant.token() == first
    assert "renewing the access token failed" in caplog.text
    assert env.grant_types() == ["password", "refresh_token", "password"]

    env.server.inject("status", count=2, path="/core/connect/token", status=503)
    env.clock.advance(10)  # now expired
    with pytest.raises(pyodk.TokenError) as caught:
        env.grant.token()
    assert caught.value.status == 503


# ------------------------------------------------------------------ 401 from the API


def test_a_401_fetches_a_new_token_once_and_the_call_succeeds(env: Env) -> None:
    env.snapshots.snapshots_get(page_size=1)
    env.server.expire_tokens()

    page = env.snapshots.snapshots_get(page_size=1)

    assert page.meta is not None and page.meta.total
    assert env.grant_types() == ["password", "refresh_token"]
    assert [r.path for r in env.server.requests].count("/services/snapshots") == 3


def test_sixteen_threads_refused_at_once_cause_one_new_fetch(env: Env) -> None:
    env.snapshots.snapshots_get(page_size=1)
    env.server.expire_tokens()

    assert call_from_threads(env) == []
    assert env.server.token_fetches == 2


def test_a_second_401_is_raised(env: Env) -> None:
    env.server.inject("status", count=2, path="/services/snapshots", status=401)

    with pytest.raises(pyodk.UnauthorizedError):
        env.snapshots.snapshots_get(page_size=1)
    assert env.grant_types() == ["password", "refresh_token"]


# ------------------------------------------------------------------ failures are clear


def test_a_wrong_password_is_a_clear_token_error(env: Env) -> None:
    wrong = "not-the-password-123"
    env.configuration.token_source = make_grant(
        env.server, env.configuration, env.clock, password=wrong
    )

    with pytest.raises(pyodk.TokenError) as caught:
        env.snapshots.snapshots_get()

    error = caught.value
    assert (error.error, error.status) == ("invalid_grant", 400)
    assert "password grant" in str(error) and "invalid_grant" in str(error)
    assert wrong not in str(error) and wrong not in repr(error)
    assert env.api_statuses() == [], "no API request goes out without a token"


def test_a_wrong_client_secret_is_invalid_client(env: Env) -> None:
    grant = make_grant(env.server, env.configuration, env.clock, client_secret="wrong-secret")
    with pytest.raises(pyodk.TokenError) as caught:
        grant.token()
    assert (caught.value.error, caught.value.status) == ("invalid_client", 401)
    assert "wrong-secret" not in str(caught.value)


def test_an_unreachable_token_endpoint_is_a_token_error(env: Env) -> None:
    env.server.inject("drop", path="/core/connect/token")
    with pytest.raises(pyodk.TokenError) as caught:
        env.grant.token()
    assert caught.value.status == 0 and caught.value.error is None
    assert isinstance(caught.value.__cause__, pyodk.TransportError)


@pytest.mark.parametrize(
    ("body", "status", "lifetime"),
    [
        (b'{"access_token": "t", "expires_in": 1e400}', 200, 3600),  # infinity
        (b'{"access_token": "t", "expires_in": "inf"}', 200, 3600),
        (b'{"access_token": "t", "expires_in": ' + b"9" * 400 + b"}", 200, 3600),  # > any float
        (b'{"access_token": "t", "expires_in": 120}', 200, 120),
        (b"[" * 100_000 + b"]" * 100_000, 200, None),  # nested too deeply for json.loads
        (b"[" * 100_000 + b"]" * 100_000, 400, None),  # the same as an OAuth2 error body
    ],
    ids=["1e400", "inf-text", "400-digits", "normal", "deep-200", "deep-400"],
)
def test_a_hostile_token_answer_is_a_token_error_or_a_sane_lifetime(
    body: bytes, status: int, lifetime: int | None
) -> None:
    def respond(handler: Any) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    clock = ManualClock()
    with ScriptedServer(respond) as server:
        grant = PasswordGrant(
            "id", "secret", "user", "password", token_url=server.url + "/token", clock=clock
        )
        if lifetime is None:
            with pytest.raises(pyodk.TokenError):
                grant.token()
            return
        assert grant.token() == "t"
        clock.advance(lifetime - 1 - min(60, lifetime / 10))
        assert grant.token() == "t" and len(server.requests) == 1


def test_credentials_that_need_form_encoding_are_sent_right() -> None:
    clock = ManualClock()
    odd_id, odd_secret = "client id:with+odd chars", "s3cr&t/=%+:"
    with FakeOktawaveServer(client_id=odd_id, client_secret=odd_secret, clock=clock) as server:
        grant = make_grant(server, pyodk.Configuration(), clock)
        assert grant.token()
        grant.close()


# ------------------------------------------------------------------ secrets stay secret


def test_no_secret_in_repr_str_or_debug_logs(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.configuration.debug = True
    try:
        with caplog.at_level(logging.DEBUG):
            env.snapshots.snapshots_get(page_size=1)
            env.server.expire_tokens()
            env.snapshots.snapshots_get(page_size=1)
            env.clock.advance(LIFETIME + 1)
            env.snapshots.snapshots_get(page_size=1)
            bad = make_grant(env.server, env.configuration, env.clock, password="hunter2-wrong")
            with pytest.raises(pyodk.TokenError) as caught:
                bad.token()
    finally:
        env.configuration.debug = False

    shown = "\n".join(
        [
            caplog.text,
            repr(env.grant),
            str(env.grant),
            repr(vars(env.grant)),
            repr(env.configuration),
            str(caught.value),
            repr(bad),
        ]
    )
    assert caplog.records, "debug logging was on"
    secrets = [env.server.client_secret, env.server.password, "hunter2-wrong", env.grant.token()]
    for secret in secrets:
        assert secret not in shown
    # Every token the fake issues starts with one of these.
    assert "fake-at-" not in shown and "fake-rt-" not in shown
    assert env.server.username not in repr(env.grant)


# ------------------------------------------------------------------ configuration


def test_from_env_builds_a_password_grant(env: Env) -> None:
    server = env.server
    configuration = pyodk.Configuration.from_env(
        {
            "OKTAWAVE_ODK_API_URL": server.url,
            "OKTAWAVE_CLIENT_ID": server.client_id,
            "OKTAWAVE_CLIENT_SECRET": server.client_secret,
            "OKTAWAVE_USERNAME": server.username,
            "OKTAWAVE_PASSWORD": server.password,
            "OKTAWAVE_TOKEN_URL": server.token_url,
        }
    )
    assert isinstance(configuration.token_source, PasswordGrant)
    with pyodk.ApiClient(configuration) as client:
        assert pyodk.OCISnapshotsApi(client).snapshots_get(page_size=1).items
    assert server.token_fetches == 1


def test_a_static_access_token_needs_no_token_endpoint(env: Env) -> None:
    configuration = pyodk.Configuration.from_env(env.server.environ())
    assert configuration.token_source is None
    with pyodk.ApiClient(configuration) as client:
        pyodk.OCISnapshotsApi(client).snapshots_get(page_size=1)
    assert env.server.token_fetches == 0
    assert env.server.requests[-1].headers["Authorization"] == "Bearer " + env.server.access_token


def test_missing_credentials_are_refused_up_front() -> None:
    with pytest.raises(ValueError, match="password"):
        PasswordGrant("id", "secret", "user", "")
