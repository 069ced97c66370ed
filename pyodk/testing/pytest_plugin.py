"""pytest fixtures for testing code that uses pyodk, loaded through the ``pytest11`` entry point.

* ``fake_oktawave``: a fresh, running ``FakeOktawaveServer`` for each test.
* ``fake_oktawave_module``: one server shared by all tests of a module.

Both take constructor arguments from the ``fake_oktawave`` marker, e.g.
``@pytest.mark.fake_oktawave(ticket_duration=0)`` on a test, or
``pytestmark = pytest.mark.fake_oktawave(ticket_duration=0)`` for a module.
To make a whole module use one server, override the fixture there::

    @pytest.fixture
    def fake_oktawave(fake_oktawave_module):
        return fake_oktawave_module
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pyodk.testing.server import FakeOktawaveServer

MARKER = "fake_oktawave"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**kwargs): arguments for the FakeOktawaveServer that the "
        "fake_oktawave fixtures start (ticket_duration=..., seed_defaults=..., ...)",
    )


def _server_arguments(node: pytest.Item | pytest.Collector) -> dict[str, Any]:
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
    return dict(marker.kwargs)


@pytest.fixture
def fake_oktawave(request: pytest.FixtureRequest) -> Iterator[FakeOktawaveServer]:
    """A running fake Oktawave API, fresh for this test and stopped after it."""
    with FakeOktawaveServer(**_server_arguments(request.node)) as server:
        yield server


@pytest.fixture(scope="module")
def fake_oktawave_module(request: pytest.FixtureRequest) -> Iterator[FakeOktawaveServer]:
    """A running fake Oktawave API shared by every test in the module; state carries over."""
    with FakeOktawaveServer(**_server_arguments(request.node)) as server:
        yield server
