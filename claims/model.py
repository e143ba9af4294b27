"""The claim model: frozen values for one professional (837P) or institutional (837I) claim.

Field names speak plain English; docstrings and comments name the 837 loop and element each
value travels in (TR3 005010X222A1 / X223A2). Money is ``Decimal`` with two places, dates are
``datetime.date``. Values are built by :mod:`claims.json_codec`, :mod:`claims.inbound` and
:mod:`claims.cob`; the builder and scrubber only read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "ClaimKind", "Sex", "Address", "Provider", "Person", "Subscriber", "Patient", "Payer",
    "Diagnosis", "ServiceLine", "Accident", "CodedDate", "CodedAmount", "Procedure",
    "Institutional", "Adjustment", "LineAdjudication", "PriorPayerAdjudication",
    "OtherCoverage", "Claim", "money", "line_control_number_for",
    "with_line_control_numbers",
]

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """An amount rounded to cents, as every 837 amount element carries it."""
    return Decimal(value).quantize(CENT)


class ClaimKind(StrEnum):
    PROFESSIONAL = "professional"     # 837P, GS08 005010X222A1
    INSTITUTIONAL = "institutional"   # 837I, GS08 005010X223A2


class Sex(StrEnum):
    """DMG03 gender codes."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


@dataclass(frozen=True, slots=True)
class Address:
    """N3/N4. ``postal_code`` is 5 or 9 digits for US addresses (2010AA needs 9)."""

    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""
    country: str = ""                 # N404, only for addresses outside the US


@dataclass(frozen=True, slots=True)
class Provider:
    """A billing, rendering, referring, attending or service-facility provider (NM1 loops).

    ``organization`` True sends NM102=2 and ``last_name`` holds the organization name.
    """

    npi: str
    last_name: str
    first_name: str = ""
    middle_name: str = ""
    organization: bool = False
    taxonomy: str = ""                # PRV03 with PRV02=PXC (NUCC code)
    tax_id: str = ""                  # 2010AA REF*EI (or REF*SY when tax_id_type is "SY")
    tax_id_type: str = "EI"
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A named person with demographics (2010BA subscriber, 2010CA patient)."""

    last_name: str
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    birth_date: dt.date | None = None
    sex: Sex = Sex.UNKNOWN
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Subscriber:
    """The insured for one payer (2000B SBR + 2010BA, or 2320 SBR + 2330A)."""

    person: Person
    member_id: str                    # NM109 with NM108=MI
    group_number: str = ""            # SBR03
    group_name: str = ""              # SBR04
    insurance_type: str = ""          # SBR05 (837P only; Medicare secondary payer type)
    claim_filing_indicator: str = "CI"  # SBR09


@dataclass(frozen=True, slots=True)
class Patient:
    """The patient when not the subscriber (2000C). ``relationship`` is PAT01."""

    person: Person
    relationship: str = "19"          # 01 spouse, 19 child, 20 employee, 21 unknown, G8 other


@dataclass(frozen=True, slots=True)
class Payer:
    """2010BB / 2330B. ``payer_id`` is NM109 with NM108=PI."""

    name: str
    payer_id: str
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One ICD-10-CM code, stored without the dot; ``present_on_admission`` is 837I HIxx-9."""

    code: str
    present_on_admission: str = ""


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """Loop 2400: SV1 (837P) or SV2 (837I), DTP*472, REF*6R and 2410 drug identification."""

    procedure_code: str               # SV101-2 / SV202-2 (CPT or HCPCS); may be empty on 837I
    charge: Decimal                   # SV102 / SV203
    units: Decimal = Decimal(1)       # SV104 / SV205
    service_date: dt.date | None = None
    service_date_end: dt.date | None = None
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = ()   # SV107, 1-based into Claim.diagnoses
    line_control_number: str = ""     # REF*6R, unique within the claim
    unit_basis: str = "UN"            # SV103 / SV204: UN units, MJ minutes, DA days
    place_of_service: str = ""        # SV105, only when it differs from the claim's
    description: str = ""             # SV101-7, for unlisted codes
    revenue_code: str = ""            # SV201 (837I)
    non_covered_charge: Decimal | None = None   # SV207 (837I)
    ndc: str = ""                     # 2410 LIN03 (11 digits, N4 qualifier)
    ndc_quantity: Decimal | None = None        # CTP04
    ndc_unit: str = ""                # CTP05-1: F2 international unit, GR, ME, ML, UN


@dataclass(frozen=True, slots=True)
class Accident:
    """CLM11 related causes (AA auto, EM employment, OA other) and DTP*439."""

    causes: tuple[str, ...]
    state: str = ""                   # CLM11-4, required for auto accidents
    country: str = ""
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CodedDate:
    """An NUBC occurrence code with its date (837I HI*BH)."""

    code: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class CodedAmount:
    """An NUBC value code with its amount (837I HI*BE)."""

    code: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Procedure:
    """An ICD-10-PCS procedure with its date (837I HI*BBR principal, HI*BBQ other)."""

    code: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Institutional:
    """The 837I-only claim data (CLM05, DTP*434/435/096, CL1, HI code groups, 2310A)."""

    type_of_bill: str                 # 3 digits, e.g. "111"; frequency is Claim.frequency
    statement_from: dt.date
    statement_to: dt.date
    admission_type: str = ""          # CL101
    admission_source: str = ""        # CL102
    patient_status: str = "01"        # CL103
    admission_date: dt.date | None = None
    admission_hour: str = ""          # HHMM, DTP*435 DT format when given
    discharge_hour: str = ""          # HHMM, DTP*096
    admitting_diagnosis: str = ""     # HI*ABJ
    principal_procedure: Procedure | None = None
    other_procedures: tuple[Procedure, ...] = ()
    occurrences: tuple[CodedDate, ...] = ()
    values: tuple[CodedAmount, ...] = ()
    conditions: tuple[str, ...] = ()
    attending: Provider | None = None  # 2310A NM1*71

    @property
    def facility_type(self) -> str:
        """CLM05-1: the first two digits of the type of bill."""
        return self.type_of_bill[:2]


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group code (CO, OA, PI, PR), CARC reason, amount, optional quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LineAdjudication:
    """How a prior payer settled one line (2430 SVD/CAS/DTP*573)."""

    line_control_number: str
    procedure_code: str
    paid_amount: Decimal
    paid_units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    allowed_amount: Decimal | None = None     # informational; never part of COB balancing
    revenue_code: str = ""                    # SVD04 (837I)
    paid_date: dt.date | None = None          # defaults to the claim's paid date


