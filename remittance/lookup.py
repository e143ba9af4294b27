"""Loading claim snapshots for a remittance from the claims tables, in a few set queries.

Posting 10,000 claim payments must not cost 10,000 queries: the claims a remittance can
match are fetched by CLP01, CLP07 and REF*6R values in chunks, then by patient last name for
what is still unmatched (the fallback of :func:`remittance.matching.match_claim`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, Patient, Payer, Policy
from edi.parsers.remit835 import Remittance
from remittance.matching import ClaimIndex, ClaimSnapshot, LineSnapshot

__all__ = ["load_claim_index", "load_snapshots"]

_CHUNK = 900    # below SQLite's default host-parameter limit


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def load_snapshots(session: Session, claim_ids: Iterable[int]) -> list[ClaimSnapshot]:
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    rows = []
    lines: dict[int, list[LineSnapshot]] = defaultdict(list)
    for chunk in _chunks(ids):  # type: ignore[arg-type]
        rows.extend(session.execute(
            select(ClaimRecord.id, ClaimRecord.patient_control_number,
                   ClaimRecord.payer_claim_number, ClaimRecord.total_charge,
                   ClaimRecord.service_date_from, ClaimRecord.service_date_to,
                   ClaimRecord.status, ClaimRecord.patient_id, Patient.last_name,
                   Patient.first_name, Payer.name, Payer.payer_id, Payer.appeal_days)
            .join(Patient, Patient.id == ClaimRecord.patient_id)
            .join(Payer, Payer.id == ClaimRecord.payer_id)
            .where(ClaimRecord.id.in_(chunk))).all())
        for line in session.execute(
                select(ClaimLineRecord.id, ClaimLineRecord.claim_id,
                       ClaimLineRecord.line_number, ClaimLineRecord.line_control_number,
                       ClaimLineRecord.procedure_code, ClaimLineRecord.modifiers,
                       ClaimLineRecord.charge, ClaimLineRecord.units,
                       ClaimLineRecord.service_date)
                .where(ClaimLineRecord.claim_id.in_(chunk))
                .order_by(ClaimLineRecord.claim_id, ClaimLineRecord.line_number)):
            lines[line.claim_id].append(LineSnapshot(
                line_id=line.id, line_number=line.line_number,
                line_control_number=line.line_control_number,
                procedure_code=line.procedure_code,
                modifiers=tuple(m for m in (line.modifiers or "").split(":") if m),
                charge=line.charge, units=line.units, service_date=line.service_date))
    patients = {r.patient_id for r in rows}
    secondary: set[int] = set()
    for chunk in _chunks(sorted(patients)):  # type: ignore[arg-type]
        secondary.update(session.scalars(
            select(Policy.patient_id).where(Policy.patient_id.in_(chunk),
                                            Policy.priority.in_(("S", "T")))))
    return [ClaimSnapshot(
        claim_id=r.id, patient_control_number=r.patient_control_number,
        payer_claim_number=r.payer_claim_number or "", total_charge=r.total_charge,
        service_from=r.service_date_from, service_to=r.service_date_to,
        lines=tuple(lines.get(r.id, ())), patient_last_name=r.last_name,
        patient_first_name=r.first_name, status=r.status, payer_name=r.name,
        payer_identifier=r.payer_id, has_secondary=r.patient_id in secondary,
        appeal_days=r.appeal_days or 120) for r in rows]


def _ids_where(session: Session, column, values: set[str]) -> set[int]:  # type: ignore[no-untyped-def]
    found: set[int] = set()
    for chunk in _chunks(sorted(v for v in values if v)):
        found.update(session.scalars(select(ClaimRecord.id).where(column.in_(chunk))))
    return found


def load_claim_index(session: Session, remittances: Iterable[Remittance]) -> ClaimIndex:
    """Every claim any claim payment in ``remittances`` could match."""
    pcns: set[str] = set()
    icns: set[str] = set()
    refs: set[str] = set()
    names: set[str] = set()
    for remit in remittances:
        for payment in remit.claims:
            pcns.add(payment.patient_control_number)
            icns.add(payment.payer_claim_number)
            refs.update(s.line_control_number for s in payment.services)
            if payment.patient is not None:
                names.add(payment.patient.name.upper())
    ids = _ids_where(session, ClaimRecord.patient_control_number, pcns)
    ids |= _ids_where(session, ClaimRecord.payer_claim_number, icns)
    found_pcns: set[str] = set()
    for chunk in _chunks(sorted(ids)):  # type: ignore[arg-type]
        found_pcns.update(session.scalars(select(ClaimRecord.patient_control_number)
                                          .where(ClaimRecord.id.in_(chunk))))
    if refs:
        for chunk in _chunks(sorted(r for r in refs if r)):
            ids.update(session.scalars(select(ClaimLineRecord.claim_id).where(
                ClaimLineRecord.line_control_number.in_(chunk))))
    if pcns - found_pcns and names:
        for chunk in _chunks(sorted(names)):
            ids.update(session.scalars(
                select(ClaimRecord.id).join(Patient, Patient.id == ClaimRecord.patient_id)
                .where(func.upper(Patient.last_name).in_(chunk))))
    return ClaimIndex(load_snapshots(session, ids))
