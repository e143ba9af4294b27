"""``claimhouse exchange submit | poll | rejections`` and ``claimhouse worker``.

Thin adapters over the exchange's units of work (:mod:`clearinghouse.cycle`). With
CLAIMHOUSE_BROKER_URL empty the follow-up work (sending a batch, processing the received files)
runs right here after the commit; with a broker it is handed to the workers by task name, after
the commit. The command line does not import the worker package (the layers contract keeps
cli, api and worker side by side); ``claimhouse worker`` starts Celery on ``worker.app``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from claims.acknowledgments import rejection_queue
from claims.db.tables import Submission
from clearinghouse import cycle, outbound
from clearinghouse.errors import ExchangeError
from clearinghouse.transports import transport_from_settings
from core.archive import large_file_dir
from core.db import make_engine, make_session_factory, session_scope
from core.settings import Settings, load_settings
from core.tables import StoredFile
from remittance import RemittanceError, load_posting_rules

__all__ = ["register", "worker_argv"]

#: The worker's queue and task names (worker.app / worker.tasks).
QUEUE = "claimhouse"
SEND_SUBMISSION = "claimhouse.send_submission"
POLL_MAILBOX = "claimhouse.poll_mailbox"


def _fail(message: str) -> int:
    print(f"claimhouse: {message}", file=sys.stderr)
    return 1


def _missing_tables(exc: Exception) -> int:
    return _fail(f"the database is not ready ({str(exc).splitlines()[0]}); "
                 "run `claimhouse db upgrade` first")


def _sessions(settings: Settings) -> sessionmaker[Session]:
    if not settings.database_url:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds PHI
    return make_session_factory(make_engine(settings.effective_database_url))


def _send_task(settings: Settings, name: str, *args: object) -> None:
    from celery import Celery  # only with a broker configured: Celery takes 0.15 s to import

    client = Celery("claimhouse", broker=settings.broker_url, set_as_current=False)
    client.send_task(name, args=list(args), queue=QUEUE)


def _submit(args: argparse.Namespace) -> int:
    settings = load_settings()
    factory = _sessions(settings)
    try:
        with session_scope(factory) as session:
            batches = outbound.submit_ready_claims(session, settings, claim_ids=args.claim,
                                                   actor=args.actor)
        if not batches:
            print("no ready claims to submit")
            return 0
        # The batches are committed; only now may anything act on them.
        if settings.broker_url:
            for batch in batches:
                _send_task(settings, SEND_SUBMISSION, batch.submission_id)
        else:
            with transport_from_settings(settings) as transport:
                cycle.send_unsent(factory, transport, archive_dir=settings.archive_dir)
    except ExchangeError as exc:
        return _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        return _missing_tables(exc)
    with factory() as session:
        for batch in batches:
            status = session.scalar(select(Submission.status)
                                    .where(Submission.id == batch.submission_id))
            print(f"submission {batch.submission_id}: interchange "
                  f"{batch.interchange_control_number:09d}, {len(batch.claim_ids)} "
                  f"{batch.kind} claim(s), file {batch.file_name}: {status}")
    return 0


def _poll(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.broker_url and not args.here:
        _send_task(settings, POLL_MAILBOX)
        print("mailbox poll queued for the workers")
        return 0
    factory = _sessions(settings)
    try:
        with factory() as session:
            last_id = session.scalar(select(StoredFile.id).order_by(StoredFile.id.desc())) or 0
        rules = load_posting_rules(settings.posting_rules_path)
        with transport_from_settings(settings) as transport:
            result = cycle.poll_mailbox(factory, transport, archive_dir=settings.archive_dir,
                                        large_dir=large_file_dir(settings))
        for file_id in result.pending_file_ids:
            cycle.process_stored_file(factory, file_id, archive_dir=settings.archive_dir,
                                      posting_rules=rules)
    except (ExchangeError, RemittanceError) as exc:
        return _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        return _missing_tables(exc)
    print(f"sent {result.sent} submission(s), received {result.received} new file(s), "
          f"processed {len(result.pending_file_ids)} file(s)")
    with factory() as session:
        for stored in session.scalars(select(StoredFile).where(
                StoredFile.id > last_id, StoredFile.direction == "in").order_by(StoredFile.id)):
            note = f" - {stored.error}" if stored.error else ""
            print(f"  {stored.source_name} ({stored.kind or '?'}): {stored.status}{note}")
    return 0


def _rejections(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        with _sessions(settings)() as session:
            items = rejection_queue(session, limit=args.limit)
    except (OperationalError, ProgrammingError) as exc:
        return _missing_tables(exc)
    if not items:
        print("no rejected claims")
    for item in items:
        print(f"{item.patient_control_number}  {item.status.replace('_', ' ')}")
        if item.reason:
            print(f"    {item.reason}")
        for number, reason in item.rejected_lines:
            print(f"    line {number}: {reason}")
    return 0


def worker_argv(args: argparse.Namespace, data_dir: Path) -> list[str]:
    """The ``celery worker`` arguments for the ``claimhouse worker`` options."""
    argv = ["worker", "-Q", QUEUE, f"--loglevel={args.loglevel}",
            f"--concurrency={args.concurrency}", f"--pool={args.pool}"]
    if args.beat:
        # The schedule's state file lives with the data, not in the current directory.
        argv += ["--beat", f"--schedule={data_dir / 'celerybeat-schedule'}"]
    return argv


def _worker(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.broker_url:
        return _fail("CLAIMHOUSE_BROKER_URL is not set: without a broker tasks run in-process "
                     "and no worker is needed")
    # The worker reads the same CLAIMHOUSE_* environment (worker.app builds its settings).
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds PHI
    argv = [sys.executable, "-m", "celery", "-A", "worker.app",
            *worker_argv(args, settings.data_dir)]
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0    # not reached


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    exchange = subparsers.add_parser(
        "exchange", help="clearinghouse exchange: submit batches, poll the mailbox")
    commands = exchange.add_subparsers(dest="exchange_command", metavar="COMMAND")
    submit = commands.add_parser("submit", help="batch the ready claims into 837s and send them")
    submit.add_argument("--claim", type=int, action="append", metavar="ID",
                        help="only this claim id (repeatable); default: every ready claim")
    submit.add_argument("--as", dest="actor", default="system",
                        help="who is recorded as submitting (default: system)")
    submit.set_defaults(handler=_submit)
    poll = commands.add_parser(
        "poll", help="send unsent batches, fetch and process the mailbox's files")
    poll.add_argument("--here", action="store_true",
                      help="poll in this process even when a broker is configured")
    poll.set_defaults(handler=_poll)
    rejections = commands.add_parser("rejections", help="list claims waiting to be corrected")
    rejections.add_argument("--limit", type=int, default=100)
    rejections.set_defaults(handler=_rejections)
    exchange.set_defaults(handler=lambda _args: exchange.print_help() or 2)

    worker = subparsers.add_parser("worker", help="run a Celery worker for the exchange tasks")
    worker.add_argument("--beat", action="store_true",
                        help="also poll the mailbox on a schedule (every 5 minutes)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--pool", default="prefork", choices=("prefork", "solo", "threads"))
    worker.add_argument("--loglevel", default="INFO")
    worker.set_defaults(handler=_worker)
