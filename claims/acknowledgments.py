"""Acknowledgments onto claims: what a TA1, a 999 and a 277CA change on submissions, claims and
lines, and the rejection queue that results.

Keys (x12-domain §7.4): a TA1 names our interchange (TA101 = ISA13); a 999 names our group
(AK102 = GS06) and each transaction set in it (AK202 = ST02); a 277CA names each claim by its
patient control number (2200D TRN02 = CLM01) and each line by its line item control number
(2220D REF*FJ = REF*6R). Every verdict is kept as an :class:`~claims.db.tables.Acknowledgment`
row; status changes go through :mod:`claims.lifecycle`, so each has who (``actor``: the person
who uploaded or processed the file, or the exchange that fetched it, never the file kind), when,
why and which file.

Responses arrive in order but none is guaranteed (§7.1): a 277CA may land on a claim whose 999
never came, and a late 999 may arrive after the payer accepted the claim. A verdict that the
lifecycle table does not allow from the claim's current status is recorded but moves nothing.

A rejected set (999 IK5 R) rejects every claim in it: X12 rejects transaction sets, not claims.
The IK3/IK4 errors go onto the claims in words; when a CTX*CLM01 names the claim the error is
about, that claim's reason says so. Rejected claims go back to the biller through the rejection
queue (:func:`rejection_queue`); once corrected they follow the usual path (draft, scrubbed,
ready) into the next batch with the same CLM01, as a new original: a claim rejected before
adjudication has nothing to replace (§3.2, RFI 2173).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from claims.ack_verdicts import (
    AckKind,
    AppliedAcknowledgment,
    ClaimVerdict,
    InterchangeVerdict,
    LineVerdict,
    SetVerdict,
    SubmissionStatus,
    Verdict,
)
from claims.db.tables import (
    Acknowledgment,
    ClaimLineRecord,
    ClaimRecord,
    Submission,
    SubmissionClaim,
)
from claims.lifecycle import (
    LINE_TRANSITIONS,
    ClaimEvent,
    ClaimStatus,
    LineEvent,
    LineStatus,
    apply_line_transition,
    apply_transition,
    can_apply,
)

__all__ = [
    "AckKind",
    "AppliedAcknowledgment",
    "ClaimVerdict",
    "InterchangeVerdict",
    "LineVerdict",
    "RejectionItem",
    "SetVerdict",
    "SubmissionStatus",
    "Verdict",
    "apply_277ca",
    "apply_999",
    "apply_ta1",
    "rejection_queue",
]


@dataclass(slots=True)
class _Tally:
    submissions: set[int] = field(default_factory=set)
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def result(self, kind: AckKind) -> AppliedAcknowledgment:
        return AppliedAcknowledgment(kind, tuple(sorted(self.submissions)), tuple(self.accepted),
                                     tuple(self.rejected), tuple(self.lines), tuple(self.notes))


def _move(session: Session, claim: ClaimRecord, event: ClaimEvent, *, actor: str, reason: str,
          file_id: int | None, tally: _Tally) -> bool:
    if not can_apply(claim.status, event):
        tally.notes.append(f"claim {claim.patient_control_number} is "
                           f"{claim.status.replace('_', ' ')}; left as it is")
        return False
    apply_transition(session, claim, event, actor=actor, reason=reason, stored_file_id=file_id)
    return True


def _record(session: Session, kind: AckKind, file_id: int, verdict: Verdict, codes: str,
            message: str, *, submission_id: int | None = None, claim_id: int | None = None,
            line_id: int | None = None, payer_claim_number: str | None = None) -> None:
    session.add(Acknowledgment(
        stored_file_id=file_id, kind=str(kind), submission_id=submission_id, claim_id=claim_id,
        line_id=line_id, verdict=str(verdict), codes=codes[:200], message=message,
        payer_claim_number=payer_claim_number or None))


def _submissions(session: Session, column: object, number: int,
                 sender_id: str) -> Sequence[Submission]:
    """Our submissions with that control number; when several partners share the number,
    the one sent to the acknowledging sender."""
    found = session.scalars(select(Submission).options(selectinload(Submission.claims))
                            .where(column == f"{number:09d}").order_by(Submission.id)).all()
    if len(found) > 1 and sender_id:
        to_sender = [s for s in found if s.receiver_id.strip() == sender_id.strip()]
        return to_sender or found
    return found


def apply_ta1(session: Session, ack: InterchangeVerdict, *, stored_file_id: int,
              actor: str) -> AppliedAcknowledgment:
    """A TA1 rejection (TA104 R) rejects every claim of the interchange; A and E only record."""
    tally = _Tally()
    submissions = _submissions(session, Submission.interchange_control_number,
                               ack.control_number, ack.sender_id)
    if not submissions:
        tally.notes.append(f"no interchange {ack.control_number:09d} of ours to match")
    for submission in submissions:
        tally.submissions.add(submission.id)
        _record(session, AckKind.TA1, stored_file_id, ack.verdict, ack.codes, ack.message,
                submission_id=submission.id)
        if ack.verdict is not Verdict.REJECTED:
            continue
        submission.status = str(SubmissionStatus.REJECTED)
        reason = f"The clearinghouse rejected the whole file. {ack.message}"
        for claim in _claims_of(session, submission.claims):
            if _move(session, claim, ClaimEvent.ACK_REJECTED, actor=actor, reason=reason,
                     file_id=stored_file_id, tally=tally):
                tally.rejected.append(claim.patient_control_number)
    return tally.result(AckKind.TA1)


def _claims_of(session: Session, links: Iterable[SubmissionClaim]) -> list[ClaimRecord]:
    """The claims of these submission links, with their lines, locked for this transaction."""
    ids = sorted({link.claim_id for link in links})
    out: list[ClaimRecord] = []
    for start in range(0, len(ids), _CHUNK):
        out.extend(session.scalars(
            select(ClaimRecord).options(selectinload(ClaimRecord.lines))
            .where(ClaimRecord.id.in_(ids[start:start + _CHUNK]))
            .order_by(ClaimRecord.id).with_for_update()))
    return out


def apply_999(session: Session, sets: Sequence[SetVerdict], *, stored_file_id: int,
              actor: str) -> AppliedAcknowledgment:
    """Each acknowledged set moves its claims to clearinghouse accepted or rejected."""
    tally = _Tally()
    touched: dict[int, Submission] = {}
    for ack in sets:
        submissions = _submissions(session, Submission.group_control_number,
                                   ack.group_control_number, ack.sender_id)
        # An empty ST02 is a group rejected as a whole (AK9 R without AK2): every set.
        wanted = ack.transaction_control_number.lstrip("0")
        links = [(s, link) for s in submissions for link in s.claims
                 if not ack.transaction_control_number
                 or link.transaction_control_number.lstrip("0") == wanted]
        if not links:
            tally.notes.append(f"no transaction set {ack.transaction_control_number} of group "
                               f"{ack.group_control_number} of ours to match")
            continue
        named = dict(ack.claim_errors)
        claims = {c.id: c for c in _claims_of(session, [link for _, link in links])}
        for submission, link in links:
            touched[submission.id] = submission
            tally.submissions.add(submission.id)
            claim = claims.get(link.claim_id)
            if claim is None:
                continue
            message = _set_message(ack, link, named)
            _record(session, AckKind.IMPLEMENTATION, stored_file_id, ack.verdict, ack.codes,
                    message, submission_id=submission.id, claim_id=claim.id)
            if ack.verdict is Verdict.REJECTED:
                if _move(session, claim, ClaimEvent.ACK_REJECTED, actor=actor, reason=message,
                         file_id=stored_file_id, tally=tally):
                    tally.rejected.append(claim.patient_control_number)
            elif ack.verdict in (Verdict.ACCEPTED, Verdict.ACCEPTED_WITH_ERRORS):
                if _move(session, claim, ClaimEvent.ACK_ACCEPTED, actor=actor, reason=message,
                         file_id=stored_file_id, tally=tally):
                    tally.accepted.append(claim.patient_control_number)
    for submission in touched.values():
        _settle_submission(session, submission)
    return tally.result(AckKind.IMPLEMENTATION)


def _set_message(ack: SetVerdict, link: SubmissionClaim,
                 named: dict[str, tuple[str, ...]]) -> str:
    st02 = link.transaction_control_number
    if ack.verdict is Verdict.REJECTED:
        head = f"The clearinghouse rejected transaction set {st02} (999 IK5 {ack.codes})"
    elif ack.verdict is Verdict.ACCEPTED_WITH_ERRORS:
        head = f"The clearinghouse accepted transaction set {st02} with errors"
    else:
        return f"The clearinghouse accepted transaction set {st02}."
    own = named.get(link.patient_control_number, ())
    if own:
        return f"{head}. {_sentences(own)}"
    if named:
        others = ", ".join(sorted(named))
        detail = _sentences(ack.errors) if ack.errors else ""
        return f"{head} because of claim(s) {others} in the same set. {detail}".strip()
    return f"{head}. {_sentences(ack.errors)}" if ack.errors else f"{head}."


def _sentences(parts: Iterable[str]) -> str:
    out = []
    for part in parts:
        part = part.strip()
        if part:
            out.append(part[0].upper() + part[1:] + ("" if part.endswith(".") else "."))
    return " ".join(out)


def _settle_submission(session: Session, submission: Submission) -> None:
    verdicts = session.scalars(
        select(Acknowledgment.verdict).where(Acknowledgment.submission_id == submission.id,
                                             Acknowledgment.kind == AckKind.IMPLEMENTATION))
    seen = set(verdicts)
    if seen & {Verdict.ACCEPTED, Verdict.ACCEPTED_WITH_ERRORS}:
        submission.status = str(SubmissionStatus.ACKNOWLEDGED)
    elif Verdict.REJECTED in seen:
        submission.status = str(SubmissionStatus.REJECTED)


def apply_277ca(session: Session, claims: Sequence[ClaimVerdict], *, stored_file_id: int,
                actor: str) -> AppliedAcknowledgment:
    """Each claim is accepted into or rejected from adjudication; each named line likewise."""
    tally = _Tally()
    found = _claims_by_number(session, [ack.patient_control_number for ack in claims])
    latest = _latest_submissions(session, [claim.id for claim in found.values()])
    for ack in claims:
        claim = found.get(ack.patient_control_number)
        if claim is None:
            tally.notes.append(f"no claim {ack.patient_control_number} of ours to match")
            continue
        submission_id = latest.get(claim.id)
        if submission_id is not None:
            tally.submissions.add(submission_id)
        _record(session, AckKind.CLAIM, stored_file_id, ack.verdict, ack.codes, ack.message,
                submission_id=submission_id, claim_id=claim.id,
                payer_claim_number=ack.payer_claim_number)
        if ack.payer_claim_number:
            claim.payer_claim_number = ack.payer_claim_number
        # Lines follow the payer's word only while the claim is with the payer: a claim the
        # clearinghouse rejected (or one already adjudicated) keeps its lines as they are.
        lines_apply = can_apply(claim.status, ClaimEvent.PAYER_ACCEPTED)
        if ack.verdict is Verdict.REJECTED:
            if _move(session, claim, ClaimEvent.PAYER_REJECTED, actor=actor,
                     reason=f"Rejected before adjudication: {ack.message}",
                     file_id=stored_file_id, tally=tally):
                tally.rejected.append(claim.patient_control_number)
        elif ack.verdict in (Verdict.ACCEPTED, Verdict.ACCEPTED_WITH_ERRORS):
            if _move(session, claim, ClaimEvent.PAYER_ACCEPTED, actor=actor, reason=ack.message,
                     file_id=stored_file_id, tally=tally):
                tally.accepted.append(claim.patient_control_number)
        if lines_apply:
            _apply_lines(session, claim, ack, stored_file_id, submission_id, actor, tally)
        elif ack.lines:
            tally.notes.append(f"line verdicts for claim {claim.patient_control_number} "
                               "not applied")
    return tally.result(AckKind.CLAIM)


_CHUNK = 500     # keeps IN lists well under every database's parameter limit


def _claims_by_number(session: Session, numbers: Sequence[str]) -> dict[str, ClaimRecord]:
    """The claims named by CLM01, with their lines, locked for this transaction."""
    found: dict[str, ClaimRecord] = {}
    unique = sorted(set(numbers))
    for start in range(0, len(unique), _CHUNK):
        rows = session.scalars(
            select(ClaimRecord).options(selectinload(ClaimRecord.lines))
            .where(ClaimRecord.patient_control_number.in_(unique[start:start + _CHUNK]))
            .order_by(ClaimRecord.id).with_for_update())
        found.update((row.patient_control_number, row) for row in rows)
    return found


def _latest_submissions(session: Session, claim_ids: Sequence[int]) -> dict[int, int]:
    """Each claim's most recent submission (a resubmitted claim has several)."""
    latest: dict[int, int] = {}
    ids = sorted(set(claim_ids))
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(SubmissionClaim.claim_id, SubmissionClaim.submission_id)
            .where(SubmissionClaim.claim_id.in_(ids[start:start + _CHUNK]))
            .order_by(SubmissionClaim.id))
        latest.update((claim_id, submission_id) for claim_id, submission_id in rows)
    return latest


