"""The ``pyodk`` command line (also ``python -m pyodk``): see docs/cli.md.

How it is put together, one module per concern:

- ``parser``: the command tree, built only along the path the arguments choose, so that
  ``pyodk --help`` imports no API module and no HTTP library;
- ``operations``: every operation of every API class, from its ``Operation`` and docstring;
- ``jobs``: ``snapshot list|create|rename|restore|delete|prune`` and ``ticket wait``;
- ``values``: command-line text to typed values; ``output``: JSON and tables;
- ``waiting``: ``--wait`` and the progress display; ``session``: client, target and streams.

Exit status: 0 done; 1 an API, transport or ticket error (one line on stderr, no traceback);
2 a usage error, argparse's or pyodk's own refusal before sending; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pyodk.cli.parser import CommandTree, UsageError

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status (``sys.exit(main())`` is the console script)."""
    try:
        try:
            args = CommandTree().parse(sys.argv[1:] if argv is None else list(argv))
        except SystemExit as done:  # argparse: --help, --version, or a usage error
            return done.code if isinstance(done.code, int) else EXIT_USAGE
        return _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("pyodk: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`pyodk ... | head`): not an error worth a word. Python would
        # complain again while flushing stdout at exit, so point it at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


def _run(args: argparse.Namespace) -> int:
    from pyodk.cli.session import Session, first_line, one_line
    from pyodk.exceptions import ApiTypeError, ApiValueError, PyodkError

    session = Session(args)
    try:
        with session:
            code: int = args.run(args, session)
            return code
    except UsageError as error:
        return _usage_error(args, str(error))
    except (ApiTypeError, ApiValueError) as error:
        # Refused before anything was sent: a usage error, in the command line's own words.
        return _usage_error(args, _in_command_line_terms(first_line(error), args))
    except PyodkError as error:
        text = str(error).strip() if args.debug else one_line(error)
        session.error(text or type(error).__name__)
        return EXIT_FAILED
    except KeyboardInterrupt:
        ticket_id = session.progress.unfinished_ticket_id
        if ticket_id is not None:
            session.note(
                f"interrupted; ticket {ticket_id} goes on at Oktawave "
                f"(`pyodk ticket wait {ticket_id}` follows it)"
            )
        else:
            session.note("interrupted")
        return EXIT_INTERRUPTED


def _usage_error(args: argparse.Namespace, message: str) -> int:
    try:
        args.command_parser.error(message)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    return EXIT_USAGE


def _in_command_line_terms(message: str, args: argparse.Namespace) -> str:
    """pyodk names parameters as Python does (`page_size`); say the option (`--page-size`)."""
    for python_name, spelling in getattr(args, "option_names", {}).items():
        message = message.replace(f"`{python_name}`", f"`{spelling}`")
    return message
