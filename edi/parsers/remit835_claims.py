"""Loops 2100 (claim payment, CLP) and 2110 (service payment, SVC) of one 835 transaction set.

These loops are most of an 835, so the segments that repeat in them (CAS, DTM, REF, AMT, SVC)
are tested first. Segments that end a claim or belong to the transaction level (SE, BPR, CUR,
N1, LX, CLP, PLB) are left to :mod:`edi.parsers.remit835_transaction`; anything else met
inside a claim is kept on the claim or service line it appeared in, so nothing is lost.
"""

from __future__ import annotations

from edi.parsers.remit835_elements import (
    ElementReader,
    PartyFields,
    adjustments,
    contact,
    freeze_party,
    party_fields,
    procedure_code,
)
from edi.parsers.remit835_values import (
    CLAIM_STATUS_CODES,
    ZERO,
    Adjustment,
    Amount,
    ClaimPayment,
    Contact,
    DateValue,
    Party,
    ProcedureCode,
    Quantity,
    Reference,
    ServicePayment,
    ccyymmdd,
)
from edi.x12.segment import Segment

__all__ = ["TRANSACTION_LEVEL_TAGS", "ClaimLoops", "LoopBuilder"]

#: Segments read by the transaction level even while a claim is open: the trailer, the
#: payment, the currency, a misplaced N1 (reported there), and those that close the claim.
TRANSACTION_LEVEL_TAGS = frozenset({"SE", "BPR", "CUR", "N1", "LX", "CLP", "PLB"})


class LoopBuilder:
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
        self.party: PartyFields | None = None


class ClaimLoops:
    """The open claim (2100) and service line (2110) and the claim payments closed so far."""

    __slots__ = ("r", "claim", "svc", "claims", "header_number")

    def __init__(self, reader: ElementReader) -> None:
        self.r = reader
        self.claim: LoopBuilder | None = None
        self.svc: LoopBuilder | None = None
        self.claims: list[ClaimPayment] = []
        self.header_number = ""          # LX01 of the enclosing 2000 loop

    @property
    def target(self) -> LoopBuilder | None:
        """The innermost open loop: the service line, else the claim, else None."""
        return self.svc or self.claim

    def open_claim(self, seg: Segment) -> None:
        self.close_claim()
        self.r.loop = "2100"
        self.claim = LoopBuilder(seg)

    def take(self, seg: Segment) -> bool:
        """File ``seg`` into the open claim; False when no claim is open or the transaction
        level reads it. The reader must already be on ``seg``.
        """
        claim = self.claim
        if claim is None:
            return False
        svc = self.svc
        target = svc or claim
        r = self.r
        tag = seg.tag
        el = seg.elements
        if tag == "CAS":
            target.adjustments.extend(adjustments(r, seg))
        elif tag == "DTM":
            raw = el[1] if len(el) > 1 else ""
            value = ccyymmdd(raw)
            if raw and value is None:
                r.date(seg, 2)          # records the defect
            target.dates.append(DateValue(el[0] if el else "", value, raw))
        elif tag == "REF":
            target.references.append(Reference(*(tuple(el[:3]) + ("",) * (3 - len(el)))))
        elif tag == "SVC":
            self.close_service()
            r.loop = "2110"
            self.svc = LoopBuilder(seg)
        elif tag == "AMT":
            target.amounts.append(Amount(seg.get(1), r.money(seg, 2)))
        elif tag in TRANSACTION_LEVEL_TAGS:
            return False
        elif tag == "NM1" and svc is None:
            # 2100 parties: QC patient, IL insured, 74 corrected, 82 rendering, TT crossover...
            if claim.party is not None:
                claim.parties.append(freeze_party(claim.party))
            claim.party = party_fields(seg)
        elif tag == "MIA":
            claim.mia = el
        elif tag == "MOA":
            claim.moa = el
        elif tag == "PER":
            target.contacts.append(contact(seg))
        elif tag == "QTY":
            target.quantities.append(Quantity(seg.get(1), r.decimal(seg, 2) or ZERO))
        elif tag == "LQ" and svc is not None:
            if seg.get(1) == "HE":
                svc.remarks.append(seg.get(2))
            else:
                svc.other.append(seg)
        else:
            target.other.append(seg)
        return True

    def close_service(self) -> None:
        svc, claim = self.svc, self.claim
        if svc is None or claim is None:
            return
        r = self.r
        s = svc.seg
        assert s is not None
        r.loop = "2110"
        r.seg = s
        procedure = procedure_code(s, 1) or ProcedureCode("", "")
        if not procedure.code:
            r.defect(f"SVC01 {s.get(1)!r} has no procedure or revenue code after the qualifier"
                     f" (the component separator here is {s.delimiters.component!r})", 1, "1")
        e = s.elements
        claim.services.append(ServicePayment(
            procedure=procedure, charge=r.money(s, 2), paid=r.money(s, 3),
            revenue_code=e[3] if len(e) > 3 else "",
            units=r.decimal(s, 5) if len(e) > 4 else None,
            submitted_procedure=procedure_code(s, 6) if len(e) > 5 else None,
            submitted_units=r.decimal(s, 7) if len(e) > 6 else None, dates=tuple(svc.dates),
            adjustments=tuple(svc.adjustments), references=tuple(svc.references),
            amounts=tuple(svc.amounts), quantities=tuple(svc.quantities),
            remarks=tuple(svc.remarks), other=tuple(svc.other), position=s.position))
        self.svc = None

    def close_claim(self) -> None:
        self.close_service()
        claim = self.claim
        if claim is None:
            return
        r = self.r
        c = claim.seg
        assert c is not None
        r.loop, r.seg = "2100", c
        status = c.get(2)
        if status not in CLAIM_STATUS_CODES:
            r.defect(f"CLP02 claim status {status!r} is not one allowed in a 5010 835", 2, "7")
        if not c.get(1):
            r.defect("CLP01 (our claim number) is missing", 1, "1")
        if claim.party is not None:
            claim.parties.append(freeze_party(claim.party))
        self.claims.append(ClaimPayment(
            patient_control_number=c.get(1), status=status, charge=r.money(c, 3),
            paid=r.money(c, 4), patient_responsibility=r.decimal(c, 5, "an amount"),
            filing_indicator=c.get(6), payer_claim_number=c.get(7), facility_type=c.get(8),
            frequency=c.get(9), drg=c.get(11), drg_weight=r.decimal(c, 12),
            discharge_fraction=r.decimal(c, 13), adjustments=tuple(claim.adjustments),
            parties=tuple(claim.parties), inpatient=claim.mia, outpatient=claim.moa,
            references=tuple(claim.references), dates=tuple(claim.dates),
            contacts=tuple(claim.contacts), amounts=tuple(claim.amounts),
            quantities=tuple(claim.quantities), services=tuple(claim.services),
            other=tuple(claim.other), header_number=self.header_number, position=c.position))
        self.claim = None
