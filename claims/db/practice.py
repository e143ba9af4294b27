"""The practice's records: patients and their policies, payers, providers.

Service functions take a Session and never commit. Inputs are frozen dataclasses; a field left
``None`` in an update means "leave as is".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from claims.db.tables import Patient, Payer, Policy, Provider
from claims.npi import npi_is_valid
from core.errors import Conflict, NotFound

__all__ = [
    "PatientData",
    "PayerData",
    "PolicyData",
    "ProviderData",
    "add_policy",
    "create_patient",
    "create_payer",
    "create_provider",
    "get_patient",
    "get_payer",
    "get_provider",
    "list_patients",
    "list_payers",
    "list_providers",
    "update_patient",
]


@dataclass(frozen=True, slots=True)
class PatientData:
    account_number: str
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: str = "U"
    middle_name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class PayerData:
    payer_id: str
    name: str
    filing_indicator: str = "CI"
    address_line1: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    timely_filing_days: int = 365
    appeal_days: int = 120
    appeal_address: str = ""


@dataclass(frozen=True, slots=True)
class ProviderData:
    npi: str
    name: str
    entity_type: str = "2"
    first_name: str = ""
    taxonomy_code: str = ""
    tax_id: str = ""
    address_line1: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


@dataclass(frozen=True, slots=True)
class PolicyData:
    payer_id: int                     # payers.id
    member_id: str
    priority: str = "P"
    group_number: str = ""
    relationship_code: str = "18"
    subscriber_last_name: str = ""
    subscriber_first_name: str = ""
    subscriber_birth_date: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


def _check_patient(data: PatientData) -> None:
    if not data.account_number.strip():
        raise ValueError("account_number: the patient needs an account number")
    if not data.last_name.strip() or not data.first_name.strip():
        raise ValueError("last_name / first_name: the patient's name is required")
    if data.sex not in ("F", "M", "U"):
        raise ValueError(f'sex: "{data.sex}" is not F, M or U')
    if data.birth_date > dt.date.today():
        raise ValueError("birth_date: the birth date is in the future")


def create_patient(session: Session, data: PatientData) -> Patient:
    _check_patient(data)
    taken = session.scalar(select(Patient.id).where(
        Patient.account_number == data.account_number))
    if taken is not None:
        raise Conflict(f"account number {data.account_number} already belongs to patient "
                       f"{taken}")
    patient = Patient(**dataclasses.asdict(data))
    session.add(patient)
    session.flush()
    return patient


def update_patient(session: Session, patient_id: int, data: PatientData) -> Patient:
    _check_patient(data)
    patient = get_patient(session, patient_id)
    taken = session.scalar(select(Patient.id).where(
        Patient.account_number == data.account_number, Patient.id != patient_id))
    if taken is not None:
        raise Conflict(f"account number {data.account_number} already belongs to patient "
                       f"{taken}")
    for name, value in dataclasses.asdict(data).items():
        setattr(patient, name, value)
    session.flush()
    return patient


def get_patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id,
                          options=[selectinload(Patient.policies).selectinload(Policy.payer)])
    if patient is None:
        raise NotFound(f"no patient with id {patient_id}")
    return patient


def list_patients(session: Session, *, search: str = "", after_id: int | None = None,
                  limit: int = 50) -> Sequence[Patient]:
    """Patients by id; ``search`` matches the start of the last name or the account number."""
    stmt = select(Patient).order_by(Patient.id).limit(max(1, min(limit, 200)))
    if search.strip():
        term = search.strip().lower()
        stmt = stmt.where(or_(func.lower(Patient.last_name).startswith(term),
                              func.lower(Patient.account_number) == term))
    if after_id is not None:
        stmt = stmt.where(Patient.id > after_id)
    return session.scalars(stmt).all()


def add_policy(session: Session, patient_id: int, data: PolicyData) -> Policy:
    get_patient(session, patient_id)
    get_payer(session, data.payer_id)
    if data.priority not in ("P", "S", "T"):
        raise ValueError(f'priority: "{data.priority}" is not P, S or T')
    if not data.member_id.strip():
        raise ValueError("member_id: the policy needs the member id from the insurance card")
    policy = Policy(patient_id=patient_id, **dataclasses.asdict(data))
    session.add(policy)
    session.flush()
    return policy


def create_payer(session: Session, data: PayerData) -> Payer:
    if session.scalar(select(Payer.id).where(Payer.payer_id == data.payer_id)) is not None:
        raise Conflict(f"payer id {data.payer_id} is already registered")
    payer = Payer(**dataclasses.asdict(data))
    session.add(payer)
    session.flush()
    return payer


def get_payer(session: Session, payer_id: int) -> Payer:
    payer = session.get(Payer, payer_id)
    if payer is None:
        raise NotFound(f"no payer with id {payer_id}")
    return payer


def list_payers(session: Session) -> Sequence[Payer]:
    return session.scalars(select(Payer).order_by(Payer.name)).all()


def create_provider(session: Session, data: ProviderData) -> Provider:
    if not npi_is_valid(data.npi):
        raise ValueError(f'npi: "{data.npi}" is not a valid NPI (10 digits with a check digit)')
    if session.scalar(select(Provider.id).where(Provider.npi == data.npi)) is not None:
        raise Conflict(f"NPI {data.npi} is already registered")
    provider = Provider(**dataclasses.asdict(data))
    session.add(provider)
    session.flush()
    return provider


def get_provider(session: Session, provider_id: int) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"no provider with id {provider_id}")
    return provider


def list_providers(session: Session) -> Sequence[Provider]:
    return session.scalars(select(Provider).order_by(Provider.name)).all()
