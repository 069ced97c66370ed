"""Following tickets from the command line: the ``--wait`` options and the progress display.

Progress goes to standard error, so that standard output carries only the result (JSON for jq,
however the command was run). On a terminal it is one line redrawn in place, a bar with the
ticket's Progress; anywhere else (a pipe, a log file, cron) it is a plain line per change,
``ticket 880001: 40%``, which is what a log should hold. The choice follows the stream the
progress is written to: ``2>wait.log`` gets plain lines even when standard output is a terminal.
"""

from __future__ import annotations

import argparse
import shutil
from typing import TYPE_CHECKING, Any, TextIO

from pyodk.cli.values import seconds

if TYPE_CHECKING:
    from pyodk.models.ticket import Ticket

BAR_WIDTH = 30


def add_wait_options(
    parser: argparse.ArgumentParser, *, with_flag: bool = True, timeout_of: str = "the wait"
) -> None:
    """``--wait`` (unless the command always waits), ``--timeout`` and ``--poll-interval``."""
    # The library's defaults; imported here, where a command that waits is being built, so that
    # ``pyodk --help`` never loads the HTTP stack.
    from pyodk.waiters import DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT

    group = parser.add_argument_group("following the ticket")
    if with_flag:
        group.add_argument(
            "--wait",
            action="store_true",
            help="follow the ticket until the work is done (progress on stderr); exit 1 if it "
            "fails or the timeout runs out",
        )
    group.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"the longest {timeout_of} may last (default: {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--poll-interval",
        type=seconds,
        default=DEFAULT_POLL_INTERVAL,
        metavar="SECONDS",
        help=f"seconds before the first poll (default: {DEFAULT_POLL_INTERVAL:g}); later polls "
        "back off to every 10 s",
    )


def wait_options(args: argparse.Namespace, progress: TicketProgress) -> dict[str, Any]:
    """The keyword arguments of ``pyodk.wait_for_ticket`` (and the ``*_and_wait`` operations)."""
    return {"timeout": args.timeout, "poll_interval": args.poll_interval, "on_progress": progress}


class TicketProgress:
    """The ``on_progress`` callback: a redrawn bar on a terminal, plain lines elsewhere.

    It remembers the ticket it shows while that ticket is unfinished, so that an interrupted wait
    can say which ticket goes on at Oktawave.
    """

    def __init__(self, stream: TextIO, terminal: bool | None = None) -> None:
        self._stream = stream
        self._terminal = stream.isatty() if terminal is None else terminal
        self._drawn = 0  # characters of the bar line now on screen
        #: The id of the ticket being followed while it is unfinished, else None.
        self.unfinished_ticket_id: int | None = None
        self._shown_id: int | None = None

    def __call__(self, ticket: Ticket) -> None:
        if ticket.id != self._shown_id:
            self.end_line()
            self._shown_id = ticket.id
        self.unfinished_ticket_id = None if ticket.is_finished else ticket.id
        progress = ticket.progress if ticket.progress is not None else 0
        if self._terminal:
            self._draw(f"{_bar(progress)} {_describe(ticket)}")
        else:
            self._stream.write(f"ticket {ticket.id}: {progress}%\n")
            self._stream.flush()

    def end_line(self) -> None:
        """Move past the bar, so that what is printed next starts on a line of its own."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = 0

    def _draw(self, line: str) -> None:
        # A line that wraps cannot be redrawn with \r: keep it within the terminal's width.
        line = line[: shutil.get_terminal_size().columns - 1]
        # Spaces rub out what a longer line before it left on the screen.
        self._stream.write("\r" + line.ljust(self._drawn))
        self._stream.flush()
        self._drawn = len(line)


def _bar(progress: int) -> str:
    progress = max(0, min(100, progress))
    filled = BAR_WIDTH * progress // 100
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {progress:3d}%"


def _describe(ticket: Ticket) -> str:
    """``ticket 880001 Create snapshot web-prod-01``: what is being waited for, and its state."""
    parts = [f"ticket {ticket.id}"]
    if ticket.operation_type is not None and ticket.operation_type.label:
        parts.append(ticket.operation_type.label)
    if ticket.object_name:
        parts.append(ticket.object_name)
    if ticket.is_finished and ticket.status is not None and ticket.status.label:
        parts.append(f"({ticket.status.label})")
    return " ".join(parts)
