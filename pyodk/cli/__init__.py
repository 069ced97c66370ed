"""The ``pyodk`` command line (also ``python -m pyodk``): see docs/cli.md.

How it is put together, one module per concern:

- ``parser``: the command tree, built only along the path the arguments choose, so that
  ``pyodk --help`` imports no API module and no HTTP library;
- ``operations``: every operation of every API class, from its ``Operation`` and docstring;
- ``jobs``: ``snapshot list|create|rename|restore|delete|prune`` and ``ticket wait``;
- ``values``: command-line text to typed values; ``output``: JSON and tables;
- ``waiting``: ``--wait`` and the progress display; ``session``: client, target and streams.

Exit status: 0 done; 1 an API, transport or ticket error (one line on stderr, no traceback);
2 a usage error, argparse's or pyodk's own refusal before sending; 130 interrupted. Whether a
refusal of pyodk's own is a usage error is decided in one place, ``_refused``.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from pyodk.cli.parser import CommandTree, OutputError, UsageError

if TYPE_CHECKING:
    from pyodk.cli.session import Session

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status (``sys.exit(main())`` is the console script)."""
    # Restored on return: main() may run inside a program (or a test) with warnings of its own.
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    try:
        try:
            args = CommandTree().parse(sys.argv[1:] if argv is None else list(argv))
        except SystemExit as done:  # argparse: --help, --version, or a usage error
            code = done.code if isinstance(done.code, int) else EXIT_USAGE
        else:
            code = _run(args)
        _flush_output()
        return code
    except KeyboardInterrupt:
        sys.stderr.write("pyodk: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`pyodk ... | head`): not an error worth a word.
        _discard_output()
        return EXIT_FAILED
    except OutputError as error:
        sys.stderr.write(f"pyodk: error: cannot write the output: {error}\n")
        _discard_output()
        return EXIT_FAILED


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """A warning (verify_ssl off, say) as one line like the errors: the file name and source
    line Python adds are for a program's author, not for the person at the command line."""
    stream = file or sys.stderr
    if stream is not None:
        stream.write(f"pyodk: warning: {' '.join(str(message).split())}\n")


def _flush_output() -> None:
    """What is still buffered (argparse's --help, which ignores write errors) goes out now, where
    a failure can be told in one line, rather than at exit, where Python prints a traceback."""
    from pyodk.cli.session import write_output

    if sys.stdout is not None:
        write_output(sys.stdout, "")


def _discard_output() -> None:
    """Point standard output at nothing: Python flushes it again at exit, and would complain
    about the same failure there."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # closed, or not a file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def _run(args: argparse.Namespace) -> int:
    from pyodk.cli.session import Session
    from pyodk.exceptions import ApiTypeError, ApiValueError, PyodkError

    session = Session(args)
    try:
        with session:
            code: int = args.run(args, session)
            return code
    except (UsageError, ApiTypeError, ApiValueError) as error:
        return _refused(args, session, error)
    except PyodkError as error:
        _report(args, session, error)
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


def _refused(args: argparse.Namespace, session: Session, error: Exception) -> int:
    """The rule for pyodk's own refusals (a UsageError of the command line, an ApiTypeError or
    ApiValueError of the library): refused before anything was sent, it is a usage error (exit 2)
    and nothing happened; once a request has gone out, it is a failure (exit 1), since the server
    may have acted on it, e.g. a snapshot created by a POST whose answer cannot be followed."""
    from pyodk.cli.session import first_line

    if session.sent:
        _report(args, session, error)
        return EXIT_FAILED
    if isinstance(error, UsageError):
        return _usage_error(args, str(error))
    # The library's words, with the command line's names for the parameters.
    return _usage_error(args, _in_command_line_terms(first_line(error), args))


def _report(args: argparse.Namespace, session: Session, error: Exception) -> None:
    """One error line (``--debug``: the whole text); the class is left out of the command
    line's own UsageError."""
    from pyodk.cli.session import one_line

    if isinstance(error, UsageError):
        text = str(error)
    else:
        text = str(error).strip() if args.debug else one_line(error)
        text = _in_command_line_terms(text, args)
    session.error(text or type(error).__name__)


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
