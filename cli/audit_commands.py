"""``claimhouse audit verify`` and ``claimhouse audit export``.

``verify`` walks the whole hash chain and names the first missing or changed entry (exit 1).
``export`` writes the entries for a patient and/or a range of days as CSV or JSON; the export
is itself recorded in the log, before the first line is written, under ``--user`` (by default
the operating-system account running the command).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from core import audit
from core.audit import Action, Actor
from core.audit_export import ExportFormat, ExportQuery, render_lines
from core.db import make_engine, make_session_factory
from core.settings import load_settings

__all__ = ["register"]


def _fail(message: str, code: int = 2) -> int:
    print(f"claimhouse: {message}", file=sys.stderr)
    return code


def _factory(url: str | None) -> sessionmaker[Session]:
    engine = make_engine(url or load_settings().effective_database_url)
    if "audit_log" not in inspect(engine).get_table_names():
        raise LookupError("the database has no audit_log table; run `claimhouse db upgrade` "
                          "first")
    return make_session_factory(engine)


def _verify(args: argparse.Namespace) -> int:
    try:
        factory = _factory(args.database_url)
        with factory() as session:
            report = audit.verify_chain(session)
    except (LookupError, SQLAlchemyError) as exc:
        return _fail(str(exc))
    if not report.ok:
        print(f"audit log broken: {report.problem}")
        print(f"the first {report.entries} entries add up (through entry {report.head_seq})")
        return 1
    print(f"audit log intact: {report.entries} entries, the last is entry {report.head_seq}; "
          f"chain hash {report.head_hash}")
    return 0


def _patient(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a patient id (1 to 2147483647)")
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        yield handle


def _export(args: argparse.Namespace) -> int:
    try:
        query = ExportQuery.of(args.patient, args.from_day, args.to_day)
    except ValueError as exc:
        return _fail(str(exc))
    fmt = ExportFormat(args.format)
    actor = Actor(args.user or f"os:{getpass.getuser()}"[:64], route="claimhouse audit export")
    try:
        factory = _factory(args.database_url)
        with factory() as session:
            count = sum(1 for _ in query.entries(session))
        # Recorded (and committed) before any entry leaves the database.
        with factory.begin() as session:
            audit.record(session, actor, Action.EXPORT, "audit_log",
                         patient_id=query.patient_id, detail=query.describe(count, fmt))
        with factory() as session, _output(args.output) as out:
            for piece in render_lines(query.entries(session), fmt):
                out.write(piece)
    except (LookupError, SQLAlchemyError, OSError) as exc:
        return _fail(str(exc))
    if args.output not in (None, "-"):
        print(f"{count} entries written to {args.output}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = subparsers.add_parser("audit", help="prove and export the access audit log")
    sub = group.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="SQLAlchemy URL (default: CLAIMHOUSE_DATABASE_URL)")
    verify = sub.add_parser("verify", parents=[common],
                            help="walk the hash chain; exit 1 naming the first broken entry")
    verify.set_defaults(handler=_verify)
    export = sub.add_parser("export", parents=[common],
                            help="the entries for a patient and/or a range of days (audited)")
    export.add_argument("--patient", type=_patient, help="patient id")
    export.add_argument("--from", dest="from_day", type=_day, help="first day (UTC), YYYY-MM-DD")
    export.add_argument("--to", dest="to_day", type=_day, help="last day (UTC), inclusive")
    export.add_argument("--format", choices=[f.value for f in ExportFormat], default="csv")
    export.add_argument("-o", "--output", help="write here instead of standard output")
    export.add_argument("--user", help="who exports (recorded; default: os:<login name>)")
    export.set_defaults(handler=_export)
