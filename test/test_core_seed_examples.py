"""The seed reference page's seven examples, run as written: only the host is pointed elsewhere.

Each ```python block of test/seed/OCISnapshotsApi.md runs unchanged in its own interpreter. A small
wrapper sets ``pyodk.Configuration.set_default()`` with the host of a local server before the
example runs, so that the example's own ``pyodk.Configuration()`` starts from it; the example then
sets ``access_token = 'YOUR_ACCESS_TOKEN'`` itself, as written.

Six examples run against a FakeOktawaveServer whose static token is set to 'YOUR_ACCESS_TOKEN'
(``srv.state.access_token``: the fake accepts exactly one static token) and which holds instance 56
(seeded) and a snapshot 56 added for the examples' ``id = 56``.

``snapshots_get`` is the exception. Its example passes ``order_by='order_by_example'``, which
the service refuses (400, "Acceptable order values are: ..."). With client-side validation on
(the default) pyodk refuses it before sending, with an ApiValueError, which is an ApiException, so
the example's own ``except ApiException`` prints the refusal: that run is checked as
``snapshots_get[validated]`` against the fake, and must send nothing. To also see that example's
arguments reach the wire, it runs a second time with ``client_side_validation = False`` in the
default configuration (set by the wrapper, not by the example) against the scripted stub server,
which answers a plausible one-snapshot page; the test checks every camelCase parameter name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from core_cases import SNAPSHOT_JSON
from stub_server import StubServer

import pyodk
from pyodk.testing import FakeOktawaveServer

HERE = Path(__file__).resolve().parent
SEED_PAGE = HERE / "seed" / "OCISnapshotsApi.md"
REPO_ROOT = HERE.parent
EXAMPLE_TOKEN = "YOUR_ACCESS_TOKEN"
#: The snapshots_get example run as a user runs it, with client-side validation on.
VALIDATED_GET = "snapshots_get[validated]"

WRAPPER = """\
import runpy
import sys

import pyodk

config = pyodk.Configuration()
config.host = sys.argv[1]
config.client_side_validation = sys.argv[2] == "validate"
pyodk.Configuration.set_default(config)
runpy.run_path(sys.argv[3], run_name="__main__")
"""

#: operation -> (method, path, return model) of the one request its example makes
EXPECTED = {
    "instances_get_snapshots": ("GET", "/services/instances/56/snapshots", "ApiCollectionSnapshot"),
    "instances_post_snapshot": ("POST", "/services/instances/56/snapshots", "Ticket"),
    "snapshots_delete": ("DELETE", "/services/snapshots/56", "Ticket"),
    "snapshots_get": ("GET", "/services/snapshots", "ApiCollectionSnapshot"),
    "snapshots_get_0": ("GET", "/services/snapshots/56", "Snapshot"),
    "snapshots_put": ("PUT", "/services/snapshots/56", "Snapshot"),
    "snapshots_restore": ("POST", "/services/snapshots/56/restore_ticket", "Ticket"),
}


def seed_examples() -> dict[str, str]:
    """operation name -> the example's source, exactly as on the seed page."""
    text = SEED_PAGE.read_text(encoding="utf-8")
    found = re.findall(r"^# \*\*(\w+)\*\*\n.*?^```python\n(.*?)^```", text, re.S | re.M)
    return dict(found)


@dataclass
class Run:
    source: str
    returncode: int
    stdout: str
    stderr: str
    requests: list[tuple[str, str, dict[str, list[str]], dict[str, str], bytes]]


