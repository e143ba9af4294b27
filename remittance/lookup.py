"""Loading claim snapshots for a remittance from the claims tables, in a few set queries.

Posting 10,000 claim payments must not cost 10,000 queries: the claims a remittance can
match are fetched by CLP01, CLP07 and REF*6R values in chunks, then by patient last name for
what is still unmatched (the fallback of :func:`remittance.matching.match_claim`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, Patient, Payer, Policy
from edi.parsers.remit835 import ClaimPayment, Remittance
from remittance.bulk import key_chunks, matching, scalars_matching
from remittance.matching import (
    DEFAULT_FILING_DAYS,
    ClaimIndex,
    ClaimSnapshot,
    LineSnapshot,
    payer_key,
)

__all__ = ["claim_index_for", "load_claim_index", "load_snapshots"]

def load_snapshots(session: Session, claim_ids: Iterable[int]) -> list[ClaimSnapshot]:
    ids = set(claim_ids)
    if not ids:
        return []
    rows = []
    lines: dict[int, list[LineSnapshot]] = defaultdict(list)
    for chunk in key_chunks(session, ids):
        rows.extend(session.execute(
            select(ClaimRecord.id, ClaimRecord.patient_control_number,
                   ClaimRecord.payer_claim_number, ClaimRecord.total_charge,
                   ClaimRecord.service_date_from, ClaimRecord.service_date_to,
                   ClaimRecord.status, ClaimRecord.patient_id, Patient.last_name,
                   Patient.first_name, Payer.name, Payer.payer_id, Payer.appeal_days,
                   Payer.timely_filing_days, ClaimRecord.kind)
            .join(Patient, Patient.id == ClaimRecord.patient_id)
            .join(Payer, Payer.id == ClaimRecord.payer_id)
            .where(matching(session, ClaimRecord.id, chunk))).all())
        for line in session.execute(
                select(ClaimLineRecord.id, ClaimLineRecord.claim_id,
                       ClaimLineRecord.line_number, ClaimLineRecord.line_control_number,
                       ClaimLineRecord.procedure_code, ClaimLineRecord.modifiers,
                       ClaimLineRecord.charge, ClaimLineRecord.units,
                       ClaimLineRecord.service_date, ClaimLineRecord.revenue_code)
                .where(matching(session, ClaimLineRecord.claim_id, chunk))
                .order_by(ClaimLineRecord.claim_id, ClaimLineRecord.line_number)):
            lines[line.claim_id].append(LineSnapshot(
                line_id=line.id, line_number=line.line_number,
                line_control_number=line.line_control_number,
                procedure_code=line.procedure_code,
                modifiers=tuple(m for m in (line.modifiers or "").split(":") if m),
                charge=line.charge, units=line.units, service_date=line.service_date,
                revenue_code=line.revenue_code or ""))
    patients = {r.patient_id for r in rows}
    secondary: set[int] = set()
    payers: dict[int, set[str]] = defaultdict(set)
    # A few payers stand behind thousands of claims: each id and name is keyed once.
    keyed: dict[str | None, str] = {}

    def key(value: str | None) -> str:
        found = keyed.get(value)
        if found is None:
            found = keyed[value] = payer_key(value)
        return found

    for chunk in key_chunks(session, patients):
        for pid, priority, payer_id, name in session.execute(
                select(Policy.patient_id, Policy.priority, Payer.payer_id, Payer.name)
                .join(Payer, Payer.id == Policy.payer_id)
                .where(matching(session, Policy.patient_id, chunk))):
            if priority in ("S", "T"):
                secondary.add(pid)
            payers[pid].update((key(payer_id), key(name)))
    return [ClaimSnapshot(
        claim_id=r.id, patient_control_number=r.patient_control_number,
        payer_claim_number=r.payer_claim_number or "", total_charge=r.total_charge,
        service_from=r.service_date_from, service_to=r.service_date_to,
        lines=tuple(lines.get(r.id, ())), patient_last_name=r.last_name,
        patient_first_name=r.first_name, status=r.status, payer_name=r.name,
        payer_identifier=r.payer_id, has_secondary=r.patient_id in secondary,
        appeal_days=r.appeal_days or 120,
        timely_filing_days=r.timely_filing_days or DEFAULT_FILING_DAYS, kind=r.kind,
        payer_keys=frozenset(payers[r.patient_id] | {key(r.payer_id), key(r.name)})
        - {""}) for r in rows]


def _ids_where(session: Session, column, values: set[str]) -> set[int]:  # type: ignore[no-untyped-def]
    return set(scalars_matching(session, ClaimRecord.id, column, values))


def load_claim_index(session: Session, remittances: Iterable[Remittance]) -> ClaimIndex:
    """Every claim any claim payment in ``remittances`` could match."""
    return claim_index_for(session, (p for remit in remittances for p in remit.claims))


def claim_index_for(session: Session, payments: Iterable[ClaimPayment]) -> ClaimIndex:
    """Every claim any of ``payments`` could match (a streamed batch of them, say)."""
    pcns: set[str] = set()
    icns: set[str] = set()
    refs: set[str] = set()
    names: set[str] = set()
    for payment in payments:
        pcns.add(payment.patient_control_number)
        icns.add(payment.payer_claim_number)
        refs.update(s.line_control_number for s in payment.services)
        if payment.patient is not None:
            names.add(payment.patient.name.upper())
    ids = _ids_where(session, ClaimRecord.patient_control_number, pcns)
    ids |= _ids_where(session, ClaimRecord.payer_claim_number, icns)
    snapshots = load_snapshots(session, ids)
    found = {s.patient_control_number for s in snapshots} | {
        s.payer_claim_number for s in snapshots}
    extra: set[int] = set()
    if refs:
        extra |= set(scalars_matching(session, ClaimLineRecord.claim_id,
                                      ClaimLineRecord.line_control_number, refs))
    if pcns - found and names:
        for chunk in key_chunks(session, names):
            extra.update(session.scalars(
                select(ClaimRecord.id).join(Patient, Patient.id == ClaimRecord.patient_id)
                .where(matching(session, func.upper(Patient.last_name), chunk))))
    extra -= ids
    if extra:
        snapshots += load_snapshots(session, extra)
    return ClaimIndex(snapshots)
