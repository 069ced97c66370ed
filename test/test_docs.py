"""Every ```python block in README.md and docs/*.md runs, against the fake Oktawave server.

This is the one harness for documentation examples: a guide added under docs/ is picked up
without touching this file. Each block is its own test, named ``file:line`` of its opening fence.

How a block runs:

- A fresh ``FakeOktawaveServer`` (seeded as docs/testing.md describes, tickets finishing at once)
  is the default ``Configuration``: ``pyodk.Configuration()`` points at it, and the placeholder
  ``'YOUR_ACCESS_TOKEN'`` is the fake's static token, so the examples run exactly as printed.
  ``Configuration.from_env()`` finds the fake through ``OKTAWAVE_ACCESS_TOKEN`` and
  ``OKTAWAVE_ODK_API_URL``. One ticket (880001, a snapshot of instance 56) exists before the block.
- The block is executed as a ``__main__`` script with the repository root as working directory.
- It passes if it raises nothing and does not print the generated examples' "Exception when
  calling" line: an example that only "works" by catching its own failure is a broken example.
- Name lookups of any host but this machine's fail, so that no example can reach Oktawave itself.

A block that cannot run on its own (a fragment, a signature) is marked by an HTML comment on the
line before its fence, giving the reason: ``<!-- not-run: a fragment of the example above -->``.
Use it sparingly: prefer making the example complete.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import pyodk
from pyodk.testing import FakeOktawaveServer

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

PLACEHOLDER_TOKEN = "YOUR_ACCESS_TOKEN"
FAILURE_LINE = "Exception when calling"
_FENCE = re.compile(r"^```(\w*)[ \t]*$")
_NOT_RUN = re.compile(r"^<!--\s*not-run\b(?::\s*(.*?))?\s*-->$")
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "", None})


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    language: str
    source: str
    not_run: str | None  # the reason given, when marked not-run

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"


def code_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, with the not-run marker before each (if any)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and lines[index].rstrip() != "```":
            body.append(lines[index])
            index += 1
        if index == len(lines):
            raise AssertionError(f"{path.name}:{start + 1}: code block never closed")
        index += 1
        previous = next((ln.strip() for ln in reversed(lines[:start]) if ln.strip()), "")
        marker = _NOT_RUN.match(previous)
        reason = (marker.group(1) or "no reason given") if marker else None
        blocks.append(Block(path, start + 1, opening.group(1), "\n".join(body) + "\n", reason))
    return blocks


def python_blocks() -> list[Block]:
    return [b for path in DOC_FILES for b in code_blocks(path) if b.language == "python"]


BLOCKS = python_blocks()


@pytest.fixture
def docs_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        # The fake's static token is a documented, settable attribute of its state.
        server.state.access_token = PLACEHOLDER_TOKEN
        configuration = pyodk.Configuration()
        configuration.host = server.url
        configuration.access_token = PLACEHOLDER_TOKEN
        pyodk.Configuration.set_default(configuration)
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))
        _start_one_ticket(server)
        try:
            yield server
        finally:
            pyodk.Configuration.set_default(None)


def _start_one_ticket(server: FakeOktawaveServer) -> None:
    configuration = pyodk.Configuration()
    with pyodk.ApiClient(configuration) as client:
        command = pyodk.CreateUpdateSnapshotCommand(name="docs", description="made for the docs")
        ticket = pyodk.OCISnapshotsApi(client).instances_post_snapshot(56, command)
    assert ticket.id == 880001, "docs examples name ticket 880001"


def _loopback_only(real: Any) -> Any:
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in _LOCAL_HOSTS and not str(name).startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, f"docs examples may not reach {name}")
        return real(host, *args, **kwargs)

    return getaddrinfo


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_python_example_runs(
    block: Block,
    docs_server: FakeOktawaveServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if block.not_run is not None:
        pytest.skip(f"marked not-run: {block.not_run}")
    monkeypatch.chdir(ROOT)
    code = compile(block.source, block.id, "exec")
    exec(code, {"__name__": "__main__", "__file__": str(block.path)})  # noqa: S102
    printed = capsys.readouterr().out
    assert FAILURE_LINE not in printed, f"{block.id} printed an API failure:\n{printed}"


def test_every_doc_file_is_found() -> None:
    assert (ROOT / "README.md") in DOC_FILES
    assert len(DOC_FILES) > 1
    assert any(b.path.name == "README.md" for b in BLOCKS), "README.md must keep a quick start"


def _shell_commands(path: Path) -> list[str]:
    return [
        line.strip()
        for block in code_blocks(path)
        if block.language in ("sh", "bash", "shell", "console")
        for line in block.source.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_readme_gives_exactly_the_two_set_up_commands() -> None:
    commands = _shell_commands(ROOT / "README.md")
    assert commands[:2] == [
        "pip install . && python examples/snapshot_lifecycle.py",
        "pip install -r test-requirements.txt -e . && python -m pytest -q",
    ]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = _shell_commands(ROOT / "README.md")[1]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert any(line.startswith(test_command) for line in ci_lines), (
        f".ci/run must run README's test command as written: {test_command}"
    )
