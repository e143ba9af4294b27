"""``claimhouse remit read FILE`` (a posting preview in words) and ``remit post FILE``.

Both read CLAIMHOUSE_DATABASE_URL (or ``--database-url``) to find our claims; ``read`` writes
nothing, ``post`` stores the file, posts it in one transaction and prints what it did. An
office's posting rules come from ``--rules FILE.json`` (see remittance.rules), by default
the file CLAIMHOUSE_POSTING_RULES_PATH names.

Posting the same payment from two places at once posts it once: the loser prints that it
was a duplicate (remittance.posting_keys). On SQLite, where one writer works at a time, a post
takes the write lock when its transaction begins and waits its turn (the busy timeout); if the
database stays busy longer it is tried again in a fresh transaction a few times, and then
refused in words.

Who posts is recorded on every change: ``--user NAME`` names a Claimhouse user, who must be
active and allowed to post payments; without it the post is recorded as the operating-system
account that ran the command (``cli:LOGIN``), which already holds the database itself.
"""

from __future__ import annotations

import argparse
import getpass
import random
import sys
import time
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from core.archive import large_file_dir, mark_processed, open_content, store_path
from core.db import SQLITE_BEGIN_OPTION, make_engine, make_session_factory, session_scope
from core.errors import PermissionDenied
from core.roles import Permission, has_permission
from core.settings import load_settings
from core.tables import User
from remittance import (
    ImportResult,
    PostingRules,
    RemittanceError,
    era_from_bytes_chunks,
    era_from_path,
    import_era,
    load_posting_rules,
    preview_lines,
)
from remittance.sources import EraSource

__all__ = ["register"]


#: Fresh transactions tried when SQLite says another writer got there first.
_BUSY_ATTEMPTS = 6


def _fail(message: str) -> int:
    print(f"claimhouse: {message}", file=sys.stderr)
    return 1


def _words(exc: Exception) -> str:
    # SQLAlchemy's own text carries the SQL statement and a link: the driver's message is
    # what a person needs.
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return f"the database refused the change: {str(exc.orig).strip().splitlines()[0]}"
    return str(exc)


def _database_busy(exc: BaseException) -> bool:
    """SQLite's SQLITE_BUSY family: another connection holds the write lock, or committed
    after this transaction first read."""
    orig = getattr(exc, "orig", None)
    return isinstance(exc, OperationalError) and (
        str(getattr(orig, "sqlite_errorname", "")).startswith("SQLITE_BUSY")
        or "database is locked" in str(orig))


def _rules(path: str | None) -> PostingRules:
    return load_posting_rules(path or load_settings().posting_rules_path)


def _engine(url: str | None) -> Engine:
    engine = make_engine(url or load_settings().effective_database_url)
    missing = {"claims", "remittances", "postings"} - set(inspect(engine).get_table_names())
    if missing:
        engine.dispose()
        raise RemittanceError(f"the database has no {', '.join(sorted(missing))} table(s); "
                              "run `claimhouse db upgrade` first")
    return engine


def _print(session: Session | None, era: EraSource, source: str, rules: PostingRules) -> None:
    sys.stdout.writelines(line + "\n" for line in preview_lines(session, era, source=source,
                                                                rules=rules))


def _read(args: argparse.Namespace) -> int:
    try:
        era = era_from_path(args.file)
        Path(args.file).open("rb").close()      # a missing file is said before anything else
        rules = _rules(args.rules)
        try:
            engine = _engine(args.database_url)
        except (RemittanceError, SQLAlchemyError) as exc:
            # A preview is still useful without our claims: show the money, match nothing.
            print(f"note: no claims to match against ({exc}); every claim shows as unmatched")
            _print(None, era, args.file, rules)
            return 0
        try:
            with session_scope(make_session_factory(engine)) as session:
                _print(session, era, args.file, rules)
                session.rollback()   # a preview writes nothing
        finally:
            engine.dispose()
    except (OSError, RemittanceError, SQLAlchemyError) as exc:
        return _fail(str(exc))
    return 0


