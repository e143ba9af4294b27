"""Commands that run the service: ``serve``, ``demo``, ``db upgrade|current`` and
``users add|list``. Configuration comes from CLAIMHOUSE_* environment variables (core.settings).

``demo`` loads the sample practice and posts its sample ERAs (samples/practice/era_*.835)
through the remittance importer, re-dated to the day the practice was loaded, so the payment
and denial screens have work on them; running it again posts nothing twice.

The web app is started by uvicorn from its factory (``api.asgi:app_from_environment``), by
import string: the command line and the web app are independent entry points.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

import migrations
from claims.codesets import load_code_sets
from claims.db.samples import load_practice, practice_day
from claims.db.service import create_claim
from claims.json_fields import ClaimInputError
from claims.scrubber import scrub
from core import archive, users
from core.db import make_engine, make_session_factory, session_scope
from core.errors import Conflict
from core.log_config import configure_logging
from core.roles import Role
from core.secret_key import MissingSecretKey, with_secret_key
from core.settings import Settings, load_settings
from core.tables import User
from edi.x12.segment import Segment
from edi.x12.tokenizer import parse_segments
from edi.x12.writer import serialize
from remittance import ImportResult, era_from_bytes_chunks, import_era, load_posting_rules

__all__ = ["register"]

_SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_APP_FACTORY = "api.asgi:app_from_environment"


def _prepare_database(settings: Settings, *, create: bool) -> str:
    """The database URL, migrated to the newest revision when ``create`` (or when it is the
    embedded SQLite default); otherwise refuse to start on an old schema."""
    url = settings.effective_database_url
    if create or not settings.database_url:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds PHI
        migrations.upgrade(url)
        return url
    current, head = migrations.current_revision(url), migrations.head_revision()
    if current != head:
        raise SystemExit(f"claimhouse: the database is at revision {current or 'none'}, the "
                         f"code needs {head}; run `claimhouse db upgrade` first")
    return url


def _secret_key(settings: Settings) -> str:
    """The token-signing secret: CLAIMHOUSE_SECRET_KEY, or on the embedded default a random
    one kept (owner-only) in the data directory so logins survive restarts. Refuses in words
    to serve a server database without one (there is no built-in key)."""
    try:
        return with_secret_key(settings).secret_key
    except (MissingSecretKey, OSError) as exc:
        raise SystemExit(f"claimhouse: {exc}") from None


def _run_server(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    # The server builds its own settings from the environment and finds the same key
    # (api.asgi); checked here first so a missing key is refused in words before uvicorn
    # starts. The kept key stays in its file, out of the process environment.
    _secret_key(settings)
    print(f"Serving Claimhouse on http://{host}:{port}/  (API docs: /api/docs)", flush=True)
    uvicorn.run(_APP_FACTORY, factory=True, host=host, port=port, log_config=None,
                access_log=True, proxy_headers=False)
    return 0


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    _prepare_database(settings, create=False)
    return _run_server(settings, args.host or settings.host, args.port or settings.port)


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    url = settings.effective_database_url
    if not settings.database_url:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds PHI
    migrations.upgrade(url, args.revision)
    print(f"database at revision {migrations.current_revision(url)}")
    return 0


def _db_current(args: argparse.Namespace) -> int:
    url = load_settings().effective_database_url
    current, head = migrations.current_revision(url), migrations.head_revision()
    print(f"current {current or 'none (empty database)'}; newest {head}")
    return 0 if current == head else 1


def _session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(settings.effective_database_url))


def _users_add(args: argparse.Namespace) -> int:
    settings = load_settings()
    _prepare_database(settings, create=False)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.username}: ")
        if password != getpass.getpass("Again: "):
            print("claimhouse: the two passwords differ", file=sys.stderr)
            return 2
    try:
        with session_scope(_session_factory(settings)) as session:
            user = users.create_user(session, username=args.username, password=password,
                                     role=args.role, full_name=args.full_name)
            print(f"created user {user.username} ({user.role})")
    except (Conflict, ValueError) as exc:
        print(f"claimhouse: {exc}", file=sys.stderr)
        return 1
    return 0


def _users_list(args: argparse.Namespace) -> int:
    settings = load_settings()
    with session_scope(_session_factory(settings)) as session:
        for user in users.list_users(session):
            state = "active" if user.active else "inactive"
            print(f"{user.username:20} {user.role:11} {state:8} {user.full_name}")
    return 0


ACTOR = "sample-practice"
_DEMO_USERS = (("admin", Role.ADMIN, "Demo Administrator"),
               ("biller", Role.BILLER, "Demo Biller"),
               ("poster", Role.POSTER, "Demo Payment Poster"),
               ("supervisor", Role.SUPERVISOR, "Demo Supervisor"))


def _demo_users(session) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Creates the demo users, or gives them fresh passwords: printed once, never stored."""
    printed = []
    for username, role, name in _DEMO_USERS:
        password = f"{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"
        existing = session.scalar(select(User).where(User.username == username))
        if existing is None:
            users.create_user(session, username=username, password=password, role=role,
                              full_name=name)
        else:
            users.set_password(session, existing.id, password)
            users.update_user(session, existing.id, active=True)
        printed.append((username, str(role), password))
    return printed


