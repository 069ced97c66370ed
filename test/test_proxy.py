"""Proxies: credentials sent as Proxy-Authorization, the environment honoured, decided per target.

Every proxy here is a loopback one (proxy_helpers.LoopbackProxy) that records what reaches it;
every server listens on 127.0.0.1.
"""

from __future__ import annotations

import base64
import logging
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
import trustme
from proxy_helpers import LoopbackProxy
from reliability_helpers import ScriptedServer, configuration, send_json

import pyodk
from pyodk.auth import PasswordGrant
from pyodk.exceptions import ApiValueError, ProxyError

USER, PASSWORD = "proxy-user", "px-s3cret-W9"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def answer_snapshot(handler: Any) -> None:
    send_json(handler, {"Id": 5002, "Name": "through"})


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer(answer_snapshot) as running:
        yield running


@pytest.fixture
def proxy() -> Iterator[LoopbackProxy]:
    with LoopbackProxy(credentials=(USER, PASSWORD)) as running:
        yield running


def get_snapshot(config: pyodk.Configuration) -> pyodk.Snapshot:
    with pyodk.ApiClient(config) as api_client:
        return pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002)


def test_credentials_in_the_proxy_url_are_sent_as_proxy_authorization(server, proxy, caplog):
    config = configuration(server.url, retries=0, proxy=proxy.url(f"{USER}:{PASSWORD}"))
    config.debug = True
    try:
        with caplog.at_level(logging.DEBUG, logger="pyodk"):
            assert get_snapshot(config).name == "through"
    finally:
        config.debug = False
    (seen,) = proxy.seen
    assert seen.method == "GET" and seen.target == f"{server.url}/snapshots/5002"
    assert seen.proxy_authorization == BASIC
    assert server.requests == [("GET", "/services/snapshots/5002")]
    shown = caplog.text + repr(config)
    assert PASSWORD not in shown and BASIC.split()[1] not in shown


def test_percent_encoded_credentials_are_decoded_before_they_are_sent():
    with (
        LoopbackProxy(credentials=("ops@example", "p@ss:word")) as proxy,
        ScriptedServer(answer_snapshot) as server,
    ):
        url = proxy.url("ops%40example:p%40ss%3Aword")
        assert get_snapshot(configuration(server.url, retries=0, proxy=url)).id == 5002
    assert proxy.seen[0].proxy_authorization == proxy.expected


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


def test_an_https_target_is_tunnelled_with_credentials_on_the_connect(proxy, ca, tmp_path):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with ScriptedServer(answer_snapshot, ssl_context=context) as https_server:
        config = configuration(
            https_server.url,
            retries=0,
            proxy=proxy.url(f"{USER}:{PASSWORD}"),
            ssl_ca_cert=str(ca_file),
        )
        assert get_snapshot(config).name == "through"
    (seen,) = proxy.seen
    assert seen.method == "CONNECT" and seen.target == f"127.0.0.1:{https_server.port}"
    assert seen.proxy_authorization == BASIC


def test_a_proxy_that_refuses_the_credentials_is_a_proxy_error_without_them(proxy, ca, tmp_path):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with ScriptedServer(answer_snapshot, ssl_context=context) as https_server:
        config = configuration(
            https_server.url, retries=0, proxy=proxy.url(f"{USER}:wrong-{PASSWORD}")
        )
        with pytest.raises(ProxyError) as caught:
            get_snapshot(config)
    error = caught.value
    assert error.status == 0 and https_server.requests == []
    texts = [str(error), repr(error), error.details(), str(error.reason)]
    assert not [text for text in texts if PASSWORD in text]


# ----------------------------------------------------------------------------- environment


@pytest.fixture
def open_proxy() -> Iterator[LoopbackProxy]:
    with LoopbackProxy() as running:
        yield running


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_the_environments_proxy_is_honoured(server, open_proxy, monkeypatch, variable):
    monkeypatch.setenv(variable, open_proxy.url())
    assert get_snapshot(configuration(server.url, retries=0)).id == 5002
    assert [s.target for s in open_proxy.seen] == [f"{server.url}/snapshots/5002"]


