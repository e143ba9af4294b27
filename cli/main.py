"""The ``claimhouse`` command: one sub-command group per module, registered on demand.

Start-up is what a user waits for before any work begins, so the top level knows its commands
from a table (name, one-line help, the module that implements it) and imports only the module of
the command asked for; that module then registers its own parsers. ``claimhouse --help`` imports
no command module, and ``claimhouse validate`` imports the X12 engine but not the database,
web, PDF or task-queue libraries the other commands need.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main", "build_parser"]

_DESCRIPTION = "Healthcare claims EDI processor (X12 005010)."

# (command, help shown by ``claimhouse --help``, module whose register(subparsers) adds it).
# Each module registers all of its commands at once, so a module's commands are listed together,
# in the order it registers them; the help must be the one the module gives (a test compares).
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("validate", "check X12 files and explain every problem found", "cli.edi_commands"),
    ("parse", "print the loop tree of an X12 file", "cli.edi_commands"),
    ("claims", "check claims and build 837 files", "cli.claims_commands"),
    ("serve", "serve the web app and JSON API", "cli.service_commands"),
    ("demo", "create the SQLite database, load the sample practice and serve it",
     "cli.service_commands"),
    ("db", "database migrations", "cli.service_commands"),
    ("users", "manage users", "cli.service_commands"),
    ("remit", "read and post 835 remittances", "cli.remit_commands"),
    ("exchange", "clearinghouse exchange: submit batches, poll the mailbox",
     "cli.exchange_commands"),
    ("worker", "run a Celery worker for the exchange tasks", "cli.exchange_commands"),
    ("audit", "prove and export the access audit log", "cli.audit_commands"),
)
_MODULE_OF = {name: module for name, _, module in _COMMANDS}


def _parser(load: set[str]) -> argparse.ArgumentParser:
    """The command line with the modules in ``load`` registered in full; every other command
    is there by name and help only, so it is listed and offered without being imported."""
    parser = argparse.ArgumentParser(prog="claimhouse", description=_DESCRIPTION)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    registered: set[str] = set()
    for name, help_text, module_name in _COMMANDS:
        if module_name not in load:
            subparsers.add_parser(name, help=help_text)
        elif module_name not in registered:
            importlib.import_module(module_name).register(subparsers)
            registered.add(module_name)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, every command module imported and registered (for tests and
    documentation; :func:`main` loads only the command it runs)."""
    return _parser({module for _, _, module in _COMMANDS})


def _command_named(argv: Sequence[str]) -> str | None:
    # The top level has no option that takes a value, so the first word that is not an option
    # is the command (argparse refuses it later when it is not one of ours).
    for word in argv:
        if not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    module = _MODULE_OF.get(_command_named(args_in) or "")
    parser = _parser({module} if module else set())
    args = parser.parse_args(args_in)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if not _is_settings_error(exc):
            raise
        _print_settings_errors(exc)
        return 2


def _is_settings_error(exc: Exception) -> bool:
    # Settings are pydantic models, but most commands never load pydantic: an exception can
    # only be its ValidationError when pydantic is already imported, so look it up there.
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(exc, pydantic.ValidationError)


def _print_settings_errors(exc: Exception) -> None:
    """A CLAIMHOUSE_* variable the settings refused, in words (never its value)."""
    for error in exc.errors():  # type: ignore[attr-defined]
        message = str(error["msg"]).removeprefix("Value error, ")
        if not message.startswith("CLAIMHOUSE_"):
            name = "_".join(str(part) for part in error["loc"]).upper()
            message = f"CLAIMHOUSE_{name}: {message}"
        print(f"claimhouse: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
