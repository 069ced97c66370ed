"""pyodk logs only through ``logging.getLogger("pyodk")``: silent by default, visible on request.

The scenarios run in a fresh interpreter, because pytest itself puts handlers on the root logger
and that is exactly what changes pyodk's behaviour.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyodk  # noqa: F401  (importing pyodk is what installs the NullHandler)

ROOT = Path(__file__).resolve().parent.parent

PRELUDE = """
import logging, sys
import pyodk
from pyodk.testing import FakeOktawaveServer

def one_call(configuration):
    with pyodk.ApiClient(configuration) as client:
        pyodk.OCISnapshotsApi(client).snapshots_get_0(5001)
"""


def _run(body: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    source = PRELUDE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
        cwd=ROOT,
    )


def test_the_pyodk_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("pyodk").handlers
    assert sum(isinstance(h, logging.NullHandler) for h in handlers) == 1


def test_silent_by_default_even_for_warnings() -> None:
    result = _run(
        """
        with FakeOktawaveServer() as srv:
            configuration = pyodk.Configuration()
            configuration.host, configuration.access_token = srv.url, srv.access_token
            one_call(configuration)
            logging.getLogger("pyodk").warning("a warning no one asked to see")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_debug_prints_requests_to_stderr_without_the_token_and_stops_when_off() -> None:
    result = _run(
        """
        with FakeOktawaveServer() as srv:
            configuration = pyodk.Configuration()
            configuration.host, configuration.access_token = srv.url, srv.access_token
            configuration.debug = True
            configuration.debug = True  # setting it twice must not print every line twice
            one_call(configuration)
            print("TOKEN=" + srv.access_token)
            configuration.debug = False
            logging.getLogger("pyodk").info("after debug was turned off")
            print(len([h for h in logging.getLogger("pyodk").handlers
                       if not isinstance(h, logging.NullHandler)]))
            print(logging.getLogger().handlers == [])
        """
    )
    assert result.returncode == 0, result.stderr
    token_line, handlers_left, root_untouched = result.stdout.splitlines()
    token = token_line.removeprefix("TOKEN=")
    # The client's lines (the fake server, pyodk.testing, logs its own access lines too).
    lines = [
        ln for ln in result.stderr.splitlines() if "GET http" in ln and "/snapshots/5001" in ln
    ]
    assert len(lines) == 2, result.stderr  # the request, and the answer's status
    assert all(" DEBUG " in ln for ln in lines)
    assert token not in result.stderr
    assert "after debug was turned off" not in result.stderr
    assert (handlers_left, root_untouched) == ("0", "True")


def test_debug_defers_to_the_applications_logging_set_up() -> None:
    result = _run(
        """
        logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="APP %(message)s")
        with FakeOktawaveServer() as srv:
            configuration = pyodk.Configuration()
            configuration.host, configuration.access_token = srv.url, srv.access_token
            configuration.debug = True
            one_call(configuration)
            configuration.debug = False
        """
    )
    assert result.returncode == 0, result.stderr
    assert "/snapshots/5001" not in result.stderr  # no handler of pyodk's own
    lines = [ln for ln in result.stdout.splitlines() if "/snapshots/5001" in ln]
    assert lines and all(ln.startswith("APP ") for ln in lines)
    assert len(lines) == len(set(lines))


def test_logger_file_gets_the_debug_log(tmp_path: Path) -> None:
    log = tmp_path / "pyodk.log"
    result = _run(
        f"""
        with FakeOktawaveServer() as srv:
            configuration = pyodk.Configuration()
            configuration.host, configuration.access_token = srv.url, srv.access_token
            configuration.logger_file = {str(log)!r}
            configuration.debug = True
            one_call(configuration)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "/snapshots/5001" not in result.stderr  # the file replaces stderr, as generated
    assert "/snapshots/5001" in log.read_text()
