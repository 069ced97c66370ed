"""The command tree: ``pyodk <command> [<subcommand>] [args]``, built only along the path chosen.

There are 177 operations in 18 API classes. Building a parser for each, from docstrings and
models, would import every API module for ``pyodk --help``; instead every command starts as an
empty shell parser, and ``CommandTree.parse`` fills in only the shells on the path the arguments
choose: first the command (``oci``: its operation list, which loads that one API module), then
the subcommand (``instances-get``: its options). The top level is built from
``pyodk.api.OPERATION_INDEX`` alone.

Each filled-in leaf sets ``run`` (what to do with the parsed arguments) and ``parser`` (itself, for
usage errors found later) in the namespace.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from pyodk import api as _api
from pyodk._naming import underscore
from pyodk._version import __version__
from pyodk.cli.values import unicode_text

PROG = "pyodk"
OUTPUTS = ("json", "table")

#: Fills in a shell parser: (the tree, the shell, the path of command names that leads to it).
Filler = Callable[["CommandTree", argparse.ArgumentParser, tuple[str, ...]], None]

_DESCRIPTION = """\
The Oktawave API from the shell: every operation of every API class, and jobs that make, list,
restore and prune snapshots and follow their tickets.

  pyodk snapshot create 56 --name before-upgrade --wait
  pyodk snapshot prune --instance 56 --keep 5
  pyodk oci-snapshots snapshots-get --instance-id 56 --all-pages
  pyodk tickets tickets-get --status-id 137

Credentials come from the environment: OKTAWAVE_ACCESS_TOKEN, or OKTAWAVE_CLIENT_ID,
OKTAWAVE_CLIENT_SECRET, OKTAWAVE_USERNAME and OKTAWAVE_PASSWORD (a password grant); the API's
address from OKTAWAVE_ODK_API_URL or --api-url; OKTAWAVE_ODK_API_SKIP_TLS=1 skips certificate
checks. `python -m pyodk.testing` runs a fake API and prints the lines that set these.
"""

_EPILOG = """\
exit status: 0 done; 1 the API refused, the connection failed or a ticket failed; 2 usage error
(nothing was sent); 130 interrupted (Ctrl-C).
"""


class UsageError(Exception):
    """An argument problem found after parsing (a --body that does not fit, say): exit 2, shown
    the way argparse shows its own."""


class OutputError(Exception):
    """Standard output cannot take the result (it is closed, or its disk is full): exit 1."""


class CommandTree:
    """The top-level parser, and the shells not filled in yet, by their path of command names."""

    def __init__(self) -> None:
        self.parser = argparse.ArgumentParser(
            prog=PROG,
            description=_DESCRIPTION,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )
        self.parser.add_argument("--version", action="version", version=f"pyodk {__version__}")
        add_common_options(self.parser, top_level=True)
        self._shells: dict[tuple[str, ...], tuple[argparse.ArgumentParser, Filler]] = {}
        commands = self.add_commands(self.parser, "command", "COMMAND")
        from pyodk.cli import jobs  # the jobs' names and help only; they import nothing else

        for name, help_text, fill in jobs.GROUPS:
            self.add_shell(commands, (name,), help_text, fill)
        for class_name, count in _operation_counts().items():
            self.add_shell(
                commands,
                (api_command(class_name),),
                f"the {count} operation{'' if count == 1 else 's'} of {class_name}",
                _fill_api(class_name),
            )

    def add_commands(
        self, parser: argparse.ArgumentParser, dest: str, metavar: str
    ) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        return parser.add_subparsers(
            title=f"{metavar.lower()}s", dest=dest, metavar=metavar, required=True
        )

    def add_shell(
        self,
        commands: argparse._SubParsersAction[argparse.ArgumentParser],
        path: tuple[str, ...],
        help_text: str,
        fill: Filler,
    ) -> None:
        """A subcommand that stays an empty parser (no --help either) until it is chosen."""
        shell = commands.add_parser(path[-1], help=help_text, add_help=False, allow_abbrev=False)
        self._shells[path] = (shell, fill)

    def parse(self, argv: Sequence[str]) -> argparse.Namespace:
        """Fill in the shells the arguments choose, one level at a time, then parse for real.

        An empty shell takes any arguments as unknown, so each pass reaches one level deeper.
        The last pass is the real one: its values are kept, not parsed again, because a value
        may have been read from standard input (``--body @-``).
        """
        while True:
            chosen, unknown = self.parser.parse_known_args(argv)
            path = tuple(
                name
                for name in (getattr(chosen, "command", None), getattr(chosen, "subcommand", None))
                if name is not None
            )
            pending = next((path[:n] for n in (1, 2) if path[:n] in self._shells), None)
            if pending is None:
                if unknown:
                    self.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
                return chosen
            shell, fill = self._shells.pop(pending)
            shell.add_argument("-h", "--help", action="help", help="show this help and exit")
            fill(self, shell, pending)


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """The options every command takes, before or after its name.

    Below the top level their default is SUPPRESS: a subcommand's default would otherwise
    overwrite a value given before the subcommand's name.
    """

    def default(value: Any) -> Any:
        return value if top_level else argparse.SUPPRESS

    group = parser.add_argument_group("common options")
    group.add_argument(
        "-o",
        "--output",
        choices=OUTPUTS,
        default=default(None),
        help="json: the API's own JSON (the default when stdout is not a terminal); "
        "table: readable rows (the default on a terminal)",
    )
    target = group.add_mutually_exclusive_group()
    target.add_argument(
        "--api-url",
        type=unicode_text,
        metavar="URL",
        default=default(None),
        help="the API's base URL (default: OKTAWAVE_ODK_API_URL, else Oktawave's)",
    )
    target.add_argument(
        "--fake",
        action="store_true",
        default=default(False),
        help="run this one command against a fake API started in this process, seeded with "
        "example instances and snapshots; nothing is kept between commands",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log each request and answer on stderr (tokens and passwords redacted)",
    )


def api_command(class_name: str) -> str:
    """``OCISnapshotsApi`` -> ``oci-snapshots``: the class name in kebab case, without "Api"."""
    return underscore(class_name).removesuffix("_api").replace("_", "-")


def kebab(name: str) -> str:
    """``snapshots_get_0`` -> ``snapshots-get-0``; ``_date`` -> ``date``."""
    return name.strip("_").replace("_", "-")


def _operation_counts() -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(_api.__all__, 0)
    for _name, _method, _path, class_name in _api.OPERATION_INDEX:
        counts[class_name] += 1
    return counts


def _fill_api(class_name: str) -> Filler:
    def fill(tree: CommandTree, parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        from pyodk.cli import operations  # loads the one API module this command needs

        operations.fill_api(tree, parser, path, class_name)

    return fill
