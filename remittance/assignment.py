"""Working the unmatched queue: a person names the claim a payment belongs to, and it posts.

A claim payment lands on the unmatched queue when nothing ties it to a claim of ours (a payer
that mangled CLP01, a claim keyed under another number). Once someone finds the claim, the
payment is planned again from the remittance text against that claim, exactly as an import
would have (line matching, posting rules, denials, lifecycle), and stored in place of the
unmatched rows. It posts under the same posting key as an import (remittance.posting_keys): a
payment whose CLP01 + CLP07 is posted already becomes a duplicate. Like every service here it
takes a session and never commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.tables import utcnow
from edi.errors import X12Error
from edi.parsers.remit835 import read_835
from remittance.bulk import insert_rows
from remittance.errors import QueueError
from remittance.importer import denial_rows, posting_rows
from remittance.lifecycle import apply_postings, posted_claim
from remittance.lookup import load_snapshots
from remittance.matching import ClaimIndex
from remittance.posting import ClaimPosting, Outcome, plan_claim
from remittance.posting_keys import PostingKeys, payment_key, retry_on_conflict
from remittance.queues import ReleaseResult
from remittance.rules import DEFAULT_RULES, PostingRules
from remittance.tables import (
    ClaimPaymentRecord,
    DenialRecord,
    PostingRecord,
    RemittanceRecord,
)
from remittance.timely_filing import load_filing_history, needs_filing_history

__all__ = ["assign_claim_payment"]


def assign_claim_payment(session: Session, claim_payment_id: int, claim_id: int, *,
                         era_text: str, user: str, rules: PostingRules | None = None,
                         note: str = "") -> ReleaseResult:
    """Post an unmatched claim payment to ``claim_id``.

    ``era_text`` is the remittance file the payment came from (the caller reads it from the
    file archive). Returns how it went: posted, or still held with the reasons.
    """
    # Locked: two people assigning the same payment at once post it once.
    record = session.get(ClaimPaymentRecord, claim_payment_id, with_for_update=True,
                         populate_existing=True)
    if record is None:
        raise QueueError(f"claim payment {claim_payment_id} does not exist")
    if record.outcome != "unmatched":
        raise QueueError(f"claim payment {claim_payment_id} is {record.outcome}, not unmatched")
    remit_record = session.get(RemittanceRecord, record.remittance_id)
    assert remit_record is not None
    snapshots = load_snapshots(session, [claim_id])
    if not snapshots:
        raise QueueError(f"claim {claim_id} does not exist")
    try:
        era = read_835(era_text, remit_record.source)
    except X12Error as exc:
        raise QueueError(f"{remit_record.source}: cannot be read again: {exc}") from exc
    found = [(remit, payment) for remit in era.remittances
             if remit.control_number == remit_record.control_number
             for payment in remit.claims if payment.position == record.position]
    if len(found) != 1 or found[0][1].patient_control_number != record.patient_control_number:
        raise QueueError(f"{remit_record.source} is not the file claim payment "
                         f"{claim_payment_id} came from")
    remit, payment = found[0]
    posting = plan_claim(remit, payment, ClaimIndex(()), rules or DEFAULT_RULES,
                         assigned=snapshots[0])
    return retry_on_conflict(
        session, lambda: _store_assignment(session, record, remit_record, remit.payment_date,
                                           posting, claim_id, user, note,
                                           snapshots[0].patient_control_number),
        what=f"claim payment {claim_payment_id}")


def _store_assignment(session: Session, record: ClaimPaymentRecord,
                      remit_record: RemittanceRecord, payment_date: dt.date | None,
                      posting: ClaimPosting, claim_id: int, user: str, note: str,
                      claim_number: str) -> ReleaseResult:
    key = payment_key(record.patient_control_number, record.payer_claim_number)
    keys = PostingKeys.load(session, [key[0]])
    held = posting.outcome is not Outcome.POSTED or remit_record.status == "held"
    reasons = list(posting.reasons)
    if remit_record.status == "held":
        reasons.append("the remittance is out of balance and waits for review")
    reversal = posting.is_reversal
    if reversal and keys.net[key] <= 0 and not held:
        held = True
        reasons.append(f"reversal of payer claim {key[1] or '(none)'}, which was never "
                       "posted here")
    duplicate = not reversal and keys.net[key] > 0
    if duplicate:
        reasons.insert(0, "already posted from an earlier remittance")
    reasons.append(f"assigned to claim {claim_number} by {user}" + (f": {note}" if note else ""))
    session.execute(delete(PostingRecord).where(
        PostingRecord.claim_payment_id == record.id))
    session.execute(delete(DenialRecord).where(
        DenialRecord.claim_payment_id == record.id))
    record.claim_id = claim_id
    record.match_method = "assigned"
    record.reasons = "\n".join(reasons)
    if duplicate:
        record.outcome, record.hold_kind = "duplicate", ""
        record.posted_at, record.posted_by, record.posting_sequence = None, "", None
        session.flush()
        return ReleaseResult(0, 0, (f"claim payment {record.id}: {reasons[0]}; "
                                    "nothing was posted again",))
    record.outcome = "held" if held else "posted"
    record.hold_kind = ("remittance" if remit_record.status == "held" else "claim") \
        if held else ""
    record.posted_at, record.posted_by = (None, "") if held else (utcnow(), user)
    record.posting_sequence = None if held else keys.take(key)
    session.flush()
    insert_rows(session, PostingRecord.__table__, posting_rows(posting, record.id, not held))
    insert_rows(session, DenialRecord.__table__,
                denial_rows(posting, record.id, payment_date, not held,
                            histories=load_filing_history(session, [claim_id])
                            if needs_filing_history(posting) else {}))
    problems: list[str] = []
    if not held:
        problems = apply_postings(session, [posted_claim(posting)], actor=user,
                                  stored_file_id=remit_record.stored_file_id)
    else:
        problems = list(posting.reasons)
    return ReleaseResult(0 if held else 1, 1 if held else 0, tuple(problems))