def _fake_for_examples() -> FakeOktawaveServer:
    server = FakeOktawaveServer(ticket_duration=0).start()
    server.state.access_token = EXAMPLE_TOKEN
    server.state.add_snapshot(56, "example snapshot", "for the seed examples", id=56)
    return server


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Iterator[dict[str, Run]]:
    """Run all seven examples at once (each in its own interpreter) and keep what happened."""
    examples = seed_examples()
    workdir = tmp_path_factory.mktemp("seed_examples")
    wrapper = workdir / "run_example.py"
    wrapper.write_text(WRAPPER)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    for name in ("OKTAWAVE_ACCESS_TOKEN", "OKTAWAVE_ODK_API_URL", "HTTP_PROXY", "http_proxy"):
        env.pop(name, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1"

    stub = StubServer()
    stub.answer({"Items": [SNAPSHOT_JSON], "Meta": {"Total": 1}})
    fakes: dict[str, FakeOktawaveServer] = {}
    processes: dict[str, subprocess.Popen[str]] = {}
    try:
        examples[VALIDATED_GET] = examples["snapshots_get"]
        for name, source in examples.items():
            if name == "snapshots_get":
                host, validation = stub.url, "off"
            else:
                fakes[name] = _fake_for_examples()
                host, validation = fakes[name].url, "validate"
            script = workdir / f"{name.replace('[', '_').rstrip(']')}.py"
            script.write_text(source, encoding="utf-8")
            processes[name] = subprocess.Popen(
                [sys.executable, str(wrapper), host, validation, str(script)],
                cwd=workdir,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        results: dict[str, Run] = {}
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=60)
            if name == "snapshots_get":
                requests = [(r.method, r.path, r.query, r.headers, r.body) for r in stub.received]
            else:
                requests = [
                    (r.method, r.path, r.query, {k.lower(): v for k, v in r.headers.items()},
                     r.body)
                    for r in fakes[name].requests
                ]  # fmt: skip
            results[name] = Run(examples[name], process.returncode, stdout, stderr, requests)
        yield results
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
        for fake in fakes.values():
            fake.stop()
        stub.stop()


def test_the_seed_page_has_the_seven_examples():
    examples = seed_examples()
    assert sorted(examples) == sorted(EXPECTED)
    for name, source in examples.items():
        assert f"api_instance.{name}(" in source
        assert "configuration.access_token = 'YOUR_ACCESS_TOKEN'" in source
        assert "host" not in source  # nothing in the examples themselves points anywhere


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_example_runs_and_prints_its_result(name: str, runs: dict[str, Run]):
    run = runs[name]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "Exception when calling" not in run.stdout
    printed = run.stdout.strip()
    # pprint shows the model's repr: the class, then the fields the answer set.
    assert printed.startswith(f"{EXPECTED[name][2]}(") and printed.endswith(")")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_example_sent_one_authorized_request(name: str, runs: dict[str, Run]):
    (request,) = runs[name].requests
    method, path, _query, headers, body = request
    assert (method, path) == EXPECTED[name][:2]
    assert headers["authorization"] == f"Bearer {EXAMPLE_TOKEN}"
    assert headers["accept"] == "application/json"
    assert headers["user-agent"] == f"pyodk/{pyodk.__version__}/python"
    if name in ("instances_post_snapshot", "snapshots_put"):
        assert body == b'{"Name":"Snapshot name","Description":"Snapshot description"}'
    else:
        assert body == b""


def test_snapshots_get_example_reports_its_bad_order_by_without_sending(runs: dict[str, Run]):
    run = runs[VALIDATED_GET]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout.startswith("Exception when calling OCISnapshotsApi->snapshots_get: ")
    assert "`order_by` must be one of CreationDate, Description, IsCurrent, Name, Instance" in (
        run.stdout
    )
    assert "'order_by_example'" in run.stdout
    assert run.requests == []


def _printed(runs: dict[str, Run], name: str) -> str:
    return runs[name].stdout


def test_ticket_examples_name_their_object(runs: dict[str, Run]):
    for name in ("instances_post_snapshot", "snapshots_delete", "snapshots_restore"):
        assert "object_id=56," in _printed(runs, name)
        assert "status=DictionaryItem(" in _printed(runs, name)


def test_put_example_renamed_snapshot_56(runs: dict[str, Run]):
    printed = _printed(runs, "snapshots_put")
    assert "id=56," in printed
    assert "name='Snapshot name'," in printed
    assert "description='Snapshot description'," in printed


def test_fields_filter_examples_sent_the_filter(runs: dict[str, Run]):
    for name in ("instances_get_snapshots", "snapshots_get_0"):
        (request,) = runs[name].requests
        assert request[2] == {"fields": ["fields_example"]}
    # The fake keeps only keys named in ``fields``: none here, so every property is None.
    assert _printed(runs, "snapshots_get_0").strip() == "Snapshot()"


def test_snapshots_get_example_sent_every_argument_by_its_wire_name(runs: dict[str, Run]):
    (request,) = runs["snapshots_get"].requests
    assert request[2] == {
        "instanceId": ["56"],
        "query": ["query_example"],
        "pageSize": ["56"],
        "pageNumber": ["56"],
        "orderBy": ["order_by_example"],
        "fields": ["fields_example"],
    }
    printed = _printed(runs, "snapshots_get")
    assert "name='before-nginx-upgrade'" in printed
    assert "meta=ApiCollectionMetadata(total=1)" in printed
