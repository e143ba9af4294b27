"""The frozen values an 837 claim (005010X222A1 professional, X223A2 institutional) is read
into, shaped like the TR3: :class:`Claim837` is one loop 2300 with the billing provider
(2010AA), subscriber and payer (2000B/2010BA/2010BB), patient (2000C), the claim's provider
loops (2310x), other payers (:class:`OtherSubscriber837`, 2320/2330x) and lines
(:class:`ServiceLine837`, 2400 with 2410, 2420 and :class:`LineAdjudication837`, 2430).

The reader that builds them is :func:`edi.parsers.claim837.read_837`; its walker collects each
loop in a builder (a dict) and freezes it with the ``*_of`` functions at the end of this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from edi.parsers.construction import positional
from edi.x12.defects import Defect

__all__ = [
    "CasAdjustment", "Claim837", "CodedValue", "Entity", "HealthCode", "LineAdjudication837",
    "OtherSubscriber837", "Read837", "ServiceLine837",
]


@dataclass(frozen=True, slots=True)
class CodedValue:
    """A qualifier and a value: REF01/REF02, DTP01/(DTP02 format)/DTP03, AMT01/AMT02, NTE."""

    qualifier: str
    value: str
    format: str = ""


@dataclass(frozen=True, slots=True)
class HealthCode:
    """One HI composite (C022): qualifier, code, date format and date, amount, POA (HIxx-9)."""

    qualifier: str
    code: str
    date_format: str = ""
    date: str = ""
    amount: str = ""
    present_on_admission: str = ""


@dataclass(frozen=True, slots=True)
class CasAdjustment:
    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """An NM1 loop with its N3/N4, DMG, PRV and REF segments."""

    entity: str                        # NM101: 85 billing, IL subscriber, PR payer, QC ...
    entity_type: str = ""              # NM102: 1 person, 2 organization
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    id_qualifier: str = ""             # NM108: XX NPI, MI member id, PI payer id, 46 ETIN
    identifier: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    birth_date: dt.date | None = None  # DMG02
    sex: str = ""                      # DMG03
    taxonomy: str = ""                 # PRV03
    refs: tuple[CodedValue, ...] = ()


@dataclass(frozen=True, slots=True)
class LineAdjudication837:
    """Loop 2430: SVD, CAS and DTP*573."""

    payer_id: str
    paid: Decimal
    procedure: tuple[str, ...]         # SVD03 components: qualifier, code, modifiers...
    revenue_code: str
    units: Decimal | None
    adjustments: tuple[CasAdjustment, ...]
    dates: tuple[CodedValue, ...]


@dataclass(frozen=True, slots=True)
class ServiceLine837:
    """Loop 2400: LX, SV1 or SV2, dates, references, 2410 drug, 2420 providers, 2430."""

    number: str
    segment: str                       # "SV1" or "SV2"
    procedure: tuple[str, ...]         # SV101 / SV202 components
    revenue_code: str
    charge: Decimal
    unit_basis: str
    units: Decimal | None
    place_of_service: str
    diagnosis_pointers: tuple[str, ...]
    non_covered: Decimal | None
    dates: tuple[CodedValue, ...]
    refs: tuple[CodedValue, ...]
    ndc: str
    ndc_quantity: Decimal | None
    ndc_unit: str
    providers: tuple[Entity, ...]
    adjudications: tuple[LineAdjudication837, ...]


@dataclass(frozen=True, slots=True)
class OtherSubscriber837:
    """Loop 2320 with 2330A (other subscriber) and 2330B (other payer)."""

    sbr: tuple[str, ...]               # SBR01..SBR09
    adjustments: tuple[CasAdjustment, ...]
    amounts: tuple[CodedValue, ...]
    oi: tuple[str, ...]
    subscriber: Entity | None
    payer: Entity | None
    payer_dates: tuple[CodedValue, ...]
    payer_refs: tuple[CodedValue, ...]


@dataclass(frozen=True, slots=True)
class Claim837:
    implementation: str                # ST03 (or GS08)
    transaction: str                   # ST02
    billing_provider: Entity
    sbr: tuple[str, ...]               # 2000B SBR01..SBR09
    subscriber: Entity
    payer: Entity
    patient: Entity | None             # 2010CA, when the patient is not the subscriber
    patient_relationship: str          # 2000C PAT01
    clm: tuple[str, ...]               # CLM01..CLM20 raw
    clm05: tuple[str, ...]             # facility code, qualifier, frequency
    clm11: tuple[str, ...]             # related causes, state, country
    charge: Decimal
    dates: tuple[CodedValue, ...]
    refs: tuple[CodedValue, ...]
    notes: tuple[CodedValue, ...]
    health_codes: tuple[HealthCode, ...]
    cl1: tuple[str, ...]
    providers: tuple[Entity, ...]      # 2310x, by NM101
    other_subscribers: tuple[OtherSubscriber837, ...]
    lines: tuple[ServiceLine837, ...]
    file_position: int = 0


@dataclass(frozen=True, slots=True)
class Read837:
    claims: tuple[Claim837, ...]
    defects: tuple[Defect, ...] = field(default=())


# The values are built by positional constructors (every field, in order; see `positional`):
# a frozen dataclass's own __init__ sets its fields one object.__setattr__ at a time, which
# took a fifth of a read.
_new_entity = positional(Entity)
_new_line = positional(ServiceLine837)
_new_claim = positional(Claim837)
_new_adjudication = positional(LineAdjudication837)
_new_other = positional(OtherSubscriber837)
new_coded = positional(CodedValue)
new_health_code = positional(HealthCode)
new_cas = positional(CasAdjustment)


def entity_of(data: dict) -> Entity:
    """An NM1 loop's builder (the walker's new_entity) as its value."""
    get = data.get
    return _new_entity(
        data["entity"], data["entity_type"], data["last_name"], data["first_name"],
        data["middle_name"], data["suffix"], data["id_qualifier"], data["identifier"],
        data["address_lines"], get("city", ""), get("state", ""), get("postal_code", ""),
        get("country", ""), get("birth_date"), get("sex", ""), get("taxonomy", ""),
        tuple(data["refs"]))


# One builder per value, field by field: a claim file makes hundreds of thousands of them.
def adjudication_of(d: dict) -> LineAdjudication837:
    return _new_adjudication(d["payer_id"], d["paid"], d["procedure"], d["revenue_code"],
                             d["units"], tuple(d["adjustments"]), tuple(d["dates"]))


def line_of(d: dict) -> ServiceLine837:
    return _new_line(
        d["number"], d["segment"], d["procedure"], d["revenue_code"], d["charge"],
        d["unit_basis"], d["units"], d["place_of_service"], d["diagnosis_pointers"],
        d["non_covered"], tuple(d["dates"]), tuple(d["refs"]), d["ndc"], d["ndc_quantity"],
        d["ndc_unit"], tuple([entity_of(e) for e in d["providers"]]), tuple(d["adjudications"]))


def other_of(d: dict) -> OtherSubscriber837:
    subscriber, payer = d["subscriber"], d["payer"]
    return _new_other(
        d["sbr"], tuple(d["adjustments"]), tuple(d["amounts"]), d["oi"],
        entity_of(subscriber) if subscriber is not None else None,
        entity_of(payer) if payer is not None else None, tuple(d["payer_dates"]),
        tuple(d["payer_refs"]))


def claim_of(d: dict, parties: tuple[Entity, Entity, Entity, Entity | None],
           relationship: str) -> Claim837:
    """Loop 2300's builder as its value, with its parties (billing provider, subscriber,
    payer, patient) already frozen."""
    billing, subscriber, payer, patient = parties
    return _new_claim(
        d["implementation"], d["transaction"], billing, d["sbr"], subscriber, payer, patient,
        relationship, d["clm"], d["clm05"], d["clm11"], d["charge"], tuple(d["dates"]),
        tuple(d["refs"]), tuple(d["notes"]), tuple(d["health_codes"]), d["cl1"],
        tuple([entity_of(e) for e in d["providers"]]), tuple(d["other_subscribers"]),
        tuple(d["lines"]), d["file_position"])
