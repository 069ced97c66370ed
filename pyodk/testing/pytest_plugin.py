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

Virtual time: during a test that uses either fixture, pyodk's waiters (``wait_for_ticket`` and the
``*_and_wait`` operations) called without ``clock=``/``sleep=`` skip ahead on the server's clock
instead of sleeping (``FakeOktawaveServer.virtual_time()``); before and after the test, and in
the module's other tests, they run on real time. The marker's ``virtual_time=False`` keeps a test
on real time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from pyodk.testing.server import FakeOktawaveServer

MARKER = "fake_oktawave"
VIRTUAL_TIME = "virtual_time"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**kwargs): arguments for the FakeOktawaveServer that the "
        "fake_oktawave fixtures start (ticket_duration=..., seed_defaults=..., ...), and "
        f"{VIRTUAL_TIME}=False to keep pyodk's waiters on real time",
    )


def _settings(node: pytest.Item | pytest.Collector) -> tuple[dict[str, Any], bool]:
    """The server's keyword arguments from the closest marker, and whether time is virtual."""
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return {}, True
    if marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
    arguments = dict(marker.kwargs)
    virtual = arguments.pop(VIRTUAL_TIME, True)
    if not isinstance(virtual, bool):
        raise pytest.UsageError(f"@pytest.mark.{MARKER}({VIRTUAL_TIME}=...) takes True or False")
    return arguments, virtual


@pytest.fixture
def fake_oktawave(request: pytest.FixtureRequest) -> Iterator[FakeOktawaveServer]:
    """A running fake Oktawave API, fresh for this test and stopped after it."""
    arguments, virtual = _settings(request.node)
    with FakeOktawaveServer(**arguments) as server, _time_of(server, virtual):
        yield server


@pytest.fixture(scope="module")
def fake_oktawave_module(request: pytest.FixtureRequest) -> Iterator[FakeOktawaveServer]:
    """A running fake Oktawave API shared by every test in the module; state carries over."""
    arguments, _ = _settings(request.node)
    with FakeOktawaveServer(**arguments) as server:
        yield server


@pytest.fixture(autouse=True)
def _fake_oktawave_module_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """Virtual time on the shared server for each test that uses it, and for no other test.

    Installed per test rather than by the module-scoped fixture, so that it never outlives the
    test; it also covers a ``fake_oktawave`` overridden to return ``fake_oktawave_module``.
    """
    if "fake_oktawave_module" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("fake_oktawave_module")
    with _time_of(server, _settings(request.node)[1]):
        yield


def _time_of(server: FakeOktawaveServer, virtual: bool) -> contextlib.AbstractContextManager[Any]:
    # Leaving it restores the waiters' previous time source, even when the test failed.
    return server.virtual_time() if virtual else contextlib.nullcontext()
