"""One command's connection and terminal: the ApiClient (or an in-process fake), output, progress.

The target comes from the environment, as ``Configuration.from_env()`` reads it, with ``--api-url``
over OKTAWAVE_ODK_API_URL; ``--fake`` starts a FakeOktawaveServer for this one command instead.
Standard output carries results only; notes, progress and errors go to standard error.
"""

from __future__ import annotations

import argparse
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from pyodk.cli.parser import OutputError, UsageError
from pyodk.cli.waiting import TicketProgress

if TYPE_CHECKING:
    from pyodk.api_client import ApiClient
    from pyodk.request import Request
    from pyodk.testing import FakeOktawaveServer


class Session:
    """Open with ``with``: the client is made on entry and closed (the fake stopped) on exit."""

    def __init__(
        self, args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
    ) -> None:
        self._args = args
        # Looked up now, not when this module was imported: whoever runs main() may redirect them.
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        if self.stdout is None:  # started with `>&-`: refused before anything is done
            raise OutputError("standard output is closed")
        #: "json" or "table": as asked, else JSON unless standard output is a terminal.
        self.output: str = args.output or ("table" if self.stdout.isatty() else "json")
        self.progress = TicketProgress(self.stderr)
        self._client: ApiClient | None = None
        self._fake: FakeOktawaveServer | None = None
        #: True once a request has gone out to the API (see ``main``'s exit status rule).
        self.sent = False

    def __enter__(self) -> Session:
        from pyodk.api_client import ApiClient
        from pyodk.configuration import Configuration

        args = self._args
        if args.fake and args.api_url:
            raise UsageError("--fake and --api-url cannot be used together")
        if args.fake:
            from pyodk.testing import FakeOktawaveServer

            self._fake = FakeOktawaveServer().start()
            configuration = Configuration()
            configuration.host = self._fake.url
            configuration.access_token = self._fake.access_token
        else:
            configuration = Configuration.from_env()
            if args.api_url:
                configuration.host = args.api_url.rstrip("/")
        if args.debug:
            configuration.debug = True
        self._client = ApiClient(configuration)
        self._note_sending(self._client)
        return self

    def _note_sending(self, client: ApiClient) -> None:
        """Set ``sent`` as the first request leaves, whoever sends it: an operation, a page of a
        walk, a waiter's poll. The transport's ``send`` is the one door every request goes
        through, so watching it cannot miss a request that a job makes in a new way."""
        transport = client.rest_client
        send = transport.send

        def send_and_note(request: Request, attempts_made: int = 0) -> Any:
            self.sent = True
            return send(request, attempts_made)

        # On this one client only: nothing else in the process is affected.
        transport.send = send_and_note  # type: ignore[method-assign]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.progress.end_line()
        if self._client is not None:
            self._client.close()
        if self._fake is not None:
            self._fake.stop()

    @property
    def client(self) -> ApiClient:
        if self._client is None:
            raise RuntimeError("the session is not open")
        return self._client

    def api(self, class_name: str) -> Any:
        """An instance of the API class named, on this session's client."""
        import pyodk.api

        return getattr(pyodk.api, class_name)(self.client)

    def show(self, value: Any) -> None:
        """Print a result on standard output, as JSON or as a table."""
        from pyodk.cli.output import render

        self.progress.end_line()
        write_output(self.stdout, render(value, self.output))

    def say(self, text: str) -> None:
        """A line for people, on standard output (table output only: JSON output stays JSON)."""
        self.progress.end_line()
        write_output(self.stdout, text + "\n")

    def note(self, text: str) -> None:
        """A remark on standard error, e.g. that a dry run deleted nothing."""
        self.progress.end_line()
        self.stderr.write(f"pyodk: {text}\n")
        self.stderr.flush()

    def error(self, text: str) -> None:
        self.note(f"error: {text}")


def write_output(stream: TextIO, text: str) -> None:
    """Write to standard output and flush, so that a result is out before the next step.

    :raises OutputError: it cannot be written (a full disk, a closed stream).
    :raises BrokenPipeError: the reader went away (`| head`), which ``main`` takes quietly.
    """
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from error
    except ValueError as error:  # "I/O operation on closed file"
        raise OutputError("standard output is closed") from error


def one_line(error: BaseException) -> str:
    """An exception as one line: its class, then the first line of its text.

    pyodk's exceptions put what happened on their first line (the longer form follows it), so
    this loses nothing that matters on a terminal; ``--debug`` prints the whole text.
    """
    name = type(error).__name__
    first = first_line(error)
    if not first:
        return name
    return first if first.startswith(name) else f"{name}: {first}"


def first_line(error: BaseException) -> str:
    return next((line.strip() for line in str(error).splitlines() if line.strip()), "")
