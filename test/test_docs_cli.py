"""Every ```console block in README.md and docs/*.md runs, on a terminal, against the fake API.

test_docs.py runs the ```python blocks; this runs the shell sessions. A console block is a
session: ``$ command`` lines, each followed by the output it shows. For each document:

- ``python -m pyodk.testing --ticket-duration 0`` starts in a child process, and each command
  runs in a fresh ``bash`` that has been given nothing but its printed ``export`` lines and PATH,
  as the documents tell readers to do;
- ``pyodk`` on that PATH is this checkout's ``python -m pyodk``;
- the commands of all the document's blocks run in order, in one temporary directory, against the
  same fake, so later examples see what earlier ones did;
- each runs on a pseudo-terminal, as a reader's would (table output, a progress bar), with
  TZ=UTC; what a terminal shows is compared with the block: a line redrawn with ``\\r`` shows as
  its last form, trailing spaces do not count, ``...`` within a line stands for any text and a
  line of its own ``...`` for any lines. A command must succeed unless the output shown for it
  has an ``error:`` line.

A block marked ``<!-- not-run: reason -->`` (test_docs.py's marker) is skipped, and so is a block
that pipes into ``jq`` when jq is not installed.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import ROOT, TIMEOUT, FakeProcess
from test_docs import DOC_FILES, code_blocks

if sys.platform == "win32":  # pragma: no cover - pty is POSIX only
    pytest.skip("console examples run on a POSIX pseudo-terminal", allow_module_level=True)


@dataclass(frozen=True)
class Command:
    where: str  # file:line of the command
    line: str
    expected: list[str]


def sessions(path: Path) -> list[list[Command]]:
    """The console blocks of a document that are to run, each as its commands."""
    runnable = []
    for block in code_blocks(path):
        if block.language != "console" or block.not_run is not None:
            continue
        commands: list[Command] = []
        for offset, line in enumerate(block.source.splitlines(), start=1):
            if line.startswith("$ "):
                where = f"{block.id.rsplit(':', 1)[0]}:{block.line + offset}"
                commands.append(Command(where, line[2:], []))
            elif commands:
                commands[-1].expected.append(line)
            elif line.strip():
                raise AssertionError(f"{block.id}: output before the first $ command")
        runnable.append(commands)
    return runnable


DOCUMENTS = [path for path in DOC_FILES if sessions(path)]


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    fake = FakeProcess("--ticket-duration", "0")
    try:
        yield Shell(fake.export_lines, tmp_path)
    finally:
        fake.stop()


class Shell:
    """Runs one command line at a time in bash, on a pseudo-terminal."""

    def __init__(self, export_lines: list[str], directory: Path) -> None:
        self.exports = "\n".join(export_lines)
        self.directory = directory
        bin_dir = directory / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "pyodk"
        shim.write_text(
            f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m pyodk "$@"\n',
            encoding="utf-8",
        )
        shim.chmod(0o755)
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "TZ": "UTC",
            "COLUMNS": "100",
            "TERM": "dumb",
            "HOME": str(directory),
        }

    def run(self, line: str) -> tuple[int, str]:
        master, slave = pty.openpty()
        try:
            child = subprocess.Popen(
                ["bash", "--noprofile", "--norc", "-c", f"{self.exports}\n{line}"],
                cwd=self.directory,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
            )
        finally:
            os.close(slave)
        chunks = []
        deadline = time.monotonic() + TIMEOUT
        try:
            while time.monotonic() < deadline:
                if not select.select([master], [], [], 0.1)[0]:
                    continue
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every writer has closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            else:
                child.kill()
                raise AssertionError(f"{line!r} was still running after {TIMEOUT} s")
            code = child.wait(timeout=TIMEOUT)
        finally:
            os.close(master)
        return code, terminal_text(b"".join(chunks).decode("utf-8"))


def terminal_text(raw: str) -> str:
    """What the terminal shows: each line as last redrawn, without trailing spaces."""
    lines = raw.replace("\r\n", "\n").split("\n")
    shown = "\n".join(line.rsplit("\r", 1)[-1].rstrip() for line in lines).rstrip("\n")
    return shown + "\n" if shown else ""


def shows(expected: list[str], actual: str) -> bool:
    pattern = ""
    for line in expected:
        line = line.rstrip()
        if line == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += ".*?".join(re.escape(part) for part in line.split("...")) + r"\n"
    return re.fullmatch(pattern, actual) is not None


@pytest.mark.parametrize("document", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_console_examples_show_what_the_terminal_shows(document: Path, shell: Shell) -> None:
    for commands in sessions(document):
        if any(re.search(r"\|\s*jq\b", c.line) for c in commands) and not shutil.which("jq"):
            continue
        for command in commands:
            code, shown = shell.run(command.line)
            failing = any("error:" in line for line in command.expected)
            where = f"{command.where}: $ {command.line}"
            assert (code != 0) == failing, f"{where} exited {code}:\n{shown}"
            assert shows(command.expected, shown), (
                f"{where}\nexpected:\n" + "\n".join(command.expected) + f"\nshown:\n{shown}"
            )


def test_the_comparison_reads_the_terminal_as_people_do() -> None:
    assert terminal_text("\r[--]   0% t\r[##] 100% t (Succeed)\r\nId  5\r\n") == (
        "[##] 100% t (Succeed)\nId  5\n"
    )
    assert shows(["Id  5...", "...", "end"], "Id  5001\nmore\nlines\nend\n")
    assert shows(["a", "...", "b"], "a\nb\n")
    assert not shows(["a", "b"], "a\nc\nb\n")
    assert not shows(["Id  5"], "Id  5001\n")
    assert terminal_text("\r\n") == "" and shows([], "")
