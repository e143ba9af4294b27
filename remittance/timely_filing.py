"""Timely filing (CARC 29): appeal with proof of acceptance on time, else write off.

The denial table recommends an appeal for CO 29, but an appeal only wins with proof that the
claim was filed in time: a 999 or 277CA acceptance dated within the payer's filing limit
(x12-domain.md 10.1; 10.4 lists "proof of timely filing (999/277CA acceptance, submission
logs)" in the appeal packet). Without that proof the balance is written off (10.2 item 6).

The filing limit is the payer's ``timely_filing_days`` (payer rules as data, 10.3); when a payer
has none, Medicare's 12 months from the date of service stands in as :data:`DEFAULT_FILING_DAYS`
(365 days; a Feb-29 service is measured the same way). The date of service follows 10.3:
institutional claims count from the "through" date, professional claims from the "from" date,
or from the denied line's own date of service when the line carries one.

A submission alone (``sent_at``) is not proof: a claim the clearinghouse or payer rejected was
never filed (10.3, "claims rejected as unprocessable ... do not count as filed"). It is still
named in the reason text, because the appeal packet wants the submission log too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import Acknowledgment, ClaimStatusChange, Submission, SubmissionClaim
from remittance.bulk import key_chunks, matching
from remittance.codes import DENIAL_TABLE, Action, DenialCategory
from remittance.denials import DenialFinding
from remittance.matching import DEFAULT_FILING_DAYS, ClaimSnapshot
from remittance.posting import ClaimPosting

__all__ = ["DEFAULT_FILING_DAYS", "Acceptance", "AcceptanceSource", "FilingHistory",
           "TIMELY_FILING_REASONS", "describe_proof", "judge_findings", "judge_timely_filing", "load_filing_history",
           "needs_filing_history", "service_date_for"]

#: The CARCs the denial table files under timely filing (today only 29); read from the table so
#: the table stays the one place that classifies.
TIMELY_FILING_REASONS = frozenset(
    code for code, rule in DENIAL_TABLE.items()
    if rule.category is DenialCategory.TIMELY_FILING and ":" not in code)

_ACCEPTED_STATUSES = ("clearinghouse_accepted", "payer_accepted")
_ACCEPTED_VERDICTS = ("accepted", "accepted_with_errors")


class AcceptanceSource(StrEnum):
    """Who accepted the claim, and the acknowledgment that says so."""

    CLEARINGHOUSE = "999"     # 999 IK5 A / E: the clearinghouse took the claim
    PAYER = "277CA"           # 277CA STC A1 / A2: the payer took it into adjudication

    @property
    def words(self) -> str:
        return ("the payer's 277CA" if self is AcceptanceSource.PAYER
                else "the clearinghouse's 999")


@dataclass(frozen=True, slots=True, order=True)
class Acceptance:
    on: dt.date
    source: AcceptanceSource


@dataclass(frozen=True, slots=True)
class FilingHistory:
    """What is on file about one claim's filing: every acceptance, and the first send."""

    claim_id: int
    acceptances: tuple[Acceptance, ...] = ()
    first_sent: dt.date | None = None


def needs_filing_history(posting: ClaimPosting) -> bool:
    """Whether a claim payment carries a timely-filing adjustment worth loading proof for."""
    return posting.claim is not None and any(
        entry.reason in TIMELY_FILING_REASONS
        for line in posting.lines for entry in line.entries)


