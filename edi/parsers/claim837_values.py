"""The frozen values an 837 claim (005010X222A1 professional, X223A2 institutional) is read
into, shaped like the TR3: :class:`Claim837` is one loop 2300 with the billing provider
(2010AA), subscriber and payer (2000B/2010BA/2010BB), patient (2000C), the claim's provider
loops (2310x), other payers (:class:`OtherSubscriber837`, 2320/2330x) and lines
(:class:`ServiceLine837`, 2400 with 2410, 2420 and :class:`LineAdjudication837`, 2430).

The reader that builds them is :func:`edi.parsers.claim837.read_837`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

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