def _apply_lines(session: Session, claim: ClaimRecord, ack: ClaimVerdict, file_id: int,
                 submission_id: int | None, actor: str, tally: _Tally) -> None:
    by_number = {line.line_control_number: line for line in claim.lines}
    for line_ack in ack.lines:
        line = by_number.get(line_ack.line_control_number)
        if line is None:
            tally.notes.append(f"claim {claim.patient_control_number} has no line "
                               f"{line_ack.line_control_number}")
            continue
        _record(session, AckKind.CLAIM, file_id, line_ack.verdict, line_ack.codes,
                line_ack.message, submission_id=submission_id, claim_id=claim.id,
                line_id=line.id)
        event = {Verdict.REJECTED: LineEvent.REJECTED, Verdict.ACCEPTED: LineEvent.ACCEPTED,
                 Verdict.ACCEPTED_WITH_ERRORS: LineEvent.ACCEPTED}.get(line_ack.verdict)
        if event is None or event not in LINE_TRANSITIONS[LineStatus(line.status)]:
            continue
        reason = (f"Line {line.line_number} ({line.procedure_code}) rejected: "
                  f"{line_ack.message}" if event is LineEvent.REJECTED else line_ack.message)
        apply_line_transition(session, line, event, actor=actor, reason=reason,
                              stored_file_id=file_id)
        if event is LineEvent.REJECTED:
            tally.lines.append(line.line_control_number)
    session.flush()


