"""TLS against a local HTTPS server whose certificates trustme makes at test time.

The server listens on 127.0.0.1 only. Accepted when the test CA is given, refused (TLSError,
status 0, never retried) when it is not; assert_hostname and client certificates honoured;
verify_ssl=False warns exactly once.
"""

from __future__ import annotations

import ssl
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
import trustme
import urllib3
from reliability_helpers import ScriptedServer, Sleeps, configuration, policy, send_json

import pyodk
import pyodk.rest
from pyodk.exceptions import ApiException, TLSError, TransportError


def answer_snapshot(handler: Any) -> None:
    send_json(handler, {"Id": 5002, "Name": "over-tls"})


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def https_server(ca: Any, *identities: str, client_ca: Any = None) -> ScriptedServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*identities).configure_cert(context)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        client_ca.configure_trust(context)
    return ScriptedServer(answer_snapshot, ssl_context=context)


@pytest.fixture
def server(ca: Any) -> Iterator[ScriptedServer]:
    with https_server(ca, "127.0.0.1", "localhost") as running:
        yield running


def get_snapshot(config: pyodk.Configuration) -> pyodk.Snapshot:
    with pyodk.ApiClient(config) as api_client:
        return pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002)


def test_verification_is_on_by_default_with_certifi():
    config = pyodk.Configuration()
    assert config.verify_ssl is True and config.ssl_ca_cert is None
    with pyodk.ApiClient(config) as api_client:
        pool_kw = api_client.rest_client.pool_manager.connection_pool_kw
    assert pool_kw["cert_reqs"] == ssl.CERT_REQUIRED
    assert pool_kw["ca_certs"] == certifi.where()


def test_accepted_when_its_ca_is_given(server, ca_file):
    snapshot = get_snapshot(configuration(server.url, ssl_ca_cert=ca_file))
    assert snapshot.name == "over-tls"
    assert server.requests == [("GET", "/services/snapshots/5002")]


def test_refused_without_its_ca_before_anything_is_sent_and_not_retried(server):
    sleeps = Sleeps()
    with pytest.raises(TLSError) as caught:
        get_snapshot(configuration(server.url, retries=policy(3, sleeps)))
    error = caught.value
    assert isinstance(error, TransportError) and isinstance(error, ApiException)
    assert error.status == 0
    assert isinstance(error.__cause__, urllib3.exceptions.SSLError)
    assert "CERTIFICATE_VERIFY_FAILED" in error.reason
    assert sleeps == [] and server.requests == []
    deadline = time.monotonic() + 2
    while server.tls_failures == 0 and time.monotonic() < deadline:
        time.sleep(0.01)  # the server notices the aborted handshake a moment after the client
    assert server.tls_failures == 1


def test_assert_hostname_is_honoured(ca, ca_file):
    with https_server(ca, "api.oktawave.test") as elsewhere:
        with pytest.raises(TLSError) as caught:
            get_snapshot(configuration(elsewhere.url, ssl_ca_cert=ca_file, retries=0))
        assert "127.0.0.1" in caught.value.reason or "match" in caught.value.reason.lower()
        config = configuration(
            elsewhere.url, ssl_ca_cert=ca_file, assert_hostname="api.oktawave.test"
        )
        assert get_snapshot(config).name == "over-tls"
        assert len(elsewhere.requests) == 1


def test_client_certificate_from_cert_file_and_key_file(ca, ca_file, tmp_path: Path):
    client_ca = trustme.CA()
    client_cert = client_ca.issue_cert("ops@oktawave.test", common_name="pyodk-ops")
    cert_file, key_file = tmp_path / "client.pem", tmp_path / "client.key"
    client_cert.cert_chain_pems[0].write_to_path(str(cert_file))
    client_cert.private_key_pem.write_to_path(str(key_file))
    with https_server(ca, "127.0.0.1", client_ca=client_ca) as strict:
        with pytest.raises(TLSError) as caught:  # the server's alert: certificate required
            get_snapshot(configuration(strict.url, ssl_ca_cert=ca_file, retries=0))
        assert caught.value.status == 0 and strict.requests == []
        config = configuration(
            strict.url, ssl_ca_cert=ca_file, cert_file=str(cert_file), key_file=str(key_file)
        )
        assert get_snapshot(config).name == "over-tls"
        subject = dict(item[0] for item in strict.peer_certs[-1]["subject"])
        assert subject["commonName"] == "pyodk-ops"


def test_verify_ssl_false_warns_once_and_connects(server, monkeypatch):
    monkeypatch.setattr(pyodk.rest, "_unverified_warning_given", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            config = configuration(server.url, verify_ssl=False)
            with pyodk.ApiClient(config) as api_client:
                api = pyodk.OCISnapshotsApi(api_client)
                for _ in range(3):
                    assert api.snapshots_get_0(5002).name == "over-tls"
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert "verify_ssl is False" in messages[0]
    assert len(server.requests) == 6
