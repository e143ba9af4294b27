"""The sample practice behind samples/remittance: claims as snapshots or as database rows."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, Patient, Payer, Policy, Provider
from remittance.matching import ClaimIndex, ClaimSnapshot, LineSnapshot

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "remittance"


def practice_data() -> dict:
    return json.loads((SAMPLES / "claims.json").read_text())


def sample_text(name: str) -> str:
    return (SAMPLES / name).read_text()


def snapshot_index() -> ClaimIndex:
    """The sample claims as snapshots, ids numbered from 1 in file order."""
    data = practice_data()
    payers = {p["payer_id"]: p for p in data["payers"]}
    claims = []
    line_id = 0
    for n, c in enumerate(data["claims"], 1):
        lines = []
        for i, (ref, code, mods, charge, units, day) in enumerate(c["lines"], 1):
            line_id += 1
            lines.append(LineSnapshot(line_id, i, ref, code, tuple(m for m in mods.split(":") if m),
                                      Decimal(charge), Decimal(units), dt.date.fromisoformat(day)))
        dates = [ln.service_date for ln in lines]
        claims.append(ClaimSnapshot(
            claim_id=n, patient_control_number=c["pcn"], payer_claim_number="",
            total_charge=sum((ln.charge for ln in lines), Decimal(0)),
            service_from=min(dates), service_to=max(dates), lines=tuple(lines),
            patient_last_name=c["patient"][0], patient_first_name=c["patient"][1],
            member_id=c["member_id"], status="payer_accepted",
            payer_name=payers[c["payer"]]["name"], payer_identifier=c["payer"],
            has_secondary="secondary" in c, appeal_days=payers[c["payer"]]["appeal_days"]))
    return ClaimIndex(claims)


def load_practice(session: Session, status: str = "payer_accepted") -> dict[str, int]:
    """Store the sample practice; returns claim ids by CLM01."""
    data = practice_data()
    bp = data["billing_provider"]
    provider = Provider(npi=bp["npi"], name=bp["name"], tax_id=bp["tax_id"])
    session.add(provider)
    payers = {}
    for p in data["payers"]:
        payers[p["payer_id"]] = Payer(payer_id=p["payer_id"], name=p["name"],
                                      filing_indicator=p["filing_indicator"],
                                      appeal_days=p["appeal_days"],
                                      appeal_address=p["appeal_address"])
        session.add(payers[p["payer_id"]])
    session.flush()
    ids = {}
    for n, c in enumerate(data["claims"], 1):
        last, first, birth, sex = c["patient"]
        patient = Patient(account_number=f"A{n:04d}", last_name=last, first_name=first,
                          birth_date=dt.date.fromisoformat(birth), sex=sex,
                          address_line1=f"{n} MAIN ST", city="SPRINGFIELD", state="IL",
                          postal_code="62701")
        session.add(patient)
        session.flush()
        policy = Policy(patient_id=patient.id, payer_id=payers[c["payer"]].id, priority="P",
                        member_id=c["member_id"], subscriber_last_name=last,
                        subscriber_first_name=first)
        session.add(policy)
        if "secondary" in c:
            session.add(Policy(patient_id=patient.id, payer_id=payers[c["secondary"]["payer"]].id,
                               priority="S", member_id=c["secondary"]["member_id"],
                               subscriber_last_name=last, subscriber_first_name=first))
        session.flush()
        lines = [ClaimLineRecord(line_number=i, line_control_number=ref, procedure_code=code,
                                 modifiers=mods, charge=Decimal(charge), units=Decimal(units),
                                 service_date=dt.date.fromisoformat(day), status="accepted")
                 for i, (ref, code, mods, charge, units, day) in enumerate(c["lines"], 1)]
        dates = [ln.service_date for ln in lines]
        claim = ClaimRecord(
            patient_control_number=c["pcn"], kind="professional", status=status,
            patient_id=patient.id, payer_id=payers[c["payer"]].id, policy_id=policy.id,
            billing_provider_id=provider.id, total_charge=sum(ln.charge for ln in lines),
            service_date_from=min(dates), service_date_to=max(dates), document={},
            lines=lines)
        session.add(claim)
        session.flush()
        ids[c["pcn"]] = claim.id
    return ids
