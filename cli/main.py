"""The ``claimhouse`` command: one sub-command group per module, registered here."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

__all__ = ["main", "build_parser"]

# Each module defines register(subparsers) and sets a ``handler`` default on its parsers.
_COMMAND_MODULES = (
    "cli.edi_commands",       # validate, parse
    "cli.claims_commands",    # claims check, claims build
    "cli.service_commands",   # serve, demo, db, worker, exchange
    "cli.remit_commands",     # remit read, remit post
    "cli.exchange_commands",  # exchange submit/poll/rejections, worker
    "cli.audit_commands",     # audit verify, audit export
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimhouse",
        description="Healthcare claims EDI processor (X12 005010).")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except ValidationError as exc:
        _print_settings_errors(exc)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _print_settings_errors(exc: ValidationError) -> None:
    """A CLAIMHOUSE_* variable the settings refused, in words (never its value)."""
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if not message.startswith("CLAIMHOUSE_"):
            name = "_".join(str(part) for part in error["loc"]).upper()
            message = f"CLAIMHOUSE_{name}: {message}"
        print(f"claimhouse: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