def test_a_proxy_without_a_scheme_is_read_as_http(server, open_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"127.0.0.1:{open_proxy.port}")
    assert get_snapshot(configuration(server.url, retries=0)).id == 5002
    assert len(open_proxy.seen) == 1


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost, 127.0.0.1", "*", "127.0.0.1:{port}"])
def test_no_proxy_sends_a_target_direct(server, open_proxy, monkeypatch, no_proxy):
    monkeypatch.setenv("HTTP_PROXY", open_proxy.url())
    monkeypatch.setenv("NO_PROXY", no_proxy.format(port=server.port))
    assert get_snapshot(configuration(server.url, retries=0)).id == 5002
    assert open_proxy.seen == [] and len(server.requests) == 1


def test_no_proxy_for_another_port_or_host_still_proxies(server, open_proxy, monkeypatch):
    monkeypatch.setenv("http_proxy", open_proxy.url())
    monkeypatch.setenv("no_proxy", f"example.com,127.0.0.1:{server.port + 1},10.0.0.1")
    assert get_snapshot(configuration(server.url, retries=0)).id == 5002
    assert len(open_proxy.seen) == 1


def test_proxy_from_env_off_ignores_the_environment(server, open_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", open_proxy.url())
    assert get_snapshot(configuration(server.url, retries=0, proxy_from_env=False)).id == 5002
    assert open_proxy.seen == [] and len(server.requests) == 1


def test_an_explicit_proxy_wins_over_the_environment(server, proxy, open_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", open_proxy.url())
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the explicit proxy ignores it, as it says
    config = configuration(server.url, retries=0, proxy=proxy.url(f"{USER}:{PASSWORD}"))
    assert get_snapshot(config).id == 5002
    assert open_proxy.seen == [] and len(proxy.seen) == 1


def test_the_token_endpoint_gets_its_own_proxy_decision(open_proxy, monkeypatch):
    """API direct (NO_PROXY names it), the token endpoint on another port through the proxy."""

    def token(handler: Any) -> None:
        send_json(handler, {"access_token": "t-0123456789", "expires_in": 3600})

    with ScriptedServer(token) as token_endpoint, ScriptedServer(answer_snapshot) as api_server:
        monkeypatch.setenv("HTTP_PROXY", open_proxy.url())
        monkeypatch.setenv("NO_PROXY", f"127.0.0.1:{api_server.port}")
        config = configuration(api_server.url, retries=0)
        config.access_token = None
        config.token_source = PasswordGrant(
            "id", "secret", "user", "password", token_url=token_endpoint.url + "/token"
        )
        assert get_snapshot(config).id == 5002
        config.token_source.close()
    assert [(s.method, s.target) for s in open_proxy.seen] == [
        ("POST", f"{token_endpoint.url}/token")
    ]
    assert api_server.requests == [("GET", "/services/snapshots/5002")]


def test_a_socks_proxy_from_the_environment_is_refused_before_sending(server, monkeypatch):
    monkeypatch.setenv("ALL_PROXY", f"socks5://{USER}:{PASSWORD}@127.0.0.1:1080")
    with pytest.raises(ApiValueError) as caught:
        get_snapshot(configuration(server.url, retries=0))
    assert "socks5" in str(caught.value) and "NO_PROXY" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert server.requests == []


def test_an_explicit_proxy_pyodk_cannot_use_is_refused_when_the_client_is_made():
    config = configuration("http://127.0.0.1:9/services", proxy=f"socks5://u:{PASSWORD}@h:1080")
    with pytest.raises(ApiValueError) as caught:
        pyodk.ApiClient(config)
    assert "cannot be used" in str(caught.value) and PASSWORD not in str(caught.value)
