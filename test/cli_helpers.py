"""Running the ``pyodk`` command line in child processes, against ``python -m pyodk.testing``.

The fake server's printed ``export`` lines are read as a shell reads them (``shlex``), and a
command gets those variables and PATH, nothing else from this process's environment: so every
test that uses them also shows that the export lines are all a shell needs.
"""

from __future__ import annotations

import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
#: Generous: a command that hangs fails the test instead of the suite.
TIMEOUT = 60


class FakeProcess:
    """``python -m pyodk.testing --port 0 ...`` in a child process, until ``stop()``."""

    def __init__(self, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyodk.testing", "--port", "0", *arguments],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(
            target=_read_lines, args=(self.process.stdout, lines), daemon=True
        )
        self._reader.start()
        #: The ``export NAME=value`` lines, as printed.
        self.export_lines: list[str] = []
        while True:
            # The export lines come together; once they have, a short pause means they are done.
            try:
                line = lines.get(timeout=0.5 if self.export_lines else TIMEOUT)
            except queue.Empty:
                break
            if line is None:  # the server exited
                break
            if line.strip().startswith("export "):
                self.export_lines.append(line.strip())
            elif self.export_lines:
                break
        if not self.export_lines:
            self.stop()
            raise AssertionError("python -m pyodk.testing printed no export lines")

    @property
    def exports(self) -> dict[str, str]:
        """The variables the export lines set, parsed as a POSIX shell parses them."""
        variables = {}
        for line in self.export_lines:
            for word in shlex.split(line)[1:]:
                name, _, value = word.partition("=")
                variables[name] = value
        return variables

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)  # it reads on to the end of the server's output
        if self.process.stdout is not None and not self._reader.is_alive():
            self.process.stdout.close()


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def shell_environment(variables: Mapping[str, str]) -> dict[str, str]:
    """``variables`` and PATH: what a fresh shell that pasted the export lines would pass on."""
    return {"PATH": os.environ.get("PATH", ""), **variables}


def pyodk_command(command: str = "", *more: str) -> list[str]:
    """``pyodk COMMAND MORE...`` as ``python -m pyodk``, run from the checkout (the console script
    is the same ``pyodk.cli:main``): ``command`` split as a shell splits it, ``more`` as given."""
    return [sys.executable, "-m", "pyodk", *shlex.split(command), *more]


#: ``run_pyodk(..., stdout=CLOSED)``: standard output closed, as a shell's ``>&-`` leaves it.
CLOSED = "closed"


def run_pyodk(
    command: str = "",
    *more: str,
    env: Mapping[str, str],
    stdin: str | None = None,
    stdout: int | IO[Any] | str = subprocess.PIPE,
) -> subprocess.CompletedProcess[str]:
    """``pyodk COMMAND MORE...`` in a child process; standard error is captured, and standard
    output too unless ``stdout`` says where it goes (a file, a descriptor, or CLOSED)."""
    argv = pyodk_command(command, *more)
    if stdout == CLOSED:
        argv = ["sh", "-c", 'exec "$@" >&-', "sh", *argv]
    return subprocess.run(
        argv,
        cwd=ROOT,
        env=dict(env),
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        stdout=None if stdout == CLOSED else stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
