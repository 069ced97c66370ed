"""Shared fixtures: a scripted stub server and a pyodk client pointed at it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from stub_server import StubServer

import pyodk

TOKEN = "test-token-0123456789"

#: pyodk honours these by default; tests that want a proxy set them themselves.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True, scope="session")
def _no_proxy_from_the_machine() -> Iterator[None]:
    """Every test talks to 127.0.0.1: a proxy set on the machine that runs them stays out."""
    saved = {
        name: os.environ.pop(name) for name in list(os.environ) if name.lower() in PROXY_VARIABLES
    }
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def _stub_server() -> Iterator[StubServer]:
    server = StubServer()
    yield server
    server.stop()


@pytest.fixture
def stub(_stub_server: StubServer) -> Iterator[StubServer]:
    """The scripted server, emptied for this test."""
    _stub_server.reset()
    yield _stub_server
    _stub_server.reset()


@pytest.fixture
def configuration(stub: StubServer) -> pyodk.Configuration:
    config = pyodk.Configuration()
    config.host = stub.url
    config.access_token = TOKEN
    config.retries = pyodk.RetryPolicy(0)
    return config


@pytest.fixture
def api_client(configuration: pyodk.Configuration) -> Iterator[pyodk.ApiClient]:
    with pyodk.ApiClient(configuration) as client:
        yield client


@pytest.fixture
def snapshots_api(api_client: pyodk.ApiClient) -> pyodk.OCISnapshotsApi:
    return pyodk.OCISnapshotsApi(api_client)


@pytest.fixture
def tickets_api(api_client: pyodk.ApiClient) -> pyodk.TicketsApi:
    return pyodk.TicketsApi(api_client)