@dataclass(frozen=True, slots=True)
class RejectionItem:
    """One entry of the rejection queue: a rejected claim, or a claim with rejected lines."""

    claim_id: int
    patient_control_number: str
    status: str
    reason: str
    rejected_lines: tuple[tuple[str, str], ...]     # (line control number, reason)


_REJECTED = (ClaimStatus.CLEARINGHOUSE_REJECTED, ClaimStatus.PAYER_REJECTED)


def rejection_queue(session: Session, *, limit: int = 100,
                    after_id: int = 0) -> list[RejectionItem]:
    """Claims a biller must fix: rejected by the clearinghouse or the payer, or with a line
    the payer rejected; oldest first, paged by claim id."""
    has_rejected_line = (select(ClaimLineRecord.id)
                         .where(ClaimLineRecord.claim_id == ClaimRecord.id,
                                ClaimLineRecord.status == LineStatus.REJECTED).exists())
    rows = session.scalars(
        select(ClaimRecord).options(selectinload(ClaimRecord.lines))
        .where(ClaimRecord.id > after_id,
               or_(ClaimRecord.status.in_([str(s) for s in _REJECTED]), has_rejected_line))
        .order_by(ClaimRecord.id).limit(limit)).all()
    return [RejectionItem(
        claim.id, claim.patient_control_number, claim.status, claim.status_reason,
        tuple((line.line_control_number, line.status_reason) for line in claim.lines
              if line.status == LineStatus.REJECTED)) for claim in rows]
