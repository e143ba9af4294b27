"""The frozen values an 835 (005010X221A1) is read into, one class per TR3 loop or segment.

:class:`RemittanceFile` holds one :class:`Remittance` per ST..SE; a remittance holds its
payment (BPR), trace (TRN), payer and payee (1000A/1000B), header groups (2000), claim
payments (2100) with their service payments (2110), and provider adjustments (PLB). The
reader that builds them lives in :mod:`edi.parsers.remit835`; posting and balancing take
these values and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from edi.parsers.construction import ccyymmdd
from edi.x12.defects import Defect
from edi.x12.numbers import NumberFormatError, read_decimal, read_integer
from edi.x12.segment import Segment

__all__ = [
    "CLAIM_STATUS_CODES", "GROUP_CODES", "ZERO", "Adjustment", "Amount", "ClaimPayment",
    "Contact", "DateValue", "HeaderGroup", "Party", "PaymentInfo", "ProcedureCode",
    "ProviderAdjustment", "Quantity", "Reference", "Remittance", "RemittanceFile",
    "ServicePayment", "TraceNumber",
]

ZERO = Decimal("0")
#: CLP02 values allowed in 5010 (X221A1; see x12-domain.md appendix B).
CLAIM_STATUS_CODES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
#: CAS01 group codes in 5010; CR left the list with 4010 (RFI 1147).
GROUP_CODES = frozenset({"CO", "OA", "PI", "PR"})


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class DateValue:
    """A DTM: the qualifier (472 service, 232/233 statement period, 405 production ...)."""

    qualifier: str
    date: dt.date | None
    raw: str


@dataclass(frozen=True, slots=True)
class Amount:
    qualifier: str           # AMT01: B6 allowed, I interest, AU coverage, F5 patient paid ...
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Quantity:
    qualifier: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Contact:
    """PER: function (CX claims, BL technical, IC web), name, then (qualifier, number) pairs."""

    function: str
    name: str
    numbers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CO/PR/OA/PI), CARC, amount (positive reduces payment)."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """An N1 (1000A/1000B) or NM1 (2100) party with its address, ids and contacts."""

    entity: str              # N101 / NM101: PR payer, PE payee, QC patient, IL insured, TT ...
    name: str                # organisation name or last name
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    entity_type: str = ""    # NM102: 1 person, 2 organisation
    id_qualifier: str = ""
    identifier: str = ""
    address: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    references: tuple[Reference, ...] = ()
    contacts: tuple[Contact, ...] = ()

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.name, self.suffix)
                        if p)


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    """BPR: how and how much the payer paid (TR3 1.10.2.1, BPR02 is the balancing total)."""

    handling: str                    # BPR01: C payment+remit, I remittance only, H notification
    amount: Decimal                  # BPR02
    credit_debit: str                # BPR03: C / D
    method: str                      # BPR04: ACH, CHK, BOP, FWT, NON
    format: str = ""                 # BPR05: CCP, CTX
    sender_dfi_qualifier: str = ""
    sender_dfi: str = ""
    sender_account_qualifier: str = ""
    sender_account: str = ""
    payer_identifier: str = ""       # BPR10 (= TRN03)
    payer_supplemental: str = ""
    receiver_dfi_qualifier: str = ""
    receiver_dfi: str = ""
    receiver_account_qualifier: str = ""
    receiver_account: str = ""
    date: dt.date | None = None      # BPR16: check issue or EFT effective date


@dataclass(frozen=True, slots=True)
class TraceNumber:
    """TRN: TRN02 is the check or EFT trace number that reassociates money and remittance."""

    trace_type: str
    number: str
    originator: str = ""             # TRN03: '1' + payer EIN
    supplemental: str = ""


@dataclass(frozen=True, slots=True)
class ProcedureCode:
    """SVC01 / SVC06 composite: qualifier (HC, NU, AD, N4 ...), code, modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class ServicePayment:
    """Loop 2110: one adjudicated service line."""

    procedure: ProcedureCode         # SVC01, as adjudicated
    charge: Decimal                  # SVC02
    paid: Decimal                    # SVC03
    revenue_code: str = ""           # SVC04
    units: Decimal | None = None     # SVC05
    submitted_procedure: ProcedureCode | None = None   # SVC06, only when the payer changed it
    submitted_units: Decimal | None = None             # SVC07
    dates: tuple[DateValue, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[Reference, ...] = ()
    amounts: tuple[Amount, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    remarks: tuple[str, ...] = ()    # LQ*HE remittance advice remark codes
    other: tuple[Segment, ...] = ()
    position: int = 0                # segment ordinal of the SVC in the file

    def reference(self, qualifier: str) -> str:
        return next((r.value for r in self.references if r.qualifier == qualifier), "")

    @property
    def line_control_number(self) -> str:
        return self.reference("6R")

    @property
    def allowed(self) -> Decimal | None:
        return next((a.amount for a in self.amounts if a.qualifier == "B6"), None)

    @property
    def service_date(self) -> dt.date | None:
        for d in self.dates:
            if d.qualifier in ("472", "150"):
                return d.date
        return None

    @property
    def billed_procedure(self) -> ProcedureCode:
        """What we sent: SVC06 when the payer restated the code, else SVC01."""
        return self.submitted_procedure or self.procedure


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """Loop 2100: CLP with its adjustments, parties, remarks and service lines."""

    patient_control_number: str      # CLP01 = our CLM01
    status: str                      # CLP02
    charge: Decimal                  # CLP03
    paid: Decimal                    # CLP04
    patient_responsibility: Decimal | None   # CLP05
    filing_indicator: str            # CLP06
    payer_claim_number: str          # CLP07 (ICN/DCN)
    facility_type: str = ""          # CLP08
    frequency: str = ""              # CLP09
    drg: str = ""                    # CLP11
    drg_weight: Decimal | None = None
    discharge_fraction: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    parties: tuple[Party, ...] = ()
    inpatient: tuple[str, ...] = ()  # MIA elements as sent
    outpatient: tuple[str, ...] = () # MOA elements as sent
    references: tuple[Reference, ...] = ()
    dates: tuple[DateValue, ...] = ()
    contacts: tuple[Contact, ...] = ()
    amounts: tuple[Amount, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    services: tuple[ServicePayment, ...] = ()
    other: tuple[Segment, ...] = ()
    header_number: str = ""          # LX01 of the enclosing 2000 loop
    position: int = 0

    def party(self, entity: str) -> Party | None:
        return next((p for p in self.parties if p.entity == entity), None)

    @property
    def patient(self) -> Party | None:
        return self.party("QC")

    @property
    def crossover_carrier(self) -> Party | None:
        """NM1*TT: the payer forwarded the claim to this next payer (CLP02 19-21)."""
        return self.party("TT")

    def amount(self, qualifier: str) -> Decimal | None:
        return next((a.amount for a in self.amounts if a.qualifier == qualifier), None)

    @property
    def interest(self) -> Decimal:
        return self.amount("I") or ZERO

    @property
    def remarks(self) -> tuple[str, ...]:
        """Claim-level RARCs: MIA05, MIA20-23 and MOA03-07 (TR3 2100 MIA/MOA)."""
        mia = [self.inpatient[i] for i in (4, 19, 20, 21, 22) if i < len(self.inpatient)]
        moa = [self.outpatient[i] for i in range(2, 7) if i < len(self.outpatient)]
        return tuple(code for code in mia + moa if code)

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"

    @property
    def statement_period(self) -> tuple[dt.date | None, dt.date | None]:
        start = next((d.date for d in self.dates if d.qualifier == "232"), None)
        end = next((d.date for d in self.dates if d.qualifier == "233"), None)
        return start, end

    @property
    def all_adjustments(self) -> tuple[Adjustment, ...]:
        return self.adjustments + tuple(a for s in self.services for a in s.adjustments)


@dataclass(frozen=True, slots=True)
class HeaderGroup:
    """Loop 2000: LX header number with the TS3/TS2 provider summary elements as sent."""

    number: str
    summary: tuple[str, ...] = ()            # TS3
    supplemental: tuple[str, ...] = ()       # TS2

    def _ts3(self, n: int) -> str:
        return self.summary[n - 1] if n <= len(self.summary) else ""

    @property
    def provider_identifier(self) -> str:    # TS301
        return self._ts3(1)

    @property
    def fiscal_period_end(self) -> dt.date | None:   # TS303
        return ccyymmdd(self._ts3(3))

    @property
    def claim_count(self) -> int | None:     # TS304
        text = self._ts3(4)
        try:
            return read_integer(text) if text else None
        except NumberFormatError:
            return None

    @property
    def total_charge(self) -> Decimal | None:    # TS305
        try:
            return read_decimal(self._ts3(5)) if self._ts3(5) else None
        except NumberFormatError:
            return None


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB pair: reason (X12 426: L6 interest, WO recovery, FB forward balance ...)."""

    provider_id: str
    fiscal_period: dt.date | None
    reason: str
    reference: str
    amount: Decimal                  # positive reduces the payment (TR3 PLB04 note)


@dataclass(frozen=True, slots=True)
class Remittance:
    """One ST..SE: one payment (or notice) from one payer to one payee."""

    control_number: str
    payment: PaymentInfo
    trace: TraceNumber
    payer: Party
    payee: Party
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    headers: tuple[HeaderGroup, ...] = ()
    currency: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    dates: tuple[DateValue, ...] = ()
    other: tuple[Segment, ...] = ()
    interchange_control: str = ""
    group_control: str = ""
    version: str = ""                # GS08
    sender_id: str = ""              # GS02
    receiver_id: str = ""            # GS03
    declared_segment_count: int = 0  # SE01
    segment_count: int = 0           # ST..SE as counted
    position: int = 0
    defects: tuple[Defect, ...] = ()

    @property
    def payer_id(self) -> str:
        """The payer's identity for idempotency: TRN03, else BPR10, else N104 of 1000A."""
        return self.trace.originator or self.payment.payer_identifier or self.payer.identifier

    @property
    def production_date(self) -> dt.date | None:
        return next((d.date for d in self.dates if d.qualifier == "405"), None)

    @property
    def payment_date(self) -> dt.date | None:
        return self.payment.date or self.production_date


@dataclass(frozen=True, slots=True)
class RemittanceFile:
    remittances: tuple[Remittance, ...]
    defects: tuple[Defect, ...] = field(default=())
    source: str = ""

    @property
    def all_defects(self) -> tuple[Defect, ...]:
        return self.defects + tuple(d for r in self.remittances for d in r.defects)
