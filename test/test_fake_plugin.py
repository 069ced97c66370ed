"""The fake as users start it: the pytest plugin in their own test files, and ``python -m``."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "test_my_script_example.py"
DOC = ROOT / "docs" / "testing.md"


@dataclass
class ServerProcess:
    """The API and the control API of a fake running in another process."""

    url: str
    token: str
    control_url: str

    def get(self, path: str) -> Any:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": "Bearer " + self.token}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.control_url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as answer:
            content = answer.read()
        return json.loads(content) if content else None


def _plugin_installed() -> bool:
    return any(e.value == "pyodk.testing.pytest_plugin" for e in entry_points(group="pytest11"))


USER_FIXTURE_TESTS = """
import urllib.request

import pytest

from pyodk.testing import FakeOktawaveServer

seen = {}


def test_fresh_server_one(fake_oktawave):
    assert isinstance(fake_oktawave, FakeOktawaveServer) and fake_oktawave.running
    seen["first"] = fake_oktawave
    fake_oktawave.add_instance("leftover", 777)


def test_fresh_server_two(fake_oktawave):
    assert fake_oktawave is not seen["first"] and not seen["first"].running
    assert 777 not in fake_oktawave.state.instance_ids()
    request = urllib.request.Request(
        fake_oktawave.url + "/snapshots/5001",
        headers={"Authorization": "Bearer " + fake_oktawave.access_token},
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200


@pytest.mark.fake_oktawave(ticket_duration=0, seed_defaults=False)
def test_marker_arguments_reach_the_server(fake_oktawave):
    assert fake_oktawave.ticket_duration == 0
    assert fake_oktawave.snapshot_ids() == []


def test_default_ticket_duration(fake_oktawave):
    assert fake_oktawave.ticket_duration == 1.0


def test_module_server_one(fake_oktawave_module):
    seen["module"] = fake_oktawave_module
    fake_oktawave_module.add_instance("kept", 888)


def test_module_server_two(fake_oktawave_module):
    assert fake_oktawave_module is seen["module"]
    assert 888 in fake_oktawave_module.state.instance_ids()


@pytest.mark.fake_oktawave("positional")
def test_marker_refuses_positional_arguments(fake_oktawave):
    pass


@pytest.mark.fake_oktawave(virtual_time="yes")
def test_marker_refuses_a_virtual_time_that_is_not_a_bool(fake_oktawave):
    pass


def _wait_sleeping_on(server, monkeypatch):
    # Waits for a ticket of the server; returns the real sleeps the waiter asked for.
    import time

    import pyodk

    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    configuration = pyodk.Configuration.from_env(server.environ())
    with pyodk.ApiClient(configuration) as client:
        api = pyodk.OCISnapshotsApi(client)
        pyodk.wait_for_ticket(api, api.snapshots_restore(5003), timeout=30)
    return sleeps


def test_waiters_skip_ahead_under_the_fixture(fake_oktawave, monkeypatch):
    assert _wait_sleeping_on(fake_oktawave, monkeypatch) == []
    assert fake_oktawave.clock.skipped == 1.0


def test_a_test_failing_under_virtual_time(fake_oktawave):
    raise RuntimeError("fails on purpose; the next test checks what it left behind")


def test_real_time_is_back_after_the_failed_test(monkeypatch):
    with FakeOktawaveServer(ticket_duration=0) as server:
        assert _wait_sleeping_on(server, monkeypatch) == [1.0]
"""

USER_MODULE_SCOPE_TESTS = """
import pytest

pytestmark = pytest.mark.fake_oktawave(ticket_duration=0)


@pytest.fixture
def fake_oktawave(fake_oktawave_module):
    return fake_oktawave_module


def test_overridden_first(fake_oktawave):
    assert fake_oktawave.ticket_duration == 0
    fake_oktawave.add_instance("shared", 999)


def test_overridden_second(fake_oktawave):
    assert 999 in fake_oktawave.state.instance_ids()


def test_overridden_waits_in_virtual_time(fake_oktawave, monkeypatch):
    import time

    import pyodk

    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail("a waiter slept"))
    before = fake_oktawave.clock.skipped
    configuration = pyodk.Configuration.from_env(fake_oktawave.environ())
    with pyodk.ApiClient(configuration) as client:
        api = pyodk.OCISnapshotsApi(client)
        pyodk.wait_for_ticket(api, api.snapshots_restore(5003))
    assert fake_oktawave.clock.skipped == before + 1.0


