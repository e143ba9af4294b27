"""``claimhouse claims check`` and ``claimhouse claims build``: claim JSON files to findings and
to an 837.

A JSON file holds one claim object, a list of them, or ``{"claims": [...]}`` (docs/claim-json.md).
``check`` prints what a payer would reject; ``build`` scrubs the same way, refuses to write
while any claim has errors (unless ``--force``), and writes the 837 through a temporary file
so a failed run never leaves half a file behind. ``secondary`` turns a claim and its primary
payer's adjudication (JSON) into the claim for the next payer.

Exit codes: 0 clean (notices and warnings allowed), 1 errors found (nothing written),
2 a file could not be read or a claim could not be understood.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from claims import (
    Claim,
    ClaimInputError,
    CodeSetError,
    CodeSets,
    CoordinationError,
    Finding,
    PriorPayerAdjudication,
    Submitter,
    adjudication_from_json,
    build_837,
    claim_from_json,
    claim_to_json,
    has_errors,
    load_code_sets,
    scrub,
    secondary_claim,
)
from core.settings import Settings, load_settings

__all__ = ["register", "check_command", "build_command", "secondary_command"]

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class _InputError(Exception):
    """A file or claim that cannot be read; the message names the file and the field."""


def _load_claims(path: Path) -> list[Claim]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise _InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise _InputError(f"{path}: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _InputError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg}") from None
    if isinstance(data, dict) and "claims" in data:
        items, prefix = data["claims"], "claims"
    elif isinstance(data, list):
        items, prefix = data, ""
    else:
        items, prefix = [data], None
    if not isinstance(items, list) or not items:
        raise _InputError(f"{path}: expected a claim object or a non-empty list of claims")
    claims = []
    for i, item in enumerate(items):
        try:
            claims.append(claim_from_json(item))
        except ClaimInputError as exc:
            where = "" if prefix is None else f"{prefix}[{i}]." if prefix else f"[{i}]."
            raise _InputError(f"{path}: {where}{exc}") from None
    return claims


def _code_sets(settings: Settings) -> CodeSets:
    try:
        return load_code_sets(
            cpt_path=settings.cpt_codes_path, hcpcs_path=settings.hcpcs_codes_path,
            taxonomy_path=settings.taxonomy_codes_path, pos_path=settings.pos_codes_path,
            icd10pcs_path=settings.icd10pcs_codes_path)
    except CodeSetError as exc:
        raise _InputError(str(exc)) from None


def _print_findings(path: Path, claim: Claim, findings: tuple[Finding, ...],
                    out: Any) -> None:
    counts = {s: sum(1 for f in findings if f.severity.value == s)
              for s in ("error", "warning", "info")}
    print(f"{path}: claim {claim.patient_control_number}: {counts['error']} error(s), "
          f"{counts['warning']} warning(s), {counts['info']} notice(s)", file=out)
    for f in findings:
        print(f"  {f.severity.value.upper():7} {f.rule_id}  {f.field}: {f.message}", file=out)


def _finding_json(path: Path, claim: Claim, findings: tuple[Finding, ...]) -> dict[str, Any]:
    return {"file": str(path), "patient_control_number": claim.patient_control_number,
            "findings": [{"rule_id": f.rule_id, "severity": f.severity.value,
                          "field": f.field, "message": f.message} for f in findings]}


def _scrub_files(args: argparse.Namespace) -> tuple[list[Claim], bool, int]:
    """Read and scrub every file: (claims, any errors?, exit code for unreadable input).

    Findings are printed as text, or collected and printed as one JSON array with ``--json``.
    """
    settings = load_settings()
    today = args.today or dt.date.today()
    try:
        code_sets = _code_sets(settings)
    except _InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return [], True, EXIT_UNREADABLE
    claims: list[Claim] = []
    report: list[dict[str, Any]] = []
    errors = False
    unreadable = False
    as_json = getattr(args, "json", False)
    for name in args.files:
        path = Path(name)
        try:
            loaded = _load_claims(path)
        except _InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            unreadable = True
            continue
        for claim in loaded:
            findings = scrub(claim, code_sets, today=today)
            errors = errors or has_errors(findings)
            shown = not args.quiet or has_errors(findings)
            if shown and as_json:
                report.append(_finding_json(path, claim, findings))
            elif shown:
                _print_findings(path, claim, findings, sys.stdout)
            claims.append(claim)
    if as_json:
        json.dump(report, sys.stdout, indent=2)
        print()
    return claims, errors, EXIT_UNREADABLE if unreadable else EXIT_OK


def check_command(args: argparse.Namespace) -> int:
    _, errors, status = _scrub_files(args)
    if status != EXIT_OK:
        return status
    return EXIT_ERRORS if errors else EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    phone = args.contact_phone or settings.submitter_phone
    email = args.contact_email or settings.submitter_email
    if not (phone or email):
        print("error: give --contact-phone or --contact-email (or set CLAIMHOUSE_SUBMITTER_PHONE"
              " / CLAIMHOUSE_SUBMITTER_EMAIL): the 837 tells the receiver whom to call about the "
              "file (loop 1000A PER)", file=sys.stderr)
        return EXIT_UNREADABLE
    claims, errors, status = _scrub_files(args)
    if status != EXIT_OK:
        print("nothing written: fix the files above first", file=sys.stderr)
        return status
    if errors and not args.force:
        print(f"nothing written: the claims above have errors a payer would reject; fix them "
              f"or pass --force to build {args.output} anyway", file=sys.stderr)
        return EXIT_ERRORS
    # ISA13 must differ between interchanges; without one from the caller, use the clock.
    control = args.control_number or int(time.time()) % 999_999_999 + 1
    submitter = Submitter(name=args.submitter_name or settings.submitter_name
                          or claims[0].billing_provider.last_name,
                          identifier=args.submitter_id or settings.submitter_id,
                          contact_name=args.contact_name or settings.submitter_contact,
                          phone=phone, email=email)
    try:
        text = build_837(
            claims, sender_id=settings.submitter_id, receiver_id=settings.receiver_id,
            sender_qualifier=settings.submitter_qualifier,
            receiver_qualifier=settings.receiver_qualifier,
            interchange_control_number=control, group_control_number=control,
            submitter=submitter,
            receiver_name=args.receiver_name or settings.receiver_name or settings.receiver_id,
            usage=args.usage or settings.usage_indicator)
    except ValueError as exc:
        print(f"error: {exc}; nothing written", file=sys.stderr)
        return EXIT_ERRORS
    output = Path(args.output)
    try:
        _write_atomically(output, text)
    except OSError as exc:
        print(f"error: {output}: cannot write ({exc.strerror}); nothing written",
              file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"wrote {output}: {len(claims)} claim(s), interchange control number {control}")
    return EXIT_OK


def _load_adjudication(path: Path) -> PriorPayerAdjudication:
    try:
        # Read as claim files are: a byte-order mark is allowed, other bytes must be UTF-8.
        return adjudication_from_json(json.loads(path.read_text(encoding="utf-8-sig")))
    except OSError as exc:
        raise _InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise _InputError(f"{path}: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _InputError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg}") from None
    except ClaimInputError as exc:
        raise _InputError(f"{path}: {exc}") from None


def secondary_command(args: argparse.Namespace) -> int:
    try:
        claims = _load_claims(Path(args.claim))
        payment = _load_adjudication(Path(args.payment))
    except _InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if len(claims) != 1:
        print(f"error: {args.claim}: holds {len(claims)} claims; give the one the payer "
              "settled", file=sys.stderr)
        return EXIT_UNREADABLE
    claim = claims[0]
    try:
        next_claim = secondary_claim(claim, payment)
    except CoordinationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    text = json.dumps(claim_to_json(next_claim), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        _write_atomically(Path(args.output), text)
        print(f"wrote {args.output}: claim {next_claim.patient_control_number} for "
              f"{next_claim.payer.name} (payer sequence {next_claim.responsibility})")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE.json", help="claim JSON files")
    parser.add_argument("--today", type=_date, help="judge dates as of this day (YYYY-MM-DD)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only claims with errors")


def register(subparsers: argparse._SubParsersAction) -> None:
    claims = subparsers.add_parser("claims", help="check claims and build 837 files")
    sub = claims.add_subparsers(dest="claims_command", metavar="ACTION")
    claims.set_defaults(handler=lambda _args: (claims.print_help(), EXIT_UNREADABLE)[1])

    check = sub.add_parser("check", help="print what a payer would reject in claim files")
    _common(check)
    check.add_argument("--json", action="store_true",
                       help="print the findings as one JSON array (for other programs)")
    check.set_defaults(handler=check_command)

    build = sub.add_parser("build", help="scrub claims and write one 837 interchange")
    _common(build)
    build.add_argument("-o", "--output", required=True, metavar="OUT.837")
    build.add_argument("--force", action="store_true",
                       help="write the file even when claims have errors")
    build.add_argument("--control-number", type=int,
                       help="ISA13 and GS06 (default: derived from the clock)")
    build.add_argument("--usage", choices=("T", "P"), help="ISA15 (default from settings)")
    build.add_argument("--submitter-name", help="1000A name (default: the billing provider)")
    build.add_argument("--submitter-id", help="1000A ETIN (default: CLAIMHOUSE_SUBMITTER_ID)")
    build.add_argument("--contact-name", default="", help="1000A PER contact name")
    build.add_argument("--contact-phone", default="", help="1000A PER telephone")
    build.add_argument("--contact-email", default="", help="1000A PER e-mail")
    build.add_argument("--receiver-name", help="1000B name (default: CLAIMHOUSE_RECEIVER_ID)")
    build.set_defaults(handler=build_command)

    secondary = sub.add_parser(
        "secondary", help="make the next payer's claim from a claim and its payer's payment")
    secondary.add_argument("claim", metavar="CLAIM.json", help="the claim the payer settled")
    secondary.add_argument("payment", metavar="PAYMENT.json",
                           help="that payer's adjudication (docs/claim-json.md)")
    secondary.add_argument("-o", "--output", default="-", metavar="OUT.json",
                           help="where to write the new claim (default: standard output)")
    secondary.set_defaults(handler=secondary_command)
