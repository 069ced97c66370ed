"""README's main job, examples/snapshot_lifecycle.py, run as a user runs it: a separate process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from pyodk.testing import FakeOktawaveServer

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "snapshot_lifecycle.py"


def run_script(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKTAWAVE_")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_credentials_it_runs_the_whole_lifecycle_on_the_fake() -> None:
    result = run_script({})

    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "built-in fake Oktawave server at http://127.0.0.1:" in out
    titles = re.findall(r"^(\d)\. (\w+)", out, re.MULTILINE)
    assert titles == [
        ("1", "The"),
        ("2", "Create"),
        ("3", "Rename"),
        ("4", "Restore"),
        ("5", "Delete"),
    ]
    # Progress is shown while each of the three tickets runs, and each ends in Succeed.
    for operation in ("Create snapshot", "Restore snapshot", "Delete snapshot"):
        lines = [ln for ln in out.splitlines() if f"{operation}: [" in ln]
        assert len(lines) >= 3, operation
        assert lines[-1].endswith("100% Succeed")
        assert any("Running" in ln for ln in lines)
    # A table at every step; the new snapshot appears, renamed, then is gone again.
    assert out.count("Created (UTC)") == 5
    new_id = re.search(r"^Created snapshot (\d+)\.$", out, re.MULTILINE)
    assert new_id is not None
    tables = out.split("Created (UTC)")[1:]
    assert all("after-nginx-upgrade" in table for table in tables)
    present = [re.search(rf"^   >\*  {new_id[1]}  (\S+)", t, re.MULTILINE) for t in tables]
    assert present[0] is None and present[4] is None
    assert [m[1].endswith("-renamed") for m in present[1:4] if m] == [False, True, True]
    assert re.search(r"^Done in \d+\.\d s\.$", out, re.MULTILINE)


def test_with_oktawave_variables_it_uses_that_api() -> None:
    with FakeOktawaveServer(ticket_duration=0) as server:
        result = run_script(server.environ())
        operations = [(r.method, r.path) for r in server.requests if r.method != "GET"]

    assert result.returncode == 0, result.stderr
    assert f"Using the Oktawave API at {server.url}" in result.stdout
    assert "fake" not in result.stdout
    new_id = operations[1][1].rsplit("/", 1)[-1]
    assert operations == [
        ("POST", "/services/instances/56/snapshots"),
        ("PUT", f"/services/snapshots/{new_id}"),
        ("POST", f"/services/snapshots/{new_id}/restore_ticket"),
        ("DELETE", f"/services/snapshots/{new_id}"),
    ]


def test_a_refused_token_fails_with_a_message_and_exit_code_1() -> None:
    with FakeOktawaveServer() as server:
        env = server.environ()
        env["OKTAWAVE_ACCESS_TOKEN"] = "not-a-valid-token"
        result = run_script(env)

    assert result.returncode == 1
    assert "Failed: UnauthorizedError" in result.stderr
    assert "Traceback" not in result.stderr
