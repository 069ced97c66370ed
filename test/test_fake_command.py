"""``python -m pyodk.testing`` and the fake's console: refusals in one line, no tracebacks for
what clients do.

The fake is started by people from a shell and by test suites in other languages; what it prints
there is its user interface.
"""

from __future__ import annotations

import logging
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from pyodk.testing import FakeOktawaveServer


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_a_busy_port_is_one_line_and_exit_1(busy_port: int) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pyodk.testing", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 1
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(
        f"python -m pyodk.testing: error: cannot listen on 127.0.0.1:{busy_port}"
    )
    assert "in use" in lines[0]


@pytest.mark.parametrize("duration", ["-1", "-0.5", "nan", "soon"])
def test_a_ticket_duration_that_is_no_number_of_seconds_is_refused(
    capsys: pytest.CaptureFixture[str], duration: str
) -> None:
    from pyodk.testing.__main__ import parse_arguments

    with pytest.raises(SystemExit) as caught:
        parse_arguments(["--port", "0", f"--ticket-duration={duration}"])

    assert caught.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith("python -m pyodk.testing: error: argument --ticket-duration:")
    assert f"got {duration!r}" in error


@pytest.mark.parametrize("port", ["65536", "-1", "http"])
def test_a_port_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], port: str) -> None:
    from pyodk.testing.__main__ import parse_arguments

    with pytest.raises(SystemExit) as caught:
        parse_arguments([f"--port={port}"])

    assert caught.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error == (
        f"python -m pyodk.testing: error: argument --port: expected a port number, 0 to 65535 "
        f"(0: a free one), got {port!r}"
    )


@pytest.mark.parametrize("duration", [-1, float("nan")])
def test_the_server_refuses_a_negative_ticket_duration(duration: float) -> None:
    with pytest.raises(ValueError, match="ticket_duration must be 0 or more seconds"):
        FakeOktawaveServer(ticket_duration=duration)
    server = FakeOktawaveServer(ticket_duration=0)
    with pytest.raises(ValueError, match="ticket_duration must be 0 or more seconds"):
        server.ticket_duration = duration
    assert server.ticket_duration == 0
    with pytest.raises(TypeError, match="ticket_duration must be a number of seconds, got str"):
        server.ticket_duration = "1"  # type: ignore[assignment]


def test_a_client_that_resets_its_connection_prints_no_traceback(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pyodk.testing")
    with FakeOktawaveServer() as server:
        client = socket.create_connection(("127.0.0.1", server.port))
        client.sendall(b"GET /services/instances HTTP/1.1\r\n")  # half a request, then RST
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()

        # The server handles the reset on its own thread: wait (boundedly) for it to say so.
        stderr = ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            stderr += capsys.readouterr().err
            if "Traceback" in stderr or any("reset" in r.getMessage() for r in caplog.records):
                break
            time.sleep(0.01)

    assert "Traceback" not in stderr and "Exception occurred" not in stderr, stderr
    notes = [r.getMessage() for r in caplog.records if r.name == "pyodk.testing"]
    assert any("127.0.0.1" in note and "reset" in note for note in notes), notes
