"""The appeal letter PDF: a real PDF with the claim, the denial and the payer filled in."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from remit_practice import sample_text
from sqlalchemy.orm import Session

from claims.db.tables import ClaimStatusChange
from remittance import QueueError, appeal_letter_pdf, import_era, list_denials


def _text(pdf: bytes) -> str:
    """The text shown by the PDF's content streams (fpdf2 writes one Tj string per run)."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        shown += re.findall(rb"\((.*?)\) ?Tj", stream, re.S)
    return " ".join(s.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
                    for s in shown)


def test_appeal_letter_contains_the_claim_facts(session: Session,
                                                practice: dict[str, int]) -> None:
    import_era(session, sample_text("era_basic.835"), source="b", file_sha256="b")
    denial = next(d for d in list_denials(session) if d.patient_control_number == "C1003")
    pdf = appeal_letter_pdf(session, denial.denial_id, signer="Maria Lopez, billing manager",
                            today=dt.date(2026, 4, 20))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = _text(pdf)
    for fact in ("RIVERSIDE FAMILY PRACTICE", "NPI 1234567893", "MEDICARE PART B",
                 "Medicare Part B Redeterminations", "ANNA SMITH", "Member ID: 3GJ6VG7PM95",
                 "Our claim number: C1003", "Payer claim number: ICN1003",
                 "EFT202604100001", "04/10/2026", "Amount in dispute: $200.00",
                 "Appeal deadline: 08/08/2026", "99203", "200.00",
                 "CO 29 time limit for filing has expired", "acceptance reports",
                 "Maria Lopez, billing manager", "04/20/2026"):
        assert fact in text, fact


def test_timely_filing_letter_names_the_acceptance(session: Session,
                                                  practice: dict[str, int]) -> None:
    session.add(ClaimStatusChange(
        claim_id=practice["C1003"], from_status="clearinghouse_accepted",
        to_status="payer_accepted", actor="277CA",
        at=dt.datetime(2026, 3, 9, 15, tzinfo=dt.UTC)))
    session.flush()
    import_era(session, sample_text("era_basic.835"), source="b", file_sha256="b")
    denial = next(d for d in list_denials(session) if d.patient_control_number == "C1003")
    assert denial.action == "appeal"
    text = _text(appeal_letter_pdf(session, denial.denial_id, compress=False))
    assert ("The claim was filed within the filing limit: it was accepted by the payer's "
            "277CA on 2026-03-09, 5 days after the service date 2026-03-04 (filing limit 365 "
            "days).") in " ".join(text.split())


def test_uncompressed_letter_for_inspection(session: Session,
                                            practice: dict[str, int]) -> None:
    import_era(session, sample_text("era_basic.835"), source="b", file_sha256="b")
    denial = list_denials(session)[0]
    pdf = appeal_letter_pdf(session, denial.denial_id, compress=False)
    assert b"Our claim number: C1002" in pdf
    assert b"CO 97 included in another service" in pdf


def test_a_missing_denial_is_a_queue_error(session: Session) -> None:
    with pytest.raises(QueueError, match="denial 424242 does not exist"):
        appeal_letter_pdf(session, 424242)
