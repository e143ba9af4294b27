"""``claimhouse exchange submit | poll | rejections`` and ``claimhouse worker``.

Thin adapters: each builds the settings and the Celery app, opens one unit of work and calls the
exchange services or tasks. With CLAIMHOUSE_BROKER_URL empty the follow-up tasks (sending a
batch, processing a received file) run right here after the commit; with a broker they are
queued for the workers.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from claims.acknowledgments import rejection_queue
from claims.db.tables import Submission
from clearinghouse import outbound
from clearinghouse.errors import ExchangeError
from core.db import session_scope
from core.settings import load_settings
from core.tables import StoredFile
from worker.app import QUEUE, create_app
from worker.enqueue import enqueue_after_commit
from worker.runtime import build_runtime

__all__ = ["register"]


def _fail(message: str) -> int:
    print(f"claimhouse: {message}", file=sys.stderr)
    return 1


def _missing_tables(exc: Exception) -> int:
    return _fail(f"the database is not ready ({str(exc).splitlines()[0]}); "
                 "run `claimhouse db upgrade` first")


def _submit(args: argparse.Namespace) -> int:
    settings = load_settings()
    runtime = build_runtime(settings)
    app = create_app(settings, runtime)
    send = app.tasks["claimhouse.send_submission"]
    try:
        with session_scope(runtime.session_factory) as session:
            batches = outbound.submit_ready_claims(session, settings, claim_ids=args.claim,
                                                   actor=args.actor)
            for batch in batches:
                enqueue_after_commit(session, send, batch.submission_id)
    except ExchangeError as exc:
        return _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        return _missing_tables(exc)
    if not batches:
        print("no ready claims to submit")
        return 0
    with runtime.session_factory() as session:
        for batch in batches:
            status = session.scalar(select(Submission.status)
                                    .where(Submission.id == batch.submission_id))
            print(f"submission {batch.submission_id}: interchange "
                  f"{batch.interchange_control_number:09d}, {len(batch.claim_ids)} "
                  f"{batch.kind} claim(s), file {batch.file_name}: {status}")
    return 0


def _poll(args: argparse.Namespace) -> int:
    settings = load_settings()
    runtime = build_runtime(settings)
    app = create_app(settings, runtime)
    try:
        with runtime.session_factory() as session:
            last_id = session.scalar(select(StoredFile.id).order_by(StoredFile.id.desc())) or 0
        result = app.tasks["claimhouse.poll_mailbox"].apply(throw=True).get()
    except ExchangeError as exc:
        return _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        return _missing_tables(exc)
    if not result:
        return _fail("the mailbox could not be reached; see the log, the next poll retries")
    print(f"sent {result['sent']} submission(s), received {result['received']} new file(s), "
          f"{result['queued']} file(s) to process")
    with runtime.session_factory() as session:
        for stored in session.scalars(select(StoredFile).where(
                StoredFile.id > last_id, StoredFile.direction == "in").order_by(StoredFile.id)):
            note = f" - {stored.error}" if stored.error else ""
            print(f"  {stored.source_name} ({stored.kind or '?'}): {stored.status}{note}")
    return 0


def _rejections(args: argparse.Namespace) -> int:
    settings = load_settings()
    runtime = build_runtime(settings)
    try:
        with runtime.session_factory() as session:
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


def worker_argv(args: argparse.Namespace) -> list[str]:
    """The ``celery worker`` arguments for the ``claimhouse worker`` options."""
    argv = ["worker", "-Q", QUEUE, f"--loglevel={args.loglevel}",
            f"--concurrency={args.concurrency}", f"--pool={args.pool}"]
    if args.beat:
        argv.append("--beat")
    return argv


def _worker(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.broker_url:
        return _fail("CLAIMHOUSE_BROKER_URL is not set: without a broker tasks run in-process "
                     "and no worker is needed")
    create_app(settings).worker_main(worker_argv(args))
    return 0


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
    commands.add_parser(
        "poll", help="send unsent batches, fetch and process the mailbox's files"
    ).set_defaults(handler=_poll)
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