def _poster(session: Session, username: str) -> str:
    """The name recorded on the postings: a user allowed to post, or the command's own account."""
    if not username:
        try:
            return f"cli:{getpass.getuser()}"[:64]
        except (KeyError, OSError):
            return "cli"
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        raise PermissionDenied(f"--user {username}: no active Claimhouse user by that name")
    if not has_permission(user.role, Permission.PAYMENTS_POST):
        raise PermissionDenied(f"--user {username}: the role {user.role} may not post payments "
                               f"({Permission.PAYMENTS_POST.value})")
    return user.username


def _post_once(factory: sessionmaker[Session], args: argparse.Namespace,
               rules: PostingRules) -> ImportResult:
    settings = load_settings()
    with session_scope(factory) as session:
        # SQLite: take the write lock at BEGIN and wait for it, rather than read first and be
        # refused at the first write because another post committed meanwhile.
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        poster = _poster(session, args.user)
        # Stored first (hashed while copied, never whole in memory), then posted from the
        # stored copy, whose SHA-256 is checked each time it is read.
        stored, _ = store_path(session, Path(args.file), direction="in",
                               source_name=args.file, kind="835",
                               archive_dir=settings.archive_dir,
                               large_dir=large_file_dir(settings))
        era = era_from_bytes_chunks(
            lambda: open_content(session, stored, settings.archive_dir))
        result = import_era(session, era, source=args.file, file_sha256=stored.sha256,
                            rules=rules, user=poster, stored_file_id=stored.id)
        mark_processed(session, stored)
    return result


def _post(args: argparse.Namespace) -> int:
    try:
        Path(args.file).open("rb").close()      # a missing file is said before anything else
        rules = _rules(args.rules)
        engine = _engine(args.database_url)
        try:
            factory = make_session_factory(engine)
            for attempt in range(1, _BUSY_ATTEMPTS + 1):
                try:
                    result = _post_once(factory, args, rules)
                    break
                except OperationalError as exc:
                    if not _database_busy(exc):
                        raise
                    if attempt == _BUSY_ATTEMPTS:
                        return _fail(f"{args.file}: the database stayed busy with other "
                                     f"changes ({attempt} attempts); nothing was posted, "
                                     "try again")
                    # All was rolled back; a fresh transaction sees what the other wrote.
                    time.sleep(random.uniform(0.05, 0.2) * attempt)
        finally:
            engine.dispose()
    except (OSError, ValueError, RemittanceError) as exc:
        return _fail(str(exc))
    except PermissionDenied as exc:
        return _fail(f"{exc}; nothing was posted")
    except SQLAlchemyError as exc:
        return _fail(f"{args.file}: {_words(exc)}; nothing was posted")
    for problem in result.file_problems:
        print(f"file: {problem}")
    for summary in result.remittances:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in summary.outcomes) or "nothing"
        print(f"payment {summary.trace_number} from {summary.payer}: "
              f"{summary.payment_amount:,.2f} -> {summary.status}; claims: {counts}; "
              f"{summary.denials} denial(s) queued; {summary.posted_amount:,.2f} posted")
        for problem in summary.problems:
            print(f"  {problem}")
    held = any(s.status == "held" for s in result.remittances)
    return 3 if held else 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    remit = subparsers.add_parser("remit", help="read and post 835 remittances")
    sub = remit.add_subparsers(dest="remit_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("file", help="the 835 file")
    common.add_argument("--database-url", help="SQLAlchemy URL (default: CLAIMHOUSE_DATABASE_URL)")
    common.add_argument("--rules", help="the office's posting rules (JSON; default: "
                                          "CLAIMHOUSE_POSTING_RULES_PATH)")
    read = sub.add_parser("read", parents=[common],
                          help="print what posting the file would do, in words")
    read.set_defaults(handler=_read)
    post = sub.add_parser("post", parents=[common],
                          help="post the file (exit 3 when a payment is held for review)")
    post.add_argument("--user", default="",
                      help="the Claimhouse user who posts (active, allowed to post payments); "
                           "recorded on every change. Default: cli:<your login>")
    post.set_defaults(handler=_post)