def _day(value: dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.date()


def load_filing_history(session: Session, claim_ids: Iterable[int]
                        ) -> dict[int, FilingHistory]:
    """Acceptances (claim status changes and 999/277CA acknowledgments) and first send dates.

    Both sources are read: the status history says the claim moved to accepted, the
    acknowledgment row keeps the verdict even when the claim had already moved on (a late 999
    for a claim the payer had accepted). Only claim-level verdicts count: a 277CA accepting one
    line proves nothing about the others.
    """
    ids = set(claim_ids)
    found: dict[int, set[Acceptance]] = defaultdict(set)
    sent: dict[int, dt.date] = {}
    for chunk in key_chunks(session, ids):
        for claim_id, status, at in session.execute(
                select(ClaimStatusChange.claim_id, ClaimStatusChange.to_status,
                       ClaimStatusChange.at)
                .where(matching(session, ClaimStatusChange.claim_id, chunk),
                       ClaimStatusChange.line_id.is_(None),
                       ClaimStatusChange.to_status.in_(_ACCEPTED_STATUSES))):
            day = _day(at)
            if day is not None:
                source = (AcceptanceSource.PAYER if status == "payer_accepted"
                          else AcceptanceSource.CLEARINGHOUSE)
                found[claim_id].add(Acceptance(day, source))
        for claim_id, kind, at in session.execute(
                select(Acknowledgment.claim_id, Acknowledgment.kind,
                       Acknowledgment.received_at)
                .where(matching(session, Acknowledgment.claim_id, chunk),
                       Acknowledgment.line_id.is_(None),
                       Acknowledgment.kind.in_([s.value for s in AcceptanceSource]),
                       Acknowledgment.verdict.in_(_ACCEPTED_VERDICTS))):
            day = _day(at)
            if day is not None and claim_id is not None:
                found[claim_id].add(Acceptance(day, AcceptanceSource(kind)))
        for claim_id, sent_at in session.execute(
                select(SubmissionClaim.claim_id, Submission.sent_at)
                .join(Submission, Submission.id == SubmissionClaim.submission_id)
                .where(matching(session, SubmissionClaim.claim_id, chunk),
                       Submission.sent_at.is_not(None))):
            day = _day(sent_at)
            if day is not None and (claim_id not in sent or day < sent[claim_id]):
                sent[claim_id] = day
    return {cid: FilingHistory(cid, tuple(sorted(found.get(cid, ()))), sent.get(cid))
            for cid in ids}


def service_date_for(claim: ClaimSnapshot, line_id: int | None) -> dt.date | None:
    """The date the filing limit runs from (x12-domain.md 10.3)."""
    if claim.kind == "institutional":
        return claim.service_to or claim.service_from
    line = next((ln for ln in claim.lines if ln.line_id == line_id), None) \
        if line_id is not None else None
    if line is not None and line.service_date is not None:
        return line.service_date
    return claim.service_from or claim.service_to


def _proof(history: FilingHistory, served: dt.date, limit_days: int) -> Acceptance | None:
    """The acceptance to put in the appeal: the payer's own, else the clearinghouse's."""
    last_day = served + dt.timedelta(days=limit_days)
    timely = [a for a in history.acceptances if a.on <= last_day]
    payer = [a for a in timely if a.source is AcceptanceSource.PAYER]
    return min(payer or timely, default=None)


def describe_proof(claim: ClaimSnapshot, line_id: int | None,
                   history: FilingHistory | None) -> str:
    """The proof of timely filing in words, or "" when none is on file.

    "accepted by the payer's 277CA on 2026-03-09, 5 days after the service date 2026-03-04
    (filing limit 365 days)": the sentence the denial queue and the appeal letter quote.
    """
    served = service_date_for(claim, line_id)
    proof = _proof(history, served, _limit(claim)) if history and served else None
    if proof is None or served is None:
        return ""
    return (f"accepted by {proof.source.words} on {proof.on.isoformat()}, "
            f"{(proof.on - served).days} days after the service date {served.isoformat()} "
            f"(filing limit {_limit(claim)} days)")


def _limit(claim: ClaimSnapshot) -> int:
    return claim.timely_filing_days or DEFAULT_FILING_DAYS


def judge_timely_filing(finding: DenialFinding, claim: ClaimSnapshot | None,
                        history: FilingHistory | None) -> DenialFinding:
    """Refine a timely-filing finding's action with the claim's filing history.

    Findings of any other category come back unchanged. APPEAL when an acceptance falls within
    the filing limit, naming it; WRITE_OFF otherwise, saying what is (not) on file.
    """
    if finding.category is not DenialCategory.TIMELY_FILING or claim is None:
        return finding
    limit = _limit(claim)
    served = service_date_for(claim, finding.line_id)
    history = history or FilingHistory(claim.claim_id)
    if served is None:
        return replace(finding, action=Action.REVIEW, explanation=(
            f"{finding.explanation}; review: the date of service is unknown, so the "
            f"{limit}-day filing limit cannot be checked"))
    proof = describe_proof(claim, finding.line_id, history)
    sent = (f"; first sent {history.first_sent.isoformat()}" if history.first_sent else "")
    if proof:
        return replace(finding, action=Action.APPEAL, explanation=(
            f"{finding.explanation}; appeal with proof of timely filing: {proof}{sent}"))
    why = (f"write off: no acceptance on file within {limit} days of the service date "
           f"{served.isoformat()}")
    if history.acceptances:
        late = history.acceptances[0]
        why += (f" (first accepted by {late.source.words} on {late.on.isoformat()}, "
                f"{(late.on - served).days} days after)")
    elif history.first_sent:
        why += f" (sent {history.first_sent.isoformat()} but never accepted)"
    return replace(finding, action=Action.WRITE_OFF, explanation=f"{finding.explanation}; {why}")


def judge_findings(findings: Iterable[DenialFinding], claim: ClaimSnapshot | None,
                   histories: Mapping[int, FilingHistory]) -> tuple[DenialFinding, ...]:
    """:func:`judge_timely_filing` over one claim payment's findings."""
    history = histories.get(claim.claim_id) if claim is not None else None
    return tuple(judge_timely_filing(f, claim, history) for f in findings)
