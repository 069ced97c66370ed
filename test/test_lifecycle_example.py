"""README's main job, examples/snapshot_lifecycle.py, run as a user runs it: a separate process.

Its promise: without ``--real`` it never touches the account that OKTAWAVE_* variables name;
with ``--real --instance ID`` it works on that account, naming the API and the instance before
it changes anything. "The account" here is a FakeOktawaveServer reached only through the
environment, as a real one would be.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pyodk.testing import FakeOktawaveServer

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "snapshot_lifecycle.py"


def run_script(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKTAWAVE_")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def password_grant_environ(account: FakeOktawaveServer) -> dict[str, str]:
    return {
        "OKTAWAVE_ODK_API_URL": account.url,
        "OKTAWAVE_TOKEN_URL": account.token_url,
        "OKTAWAVE_CLIENT_ID": account.client_id,
        "OKTAWAVE_CLIENT_SECRET": account.client_secret,
        "OKTAWAVE_USERNAME": account.username,
        "OKTAWAVE_PASSWORD": account.password,
    }


def changes(account: FakeOktawaveServer) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in account.requests if r.method != "GET"]


def test_the_readme_command_runs_on_the_built_in_fake_even_with_an_account_in_the_environment():
    with FakeOktawaveServer() as account:
        # Every credential variable set, pointing at an account that must stay untouched.
        result = run_script({**password_grant_environ(account), **account.environ()})
        assert account.requests == [] and account.token_fetches == 0

    out = result.stdout
    assert result.returncode == 0, result.stderr
    built_in = re.search(
        r"built-in fake Oktawave server at (http://127\.0\.0\.1:\d+/services)", out
    )
    assert built_in is not None and built_in[1] != account.url
    assert "Instance: 56 'web-prod-01'" in out
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
    # The seeded snapshots' offsets differ (+01:00, Z, none); the table shows each in UTC.
    for utc in ("2025-03-02 08:00:12", "2025-06-11 21:14:03", "2025-07-30 10:45:51"):
        assert utc in tables[0]
    assert "2025-09-18 06:30:00" in tables[0]
    assert re.search(r"^Done in \d+\.\d s\.$", out, re.MULTILINE)


def test_real_names_the_api_and_the_instance_before_it_changes_anything():
    with FakeOktawaveServer(ticket_duration=0) as account:
        result = run_script(password_grant_environ(account), "--real", "--instance", "57")
        requests = account.requests
        made = changes(account)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"Oktawave API: {account.url}", "Instance: 57 'db-main'"]
    assert "fake" not in result.stdout
    # The instance is fetched, by the id given, before any other request of the API.
    api_requests = [r for r in requests if r.path.startswith("/services/")]
    assert (api_requests[0].method, api_requests[0].path) == ("GET", "/services/instances/57")
    assert account.token_fetches == 1  # the password grant, from the environment
    made = [change for change in made if change[1].startswith("/services/")]
    new_id = made[1][1].rsplit("/", 1)[-1]
    assert made == [
        ("POST", "/services/instances/57/snapshots"),
        ("PUT", f"/services/snapshots/{new_id}"),
        ("POST", f"/services/snapshots/{new_id}/restore_ticket"),
        ("DELETE", f"/services/snapshots/{new_id}"),
    ]


def test_real_without_an_instance_is_refused_before_anything_is_sent():
    with FakeOktawaveServer() as account:
        result = run_script(account.environ(), "--real")
        assert account.requests == []

    assert result.returncode == 2
    assert "--real needs --instance ID" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({}, "no Oktawave credentials in the environment: set OKTAWAVE_ACCESS_TOKEN"),
        (
            {"OKTAWAVE_CLIENT_ID": "id", "OKTAWAVE_CLIENT_SECRET": "s", "OKTAWAVE_USERNAME": "u"},
            ": OKTAWAVE_PASSWORD is missing from the environment",
        ),
    ],
    ids=["none", "three of four"],
)
def test_real_without_usable_credentials_names_the_variables_to_set(environ, words):
    result = run_script(environ, "--real", "--instance", "56")

    assert result.returncode == 1
    assert "Failed: NoCredentialsError: " in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr
    assert "Oktawave API" not in result.stdout


def test_a_refused_token_fails_with_one_line_and_exit_code_1():
    with FakeOktawaveServer() as account:
        env = account.environ()
        env["OKTAWAVE_ACCESS_TOKEN"] = "not-a-valid-token"
        result = run_script(env, "--real", "--instance", "56")
        assert changes(account) == []

    assert result.returncode == 1
    assert f"Oktawave API: {account.url}" in result.stdout
    failure = "Failed: UnauthorizedError: 401 GET /instances/56 (instances_get_0)"
    assert failure in result.stderr
    assert "UnauthorizedError: UnauthorizedError" not in result.stderr
    assert "not-a-valid-token" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_real_with_an_instance_the_account_lacks_changes_nothing():
    with FakeOktawaveServer() as account:
        result = run_script(account.environ(), "--real", "--instance", "999")
        assert [(r.method, r.path) for r in account.requests] == [
            ("GET", "/services/instances/999")
        ]

    assert result.returncode == 1
    assert "Failed: NotFoundError: 404 GET /instances/999" in result.stderr