@dataclass(frozen=True, slots=True)
class PriorPayerAdjudication:
    """A prior payer's decision on the claim, as read from its 835 (for 2320/2330B/2430)."""

    payer: Payer
    paid_amount: Decimal                      # 2320 AMT*D
    paid_date: dt.date                        # 2330B DTP*573
    claim_adjustments: tuple[Adjustment, ...] = ()
    lines: tuple[LineAdjudication, ...] = ()
    payer_claim_number: str = ""              # 2330B REF*F8 (CLP07)
    patient_responsibility: Decimal | None = None   # 2320 AMT*EAF

    @property
    def adjusted_total(self) -> Decimal:
        """Paid plus every claim and line adjustment: what must equal CLM02 (RFI 1294)."""
        total = self.paid_amount + sum((a.amount for a in self.claim_adjustments), Decimal(0))
        for line in self.lines:
            total += sum((a.amount for a in line.adjustments), Decimal(0))
        return money(total)


@dataclass(frozen=True, slots=True)
class OtherCoverage:
    """Another payer on the claim (2320/2330A/2330B), with its adjudication once known."""

    payer: Payer
    subscriber: Subscriber
    responsibility: str               # SBR01 of 2320: P, S, T
    relationship: str = "18"          # SBR02 of 2320: the patient's relationship to this insured
    adjudication: PriorPayerAdjudication | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim (loop 2300) with everyone it names, ready to scrub or build."""

    kind: ClaimKind
    patient_control_number: str       # CLM01
    total_charge: Decimal             # CLM02
    billing_provider: Provider        # 2010AA
    subscriber: Subscriber            # 2000B/2010BA for the payer billed
    payer: Payer                      # 2010BB
    lines: tuple[ServiceLine, ...]
    diagnoses: tuple[Diagnosis, ...]
    patient: Patient | None = None    # None when the subscriber is the patient (SBR02=18)
    responsibility: str = "P"         # SBR01: P primary, S secondary, T tertiary
    frequency: str = "1"              # CLM05-3
    payer_claim_number: str = ""      # REF*F8, required for frequency 7 and 8
    place_of_service: str = "11"      # CLM05-1 on 837P
    rendering_provider: Provider | None = None
    referring_provider: Provider | None = None
    service_facility: Provider | None = None
    onset_date: dt.date | None = None             # DTP*431
    prior_authorization: str = ""                 # REF*G1
    accident: Accident | None = None
    provider_signature: bool = True               # CLM06 (837P only)
    assignment: str = "A"                         # CLM07
    benefits_assigned: str = "Y"                  # CLM08
    release_of_information: str = "Y"             # CLM09
    other_coverages: tuple[OtherCoverage, ...] = ()
    institutional: Institutional | None = None
    notes: str = ""                               # NTE*ADD
    metadata: tuple[tuple[str, str], ...] = field(default=())  # practice-system keys, not sent

    @property
    def line_total(self) -> Decimal:
        """The sum of the line charges, which CLM02 must equal (SNIP type 3)."""
        return money(sum((line.charge for line in self.lines), Decimal(0)))

    @property
    def patient_person(self) -> Person:
        """Whoever received the care: the 2000C patient or, when absent, the subscriber."""
        return self.patient.person if self.patient else self.subscriber.person

    @property
    def first_service_date(self) -> dt.date | None:
        dates = [line.service_date for line in self.lines if line.service_date]
        if self.institutional:
            dates.append(self.institutional.statement_from)
        return min(dates) if dates else None

    @property
    def last_service_date(self) -> dt.date | None:
        dates = [line.service_date_end or line.service_date for line in self.lines
                 if line.service_date]
        if self.institutional:
            dates.append(self.institutional.statement_to)
        return max(dates) if dates else None


def line_control_number_for(patient_control_number: str, index: int) -> str:
    """The REF*6R generated for line ``index`` (1-based) when the practice sent none.

    Derived from CLM01 so the value is stable across rebuilds and comes back in the 835
    (2110 REF*6R) to match the payment to the line; at most 30 characters (TR3 2400 REF02).
    """
    suffix = f"-{index}"
    return patient_control_number[: 30 - len(suffix)] + suffix


def with_line_control_numbers(claim: Claim) -> Claim:
    """``claim`` with a generated REF*6R on every line that has none (the same claim if all do)."""
    if all(line.line_control_number for line in claim.lines):
        return claim
    pcn = claim.patient_control_number
    lines = tuple(line if line.line_control_number else replace(
        line, line_control_number=line_control_number_for(pcn, i))
        for i, line in enumerate(claim.lines, 1))
    return replace(claim, lines=lines)
