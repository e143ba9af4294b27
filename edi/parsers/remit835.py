"""The 835 Health Care Claim Payment/Advice (005010X221A1) read into frozen, typed values.

Sans-I/O: :func:`read_835` takes the text of a file and returns a :class:`RemittanceFile`
holding one :class:`Remittance` per ST..SE (several payers and payments per file are normal).
Every segment the TR3 defines for the 835 lands in a typed field; anything else is kept in an
``other`` tuple on the loop it appeared in, so nothing read is thrown away.

Reading never stops at a bad amount or an unexpected segment: the problem becomes a
:class:`~edi.x12.defects.Defect` with its X12 path, and the caller decides. Balancing (TR3
1.10.2.1) is not checked here; that is the posting side's job.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from edi.errors import InterchangeError
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.delimiters import Delimiters
from edi.x12.segment import Segment
from edi.x12.tokenizer import parse_segments

__all__ = [
    "Adjustment", "Amount", "ClaimPayment", "Contact", "DateValue", "HeaderGroup",
    "Party", "PaymentInfo", "ProcedureCode", "ProviderAdjustment", "Quantity", "Reference",
    "Remittance", "RemittanceFile", "ServicePayment", "TraceNumber", "read_835",
    "CLAIM_STATUS_CODES", "GROUP_CODES",
]

ZERO = Decimal("0")
_MONEY_LIMIT = Decimal("1E10")
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
        return _date(self._ts3(3))

    @property
    def claim_count(self) -> int | None:     # TS304
        text = self._ts3(4)
        return int(text) if text.isdigit() else None

    @property
    def total_charge(self) -> Decimal | None:    # TS305
        try:
            return Decimal(self._ts3(5)) if self._ts3(5) else None
        except InvalidOperation:
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


def _date(text: str) -> dt.date | None:
    if len(text) == 8 and text.isdigit():
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


class _Reader:
    """Walks the segments of one ST..SE, keeping the loop it is in (2000/2100/2110)."""

    def __init__(self, source: str, control: str, st_position: int) -> None:
        self.source = source
        self.control = control
        self.st_position = st_position
        self.defects: list[Defect] = []
        self.loop = "HEADER"
        self.seg: Segment | None = None
        self.version = ""

    def defect(self, message: str, element: int = 0, code: str = "8",
               severity: Severity = Severity.ERROR,
               level: DefectLevel = DefectLevel.ELEMENT) -> None:
        seg = self.seg
        path = X12Path(loop=self.loop, segment=seg.tag if seg else "",
                       segment_position=(seg.position - self.st_position + 1) if seg else 0,
                       element=element, transaction=self.control,
                       file_position=seg.position if seg else 0)
        self.defects.append(Defect(severity, level, code, path, message))

    def money(self, seg: Segment, n: int, required: bool = True) -> Decimal:
        value = self.decimal(seg, n, "amount")
        if value is None:
            if required:
                self.defect(f"{seg.tag}{n:02d} (an amount) is missing; counted as 0.00", n, "1")
            return ZERO
        if abs(value) >= _MONEY_LIMIT:
            # Ten billion on one remittance line is a corrupt field, not a payment.
            self.defect(f"{seg.tag}{n:02d} amount {value} is implausibly large; counted as 0.00",
                        n, "6")
            return ZERO
        return value

    def decimal(self, seg: Segment, n: int, what: str = "number") -> Decimal | None:
        elements = seg.elements
        text = elements[n - 1] if n <= len(elements) else ""
        if not text:
            return None
        try:
            value = Decimal(text)       # tolerates surrounding blanks
        except InvalidOperation:
            if not text.strip():
                return None
            value = None
        if value is None or not value.is_finite():
            self.defect(f"{seg.tag}{n:02d} should be an {what} but reads {text!r}", n, "6")
            return None
        return value

    def date(self, seg: Segment, n: int) -> dt.date | None:
        text = seg.get(n)
        value = _date(text)
        if text and value is None:
            self.defect(f"{seg.tag}{n:02d} should be a date CCYYMMDD but reads {text!r}", n, "8")
        return value


def _procedure(seg: Segment, n: int) -> ProcedureCode | None:
    parts = seg.components(n)
    if not parts or not parts[0]:
        return None
    parts = parts + ("",) * (8 - len(parts))
    return ProcedureCode(parts[0], parts[1], tuple(m for m in parts[2:6] if m), parts[6])


def _contact(seg: Segment) -> Contact:
    numbers = tuple((seg.get(i), seg.get(i + 1)) for i in (3, 5, 7) if seg.get(i))
    return Contact(seg.get(1), seg.get(2), numbers)


def _adjustments(r: _Reader, seg: Segment) -> list[Adjustment]:
    el = seg.elements
    count = len(el)
    group = el[0] if el else ""
    # 4010 (X091A1) still had CR corrections and reversals; 5010 dropped it (RFI 1147).
    if group not in GROUP_CODES and not (group == "CR" and r.version.startswith("004010")):
        r.defect(f"CAS01 group code {group!r} is not CO, OA, PI or PR (5010)", 1, "7")
    out = []
    for i in range(1, min(count, 19), 3):       # CAS02/05/08/11/14/17: reason codes
        reason = el[i]
        if not reason:
            if i + 1 < count and el[i + 1]:
                r.defect(f"CAS{i + 2:02d} has an amount without a reason code", i + 1, "2")
            continue
        quantity = r.decimal(seg, i + 3) if i + 2 < count and el[i + 2] else None
        out.append(Adjustment(group, reason, r.money(seg, i + 2), quantity))
    return out


class _Builder:
    """Mutable collection state for one level; frozen into a value when the level closes."""

    __slots__ = ("seg", "parties", "adjustments", "references", "dates", "amounts",
                 "quantities", "contacts", "remarks", "other", "services", "mia", "moa",
                 "party")

    def __init__(self, seg: Segment | None = None) -> None:
        self.seg = seg
        self.parties: list[Party] = []
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.dates: list[DateValue] = []
        self.amounts: list[Amount] = []
        self.quantities: list[Quantity] = []
        self.contacts: list[Contact] = []
        self.remarks: list[str] = []
        self.other: list[Segment] = []
        self.services: list[ServicePayment] = []
        self.mia: tuple[str, ...] = ()
        self.moa: tuple[str, ...] = ()
        self.party: dict[str, object] | None = None


def _party_from(seg: Segment) -> dict[str, object]:
    if seg.tag == "N1":
        return {"entity": seg.get(1), "name": seg.get(2), "id_qualifier": seg.get(3),
                "identifier": seg.get(4), "references": [], "contacts": [], "address": ()}
    return {"entity": seg.get(1), "entity_type": seg.get(2), "name": seg.get(3),
            "first_name": seg.get(4), "middle_name": seg.get(5), "suffix": seg.get(7),
            "id_qualifier": seg.get(8), "identifier": seg.get(9), "references": [],
            "contacts": [], "address": ()}


def _freeze_party(p: dict[str, object] | None) -> Party:
    if p is None:
        return Party(entity="", name="")
    values = dict(p)
    values["references"] = tuple(values["references"])  # type: ignore[arg-type]
    values["contacts"] = tuple(values["contacts"])  # type: ignore[arg-type]
    return Party(**values)  # type: ignore[arg-type]


def _read_transaction(segments: list[Segment], envelope: dict[str, str],
                      source: str) -> Remittance:
    st = segments[0]
    r = _Reader(source, st.get(2), st.position)
    r.version = envelope.get("gs08", "")
    head = _Builder()
    bpr: PaymentInfo | None = None
    trn: TraceNumber | None = None
    payer: dict[str, object] | None = None
    payee: dict[str, object] | None = None
    headers: list[HeaderGroup] = []
    claims: list[ClaimPayment] = []
    plb: list[ProviderAdjustment] = []
    currency: tuple[str, ...] = ()
    lx_number = ""
    claim: _Builder | None = None
    svc: _Builder | None = None
    declared = 0

    def close_service() -> None:
        nonlocal svc
        if svc is None or claim is None:
            return
        s = svc.seg
        assert s is not None
        r.loop = "2110"
        r.seg = s
        procedure = _procedure(s, 1) or ProcedureCode("", "")
        if not procedure.code:
            r.defect(f"SVC01 {s.get(1)!r} has no procedure or revenue code after the qualifier"
                     f" (the component separator here is {s.delimiters.component!r})", 1, "1")
        e = s.elements
        claim.services.append(ServicePayment(
            procedure=procedure, charge=r.money(s, 2), paid=r.money(s, 3),
            revenue_code=e[3] if len(e) > 3 else "",
            units=r.decimal(s, 5) if len(e) > 4 else None,
            submitted_procedure=_procedure(s, 6) if len(e) > 5 else None,
            submitted_units=r.decimal(s, 7) if len(e) > 6 else None, dates=tuple(svc.dates),
            adjustments=tuple(svc.adjustments), references=tuple(svc.references),
            amounts=tuple(svc.amounts), quantities=tuple(svc.quantities),
            remarks=tuple(svc.remarks), other=tuple(svc.other), position=s.position))
        svc = None

    def close_claim() -> None:
        nonlocal claim
        close_service()
        if claim is None:
            return
        c = claim.seg
        assert c is not None
        r.loop, r.seg = "2100", c
        status = c.get(2)
        if status not in CLAIM_STATUS_CODES:
            r.defect(f"CLP02 claim status {status!r} is not one allowed in a 5010 835", 2, "7")
        if not c.get(1):
            r.defect("CLP01 (our claim number) is missing", 1, "1")
        if claim.party is not None:
            claim.parties.append(_freeze_party(claim.party))
        claims.append(ClaimPayment(
            patient_control_number=c.get(1), status=status, charge=r.money(c, 3),
            paid=r.money(c, 4), patient_responsibility=r.decimal(c, 5, "amount"),
            filing_indicator=c.get(6), payer_claim_number=c.get(7), facility_type=c.get(8),
            frequency=c.get(9), drg=c.get(11), drg_weight=r.decimal(c, 12),
            discharge_fraction=r.decimal(c, 13), adjustments=tuple(claim.adjustments),
            parties=tuple(claim.parties), inpatient=claim.mia, outpatient=claim.moa,
            references=tuple(claim.references), dates=tuple(claim.dates),
            contacts=tuple(claim.contacts), amounts=tuple(claim.amounts),
            quantities=tuple(claim.quantities), services=tuple(claim.services),
            other=tuple(claim.other), header_number=lx_number, position=c.position))
        claim = None

    for seg in segments[1:]:
        tag = seg.tag
        r.seg = seg
        target = svc or claim
        if target is not None:
            # Fast path for the segments that repeat inside 2100/2110 loops (most of a file).
            el = seg.elements
            if tag == "CAS":
                target.adjustments.extend(_adjustments(r, seg))
                continue
            if tag == "DTM":
                raw = el[1] if len(el) > 1 else ""
                value = _date(raw)
                if raw and value is None:
                    r.date(seg, 2)
                target.dates.append(DateValue(el[0] if el else "", value, raw))
                continue
            if tag == "REF":
                target.references.append(Reference(*(tuple(el[:3]) + ("",) * (3 - len(el)))))
                continue
            if tag == "SVC":
                close_service()
                r.loop = "2110"
                svc = _Builder(seg)
                continue
            if tag == "AMT":
                target.amounts.append(Amount(seg.get(1), r.money(seg, 2)))
                continue
        if tag == "SE":
            close_claim()
            r.loop, r.seg = "TRAILER", seg
            try:
                declared = int(seg.get(1))
            except ValueError:
                r.defect(f"SE01 segment count {seg.get(1)!r} is not a number", 1, "6")
            if declared and declared != len(segments):
                r.defect(f"SE01 says {declared} segments but the set has {len(segments)}",
                         1, "4", level=DefectLevel.TRANSACTION)
            break
        if tag == "BPR":
            bpr = PaymentInfo(
                handling=seg.get(1), amount=r.money(seg, 2), credit_debit=seg.get(3),
                method=seg.get(4), format=seg.get(5), sender_dfi_qualifier=seg.get(6),
                sender_dfi=seg.get(7), sender_account_qualifier=seg.get(8),
                sender_account=seg.get(9), payer_identifier=seg.get(10),
                payer_supplemental=seg.get(11), receiver_dfi_qualifier=seg.get(12),
                receiver_dfi=seg.get(13), receiver_account_qualifier=seg.get(14),
                receiver_account=seg.get(15), date=r.date(seg, 16))
        elif tag == "TRN" and claim is None:
            trn = TraceNumber(seg.get(1), seg.get(2), seg.get(3), seg.get(4))
        elif tag == "CUR":
            currency = seg.elements
        elif tag == "N1" and (claim is not None or headers):
            # Payer and payee come once, before the first LX (TR3 1000A/1000B).
            r.defect(f"N1*{seg.get(1)} after the claims began is outside the 1000A/1000B "
                     "loops; kept as an unexpected segment", code="2",
                     level=DefectLevel.SEGMENT)
            (target or head).other.append(seg)
        elif tag == "N1":
            r.loop = "1000A" if seg.get(1) == "PR" else "1000B"
            if seg.get(1) == "PR":
                payer = _party_from(seg)
            else:
                payee = _party_from(seg)
        elif tag in ("N3", "N4", "RDM") and claim is None and r.loop in ("1000A", "1000B"):
            party = payer if r.loop == "1000A" else payee
            assert party is not None
            if tag == "N3":
                party["address"] = tuple(e for e in seg.elements[:2] if e)
            elif tag == "N4":
                party.update(city=seg.get(1), state=seg.get(2), postal_code=seg.get(3))
            else:
                head.other.append(seg)
        elif tag == "LX":
            close_claim()
            r.loop = "2000"
            lx_number = seg.get(1)
            headers.append(HeaderGroup(lx_number))
        elif tag in ("TS3", "TS2") and claim is None and headers:
            last = headers[-1]
            headers[-1] = (HeaderGroup(last.number, seg.elements, last.supplemental)
                           if tag == "TS3" else
                           HeaderGroup(last.number, last.summary, seg.elements))
        elif tag == "CLP":
            close_claim()
            r.loop = "2100"
            claim = _Builder(seg)
        elif tag == "NM1" and claim is not None and svc is None:
            if claim.party is not None:
                claim.parties.append(_freeze_party(claim.party))
            claim.party = _party_from(seg)
        elif tag == "MIA" and claim is not None:
            claim.mia = seg.elements
        elif tag == "MOA" and claim is not None:
            claim.moa = seg.elements
        elif tag == "REF":      # inside 2100/2110 the fast path above took it
            ref = Reference(seg.get(1), seg.get(2), seg.get(3))
            if r.loop in ("1000A", "1000B"):
                party = payer if r.loop == "1000A" else payee
                party["references"].append(ref)  # type: ignore[index, union-attr]
            else:
                head.references.append(ref)
        elif tag == "DTM":
            head.dates.append(DateValue(seg.get(1), r.date(seg, 2), seg.get(2)))
        elif tag == "PER":
            if target is not None:
                target.contacts.append(_contact(seg))
            elif r.loop in ("1000A", "1000B"):
                party = payer if r.loop == "1000A" else payee
                party["contacts"].append(_contact(seg))  # type: ignore[index, union-attr]
            else:
                head.other.append(seg)
        elif tag == "QTY" and target is not None:
            target.quantities.append(Quantity(seg.get(1), r.decimal(seg, 2) or ZERO))
        elif tag == "LQ" and svc is not None:
            if seg.get(1) == "HE":
                svc.remarks.append(seg.get(2))
            else:
                svc.other.append(seg)
        elif tag == "PLB":
            close_claim()
            r.loop = "PLB"
            fiscal = r.date(seg, 2)
            for i in range(3, 15, 2):
                if not seg.get(i):
                    continue
                reason, _, reference = seg.get(i).partition(seg.delimiters.component)
                plb.append(ProviderAdjustment(seg.get(1), fiscal, reason, reference,
                                              r.money(seg, i + 1)))
        else:
            (target or head).other.append(seg)
    else:
        r.seg = segments[-1]
        r.defect("the transaction set has no SE trailer", code="2",
                 level=DefectLevel.TRANSACTION)
    close_claim()
    r.loop, r.seg = "HEADER", st
    if bpr is None:
        r.defect("BPR (payment amount and method) is missing", code="3",
                 level=DefectLevel.SEGMENT)
        bpr = PaymentInfo("", ZERO, "", "")
    if trn is None:
        r.defect("TRN (check or EFT trace number) is missing", code="3",
                 level=DefectLevel.SEGMENT)
        trn = TraceNumber("", "")
    if payer is None:
        r.defect("N1*PR (the payer) is missing", code="3", level=DefectLevel.SEGMENT)
    return Remittance(
        control_number=st.get(2), payment=bpr, trace=trn, payer=_freeze_party(payer),
        payee=_freeze_party(payee), claims=tuple(claims), provider_adjustments=tuple(plb),
        headers=tuple(headers), currency=currency, references=tuple(head.references),
        dates=tuple(head.dates), other=tuple(head.other),
        interchange_control=envelope.get("isa13", ""), group_control=envelope.get("gs06", ""),
        version=envelope.get("gs08", ""), sender_id=envelope.get("gs02", ""),
        receiver_id=envelope.get("gs03", ""), declared_segment_count=declared,
        segment_count=len(segments), position=st.position, defects=tuple(r.defects))


def _bare_delimiters(text: str) -> Delimiters:
    """Delimiters of a bare ST..SE (no ISA), as some payer portals hand them out."""
    element = text[2]
    rest = text[3:].split(element, 2)
    after = rest[1] if len(rest) > 1 else ""
    terminator = next((ch for ch in after if not ch.isalnum()), "~")
    component = ">" if ">" in text and ":" not in text else ":"
    repetition = next(ch for ch in "^|{" if ch not in (element, terminator, component))
    return Delimiters(element, component, repetition, terminator)


def _segments(text: str, source: str) -> tuple[list[Segment], list[Defect]]:
    body = text.lstrip("\ufeff\r\n\t ")
    if body.startswith("ISA"):
        notes: list[Defect] = []
        if body[105:106] in ("\n", "\r") and body[106:].lstrip("\r\n").startswith("~"):
            # Line breaks written before each terminator ("...*P*^\n~GS*..."): the fixed-width
            # ISA then names the line break as the terminator. Put them after the "~".
            body = body.replace("\r\n~", "~\n").replace("\n~", "~\n")
            notes.append(Defect(Severity.WARNING, DefectLevel.INTERCHANGE, "004",
                                X12Path(segment="ISA", file_position=1),
                                "line breaks stand before each segment terminator; read as '~'"))
        return parse_segments(body, source), notes
    if body.startswith("ST") and len(body) > 3 and not body[2].isalnum():
        delims = _bare_delimiters(body)
        segments = []
        for i, piece in enumerate(p.strip() for p in body.split(delims.segment)):
            if piece:
                parts = piece.split(delims.element)
                segments.append(Segment(parts[0], tuple(parts[1:]), delims, i + 1))
        note = Defect(Severity.WARNING, DefectLevel.INTERCHANGE, "024",
                      X12Path(segment="ST", file_position=1),
                      "the file has no ISA/GS envelope; read as a bare transaction set")
        return segments, [note]
    raise InterchangeError(f"expected an ISA (or ST) segment, found {body[:20]!r}",
                           note_code="024", source=source)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Reading allocates hundreds of thousands of small objects and no cycles; the cyclic
    # collector would rescan them over and over (performance.md: half the reading time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_835(text: str, source: str = "") -> RemittanceFile:
    """Read every 835 transaction set in ``text``.

    Raises :class:`~edi.errors.InterchangeError` only when the text is not X12 at all; other
    problems are defects on the file or on the remittance they belong to.
    """
    with _collector_paused():
        return _read_835(text, source)


def _read_835(text: str, source: str) -> RemittanceFile:
    segments, defects = _segments(text, source)
    envelope: dict[str, str] = {}
    remittances: list[Remittance] = []
    current: list[Segment] | None = None
    for seg in segments:
        tag = seg.tag
        if current is not None:
            current.append(seg)
            if tag == "SE":
                remittances.append(_read_transaction(current, envelope, source))
                current = None
            continue
        if tag == "ISA":
            envelope = {"isa13": seg.get(13)}
        elif tag == "GS":
            envelope.update(gs02=seg.get(2), gs03=seg.get(3), gs06=seg.get(6), gs08=seg.get(8))
        elif tag == "ST":
            if seg.get(1) != "835":
                defects.append(Defect(
                    Severity.ERROR, DefectLevel.TRANSACTION, "1",
                    X12Path(segment="ST", element=1, transaction=seg.get(2),
                            file_position=seg.position),
                    f"transaction set {seg.get(1)!r} is not an 835 remittance; skipped"))
                current = None
                continue
            current = [seg]
    if current is not None:
        remittances.append(_read_transaction(current, envelope, source))
    if not remittances:
        defects.append(Defect(Severity.ERROR, DefectLevel.TRANSACTION, "1", X12Path(),
                              "the file holds no 835 transaction set"))
    return RemittanceFile(tuple(remittances), tuple(defects), source)