def _demo_claims(session) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """The sample claims of samples/claims, stored as drafts."""
    loaded, skipped = 0, []
    for path in sorted((_SAMPLES / "claims").glob("*.json")):
        document = json.loads(path.read_text())
        if "patient_control_number" not in document:
            continue        # an adjudication sample, not a claim
        try:
            with session.begin_nested():
                create_claim(session, document, actor=ACTOR)
            loaded += 1
        except (Conflict, ClaimInputError, ValueError) as exc:
            skipped.append(f"{path.name}: {exc}")
    return loaded, skipped


def _shift(seg: Segment, n: int, days: dt.timedelta, fmt: str, source: str) -> Segment:
    value = seg.get(n)
    if not value:
        return seg
    try:
        moved = (dt.datetime.strptime(value, fmt).date() + days).strftime(fmt)
    except ValueError as exc:
        raise ValueError(f"{source}: segment {seg.position} {seg.tag}{n:02d} {value!r} is not "
                         "a date") from exc
    elements = list(seg.elements)
    elements[n - 1] = moved
    return seg._replace(elements=tuple(elements))


def _redated(text: str, source: str, day: dt.date) -> str:
    """The sample ERA as if produced on ``day``: every date moves by the distance between its
    GS04 and ``day`` (ISA09, GS04, BPR16 and each DTM02), so its service dates meet the sample
    claims, which are dated relative to the day the practice was loaded."""
    segments = parse_segments(text, source)
    gs = next((seg for seg in segments if seg.tag == "GS" and seg.get(4)), None)
    if gs is None:
        raise ValueError(f"{source}: no GS04 date to re-date the file from")
    produced = _shift(gs, 4, dt.timedelta(0), "%Y%m%d", source).get(4)
    days = day - dt.datetime.strptime(produced, "%Y%m%d").date()
    where = {"ISA": (9, "%y%m%d"), "GS": (4, "%Y%m%d"), "BPR": (16, "%Y%m%d"),
             "DTM": (2, "%Y%m%d")}
    out = [_shift(seg, where[seg.tag][0], days, where[seg.tag][1], source)
           if seg.tag in where else seg for seg in segments]
    return serialize(out, line_breaks=True)


def _demo_remittances(session, settings: Settings, day: dt.date  # type: ignore[no-untyped-def]
                      ) -> tuple[list[ImportResult], int]:
    """Posts the sample ERAs (samples/practice/era_*.835) through the importer, as an office
    posts an upload: stored by SHA-256 first, then imported once from the stored copy.
    Returns what was imported now and how many files were imported by an earlier run."""
    rules = load_posting_rules(settings.posting_rules_path)
    imported, before = [], 0
    for path in sorted((_SAMPLES / "practice").glob("era_*.835")):
        content = _redated(path.read_text(encoding="ascii"), path.name, day).encode("ascii")
        stored, _ = archive.store_file(
            session, content, direction=archive.Direction.IN, kind="835",
            source_name=f"sample-practice:{path.name}", archive_dir=settings.archive_dir,
            large_dir=archive.large_file_dir(settings))
        claimed = archive.claim_for_processing(session, stored.id)
        if claimed is None:
            before += 1
            continue
        # Posted from the stored copy, as the exchange and an upload post a file.
        era = era_from_bytes_chunks(
            lambda row=claimed: archive.open_content(session, row, settings.archive_dir))
        imported.append(import_era(session, era, source=stored.source_name,
                                   file_sha256=stored.sha256, rules=rules, user=ACTOR,
                                   stored_file_id=stored.id))
        archive.mark_processed(session, claimed)
    return imported, before


