"""The guides to waiters, pagination and auth: what the generic docs harness does not cover.

test/test_docs.py runs every ```python block of docs/*.md against the fake with a fixed token.
Here: every block of the three guides is runnable (none opted out), and docs/auth.md's examples
also run the way a password-grant user runs them: the four OKTAWAVE_* grant variables set and no
OKTAWAVE_ACCESS_TOKEN, so that ``Configuration.from_env()`` builds a PasswordGrant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import pyodk
from pyodk.testing import FakeOktawaveServer

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = ("waiters.md", "pagination.md", "auth.md")
PLACEHOLDER_TOKEN = "YOUR_ACCESS_TOKEN"


def python_blocks(guide: str) -> list[tuple[str, bool]]:
    """(code, marked not-run) of each ```python block, in order."""
    text = (DOCS / guide).read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"```python\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        preceding = text[: match.start()].rstrip().splitlines()
        marked = bool(preceding) and preceding[-1].strip().startswith("<!-- not-run")
        blocks.append((match[1], marked))
    return blocks


@pytest.mark.parametrize("guide", GUIDES)
def test_every_example_of_the_guide_is_runnable(guide: str) -> None:
    blocks = python_blocks(guide)
    assert len(blocks) >= 4, f"{guide} should show its subject in several examples"
    assert not any(marked for _, marked in blocks), f"{guide} has an example that is not run"
    assert all("import pyodk" in code for code, _ in blocks), "examples stand alone"


@pytest.fixture
def grant_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        # The fixed-token example's placeholder is made valid, as the generic harness does.
        server.state.access_token = PLACEHOLDER_TOKEN
        monkeypatch.delenv("OKTAWAVE_ACCESS_TOKEN", raising=False)
        for name, value in {
            "OKTAWAVE_ODK_API_URL": server.url,
            "OKTAWAVE_TOKEN_URL": server.token_url,
            "OKTAWAVE_CLIENT_ID": server.client_id,
            "OKTAWAVE_CLIENT_SECRET": server.client_secret,
            "OKTAWAVE_USERNAME": server.username,
            "OKTAWAVE_PASSWORD": server.password,
        }.items():
            monkeypatch.setenv(name, value)
        default = pyodk.Configuration()
        default.host = server.url
        pyodk.Configuration.set_default(default)
        try:
            yield server
        finally:
            pyodk.Configuration.set_default(None)


def test_auth_examples_run_with_the_password_grant_variables(
    grant_environment: FakeOktawaveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, (code, _) in enumerate(python_blocks("auth.md"), 1):
        exec(compile(code, f"docs/auth.md example {number}", "exec"), {"__name__": "__main__"})  # noqa: S102

    printed = capsys.readouterr().out
    assert "token from PasswordGrant(token_url=" in printed
    assert grant_environment.token_fetches == 1
    assert "invalid_grant 400" in printed
    assert grant_environment.password not in printed
    assert grant_environment.client_secret not in printed