def test_a_module_test_without_the_fixture_has_real_time(monkeypatch):
    import time

    import pyodk
    from pyodk.testing import FakeOktawaveServer

    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    with FakeOktawaveServer(ticket_duration=0) as server:
        configuration = pyodk.Configuration.from_env(server.environ())
        with pyodk.ApiClient(configuration) as client:
            api = pyodk.OCISnapshotsApi(client)
            pyodk.wait_for_ticket(api, api.snapshots_restore(5003))
    assert sleeps == [1.0]
"""


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


@dataclass
class UserRun:
    outcomes: dict[str, str]
    output: str


@pytest.fixture(scope="module")
def user_run(tmp_path_factory: pytest.TempPathFactory) -> UserRun:
    """One pytest process, run as a user would, over the example and two user test files.

    One process for all of them, because starting pytest is the slow part.
    """
    home = tmp_path_factory.mktemp("user_project")
    (home / "test_user_fixtures.py").write_text(USER_FIXTURE_TESTS, encoding="utf-8")
    (home / "test_user_module_scope.py").write_text(USER_MODULE_SCOPE_TESTS, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", str(EXAMPLE), "."]
    if not _plugin_installed():
        # A source checkout that was never pip-installed has no entry point; load it by name.
        command[3:3] = ["-p", "pyodk.testing.pytest_plugin"]
    result = subprocess.run(
        command,
        cwd=home,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    found = re.findall(r"::(\w+) (PASSED|FAILED|ERROR)", result.stdout)
    return UserRun({name: outcome for name, outcome in found}, output)


def test_the_documented_example_passes_as_a_user_runs_it(user_run: UserRun) -> None:
    names = re.findall(r"^def (test_\w+)", EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(names) == 4
    assert {name: user_run.outcomes.get(name) for name in names} == dict.fromkeys(
        names, "PASSED"
    ), user_run.output


def test_docs_include_the_example_verbatim() -> None:
    assert EXAMPLE.read_text(encoding="utf-8").strip() in DOC.read_text(encoding="utf-8")


def test_fixtures_give_fresh_or_shared_servers_as_chosen(user_run: UserRun) -> None:
    expected = re.findall(r"^def (test_\w+)", USER_FIXTURE_TESTS, re.MULTILINE)
    outcomes = {name: user_run.outcomes.get(name) for name in expected}
    assert outcomes == {
        **dict.fromkeys(expected, "PASSED"),
        "test_marker_refuses_positional_arguments": "ERROR",
        "test_marker_refuses_a_virtual_time_that_is_not_a_bool": "ERROR",
        "test_a_test_failing_under_virtual_time": "FAILED",
    }, user_run.output
    assert "keyword arguments only" in user_run.output
    assert "virtual_time=...) takes True or False" in user_run.output


def test_one_server_per_module_by_overriding_the_fixture(user_run: UserRun) -> None:
    names = re.findall(r"^def (test_\w+)", USER_MODULE_SCOPE_TESTS, re.MULTILINE)
    assert len(names) == 4
    outcomes = {name: user_run.outcomes.get(name) for name in names}
    assert outcomes == dict.fromkeys(names, "PASSED"), user_run.output


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_python_m_pyodk_testing_serves_until_interrupted() -> None:
    env = _environment()
    process = subprocess.Popen(
        [sys.executable, "-m", "pyodk.testing", "--port", "0", "--ticket-duration", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        url = re.search(r"(http://127\.0\.0\.1:\d+/services)", lines[0])
        token = re.search(r"Access token:\s+(\S+)", lines[1])
        control = re.search(r"Control API:\s+(http://127\.0\.0\.1:\d+/_fake)", lines[3])
        assert url and token and control, lines
        api = ServerProcess(url[1], token[1], control[1])
        assert api.get("/instances/56/snapshots")["Meta"]["Total"] == 4

        # Driven from outside, as a test in another language would: seed, fault, read the log.
        instance = api.control("POST", "/instances", {"name": "from-outside", "id": 901})
        assert instance["Id"] == 901
        found = api.get("/instances?query=outside")
        assert [i["Name"] for i in found["Items"]] == ["from-outside"]
        teapot = {"kind": "status", "status": 418, "path": "/services/tickets"}
        api.control("POST", "/faults", teapot)
        with pytest.raises(urllib.error.HTTPError) as caught:
            api.get("/tickets")
        assert caught.value.code == 418
        log = api.control("GET", "/requests")
        assert [(r["path"], r["status"]) for r in log][-2:] == [
            ("/services/instances", 200),
            ("/services/tickets", 418),
        ]
        api.control("POST", "/reset")
        assert api.control("GET", "/requests") == []
        assert api.get("/instances")["Meta"]["Total"] == 4
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