def _remittance_line(imported: list[ImportResult], before: int) -> str:
    summaries = [r for result in imported for r in result.remittances]
    new = [r for r in summaries if r.status != "duplicate"]
    if not new:
        return (f"Sample remittances: nothing new to post ({before + len(imported)} ERA file(s) "
                "imported before)")
    paid = sum((r.posted_amount for r in new), Decimal("0"))
    counts = {name: sum(r.count(name) for r in new)
              for name in ("posted", "held", "unmatched")}
    held = sum(1 for r in new if r.status == "held")
    return (f"Sample remittances: {len(new)} ERA(s) imported, {held} held for review; "
            f"{counts['posted']} claim payment(s) posted for ${paid:,.2f}, "
            f"{counts['held']} held, {counts['unmatched']} unmatched; "
            f"{sum(r.denials for r in new)} denial(s) found")


def _demo(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    url = _prepare_database(settings, create=True)
    # The server process reads its settings from the environment: point it at this database.
    os.environ["CLAIMHOUSE_DATABASE_URL"] = url
    # An 837 names whom to call about the file (1000A PER); the demo office gets a fictional
    # contact unless the operator set one, so "submit" works out of the box.
    if not (settings.submitter_phone or settings.submitter_email):
        os.environ.setdefault("CLAIMHOUSE_SUBMITTER_NAME", "Sample Billing Office")
        os.environ.setdefault("CLAIMHOUSE_SUBMITTER_PHONE", "5555550100")
    code_sets = load_code_sets(cpt_path=settings.cpt_codes_path,
                               hcpcs_path=settings.hcpcs_codes_path,
                               taxonomy_path=settings.taxonomy_codes_path,
                               pos_path=settings.pos_codes_path,
                               icd10pcs_path=settings.icd10pcs_codes_path)
    with session_scope(_session_factory(settings)) as session:
        credentials = _demo_users(session)
        practice = json.loads((_SAMPLES / "practice" / "practice.json").read_text())
        summary = load_practice(session, practice, scrubber=lambda c: scrub(c, code_sets))
        extra, skipped = _demo_claims(session)
        imported, before = _demo_remittances(
            session, settings, practice_day(session, practice) or dt.date.today())
    print(f"Database: {url}")
    print(f"Sample practice: {summary.patients} patients, {summary.payers} payers, "
          f"{summary.providers} providers, {summary.claims} claims added "
          f"({summary.skipped_claims} already there); {extra} sample claims from "
          "samples/claims")
    for line in skipped:
        print(f"  not loaded: {line}")
    print(_remittance_line(imported, before))
    print("Demo users (passwords are new on every run):")
    for username, role, password in credentials:
        print(f"  {username:11} {role:11} {password}")
    if settings.broker_url:
        print(f"Tasks go to the broker at {settings.broker_url}")
    else:
        print("Tasks run in-process (no CLAIMHOUSE_BROKER_URL)")
    if args.no_serve:
        return 0
    return _run_server(settings, args.host or settings.host, args.port or settings.port)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser("serve", help="serve the web app and JSON API")
    serve.add_argument("--host", default=None, help="address to bind (CLAIMHOUSE_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (CLAIMHOUSE_PORT)")
    serve.set_defaults(handler=_serve)

    demo = subparsers.add_parser(
        "demo", help="create the SQLite database, load the sample practice and serve it")
    demo.add_argument("--host", default=None)
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--no-serve", action="store_true", help="set up and load, then exit")
    demo.set_defaults(handler=_demo)

    db = subparsers.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="migrate the database to the newest revision")
    up.add_argument("--revision", default="head")
    up.set_defaults(handler=_db_upgrade)
    db_sub.add_parser("current", help="show the database's revision").set_defaults(
        handler=_db_current)

    user_cmd = subparsers.add_parser("users", help="manage users")
    user_sub = user_cmd.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--full-name", default="")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.set_defaults(handler=_users_add)
    user_sub.add_parser("list", help="list users").set_defaults(handler=_users_list)
