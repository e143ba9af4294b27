"""The practice records a claim names, found or registered on the way in.

Claim JSON carries everyone it names (the 837 is built from it alone). Storing it links the
claim to the practice's records: the payer by its payer id (2010BB NM109), providers by NPI,
the patient by account number (claim ``metadata.account_number``) or else by name and birth
date, and the policy by patient, payer and member id. What is not on file yet is registered
from the claim's own data, so an imported claim and one typed in end up the same.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import Patient, Payer, Policy, Provider
from claims.model import Claim
from claims.model import Provider as ClaimProvider

__all__ = ["patient_for", "payer_for", "policy_for", "provider_for"]


def payer_for(session: Session, claim: Claim) -> Payer:
    payer = session.scalar(select(Payer).where(Payer.payer_id == claim.payer.payer_id))
    if payer is None:
        address = claim.payer.address
        payer = Payer(payer_id=claim.payer.payer_id, name=claim.payer.name,
                      filing_indicator=claim.subscriber.claim_filing_indicator or "CI",
                      address_line1=address.line1 if address else "",
                      city=address.city if address else "",
                      state=address.state if address else "",
                      postal_code=address.postal_code if address else "")
        session.add(payer)
        session.flush()
    return payer


def provider_for(session: Session, source: ClaimProvider | None) -> Provider | None:
    if source is None or not source.npi:
        return None
    provider = session.scalar(select(Provider).where(Provider.npi == source.npi))
    if provider is None:
        address = source.address
        provider = Provider(npi=source.npi, entity_type="2" if source.organization else "1",
                            name=source.last_name, first_name=source.first_name,
                            taxonomy_code=source.taxonomy, tax_id=source.tax_id,
                            address_line1=address.line1 if address else "",
                            city=address.city if address else "",
                            state=address.state if address else "",
                            postal_code=address.postal_code if address else "")
        session.add(provider)
        session.flush()
    return provider


def patient_for(session: Session, claim: Claim) -> Patient:
    person = claim.patient_person
    account = dict(claim.metadata).get("account_number", "")
    if account:
        found = session.scalar(select(Patient).where(Patient.account_number == account))
        if found is not None:
            return found
    if person.birth_date is None:
        raise ValueError("patient.birth_date: the patient's birth date is required to file")
    found = session.scalar(select(Patient).where(
        Patient.last_name == person.last_name, Patient.first_name == person.first_name,
        Patient.birth_date == person.birth_date).order_by(Patient.id).limit(1))
    if found is not None:
        return found
    address = person.address
    patient = Patient(account_number=account or f"CLM-{claim.patient_control_number}",
                      last_name=person.last_name, first_name=person.first_name,
                      middle_name=person.middle_name, birth_date=person.birth_date,
                      sex=str(person.sex), address_line1=address.line1 if address else "",
                      address_line2=address.line2 if address else "",
                      city=address.city if address else "",
                      state=address.state if address else "",
                      postal_code=address.postal_code if address else "")
    session.add(patient)
    session.flush()
    return patient


def policy_for(session: Session, claim: Claim, patient: Patient, payer: Payer) -> Policy:
    policy = session.scalar(select(Policy).where(
        Policy.patient_id == patient.id, Policy.payer_id == payer.id,
        Policy.member_id == claim.subscriber.member_id))
    if policy is None:
        sub = claim.subscriber.person
        policy = Policy(patient_id=patient.id, payer_id=payer.id,
                        priority=claim.responsibility, member_id=claim.subscriber.member_id,
                        group_number=claim.subscriber.group_number,
                        relationship_code=claim.patient.relationship if claim.patient else "18",
                        subscriber_last_name=sub.last_name, subscriber_first_name=sub.first_name,
                        subscriber_birth_date=sub.birth_date)
        session.add(policy)
        session.flush()
    return policy
