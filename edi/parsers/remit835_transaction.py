"""One 835 ST..SE read into a :class:`~edi.parsers.remit835_values.Remittance`.

This module reads the transaction level: the header (BPR, TRN, CUR, REF, DTM), the payer and
payee (1000A/1000B: N1 with N3, N4, REF, PER, RDM), the header-number groups (2000: LX, TS3,
TS2), the provider adjustments (PLB) and the trailer (SE01 against the count). Claims and
service lines (2100/2110) are read by :class:`~edi.parsers.remit835_claims.ClaimLoops`.
"""

from __future__ import annotations

from dataclasses import dataclass

from edi.parsers.remit835_claims import ClaimLoops, LoopBuilder
from edi.parsers.remit835_elements import (
    ElementReader,
    PartyFields,
    contact,
    freeze_party,
    party_fields,
)
from edi.parsers.remit835_values import (
    ZERO,
    DateValue,
    HeaderGroup,
    PaymentInfo,
    ProviderAdjustment,
    Reference,
    Remittance,
    TraceNumber,
)
from edi.x12.defects import DefectLevel
from edi.x12.numbers import NumberFormatError, read_integer
from edi.x12.segment import Segment

__all__ = ["EnvelopeIds", "read_transaction"]


@dataclass(frozen=True, slots=True)
class EnvelopeIds:
    """What the ISA and GS around a transaction set say about it."""

    interchange_control: str = ""    # ISA13
    sender_id: str = ""              # GS02
    receiver_id: str = ""            # GS03
    group_control: str = ""          # GS06
    version: str = ""                # GS08


def _payment(r: ElementReader, seg: Segment) -> PaymentInfo:
    return PaymentInfo(
        handling=seg.get(1), amount=r.money(seg, 2), credit_debit=seg.get(3),
        method=seg.get(4), format=seg.get(5), sender_dfi_qualifier=seg.get(6),
        sender_dfi=seg.get(7), sender_account_qualifier=seg.get(8),
        sender_account=seg.get(9), payer_identifier=seg.get(10),
        payer_supplemental=seg.get(11), receiver_dfi_qualifier=seg.get(12),
        receiver_dfi=seg.get(13), receiver_account_qualifier=seg.get(14),
        receiver_account=seg.get(15), date=r.date(seg, 16))


def _provider_adjustments(r: ElementReader, seg: Segment) -> list[ProviderAdjustment]:
    """PLB03/05/.../13 (C042: reason and reference) each with the amount after it."""
    fiscal = r.date(seg, 2)
    out = []
    for i in range(3, 15, 2):
        if not seg.get(i):
            continue
        reason, _, reference = seg.get(i).partition(seg.delimiters.component)
        out.append(ProviderAdjustment(seg.get(1), fiscal, reason, reference,
                                      r.money(seg, i + 1)))
    return out


def read_transaction(segments: list[Segment], envelope: EnvelopeIds,
                     source: str) -> Remittance:
    """Read the segments of one ST..SE (the SE may be missing: a defect then)."""
    st = segments[0]
    r = ElementReader(source, st.get(2), st.position)
    r.version = envelope.version
    loops = ClaimLoops(r)
    head = LoopBuilder()
    bpr: PaymentInfo | None = None
    trn: TraceNumber | None = None
    payer: PartyFields | None = None
    payee: PartyFields | None = None
    headers: list[HeaderGroup] = []
    plb: list[ProviderAdjustment] = []
    currency: tuple[str, ...] = ()
    declared = 0
    take = loops.take

    for seg in segments[1:]:
        r.seg = seg
        if take(seg):
            continue
        # From here on no claim is open, or the segment is one of TRANSACTION_LEVEL_TAGS.
        tag = seg.tag
        if tag == "SE":
            loops.close_claim()
            r.loop, r.seg = "TRAILER", seg
            try:
                declared = read_integer(seg.get(1))
            except NumberFormatError as exc:
                r.defect(f"SE01 segment count should be a number: {exc}", 1, "6")
            if declared and declared != len(segments):
                r.defect(f"SE01 says {declared} segments but the set has {len(segments)}",
                         1, "4", level=DefectLevel.TRANSACTION)
            break
        if tag == "BPR":
            bpr = _payment(r, seg)
        elif tag == "TRN":
            trn = TraceNumber(seg.get(1), seg.get(2), seg.get(3), seg.get(4))
        elif tag == "CUR":
            currency = seg.elements
        elif tag == "N1" and (loops.claim is not None or headers):
            # Payer and payee come once, before the first LX (TR3 1000A/1000B).
            r.defect(f"N1*{seg.get(1)} after the claims began is outside the 1000A/1000B "
                     "loops; kept as an unexpected segment", code="2",
                     level=DefectLevel.SEGMENT)
            (loops.target or head).other.append(seg)
        elif tag == "N1":
            r.loop = "1000A" if seg.get(1) == "PR" else "1000B"
            if seg.get(1) == "PR":
                payer = party_fields(seg)
            else:
                payee = party_fields(seg)
        elif tag in ("N3", "N4", "RDM") and r.loop in ("1000A", "1000B"):
            party = payer if r.loop == "1000A" else payee
            assert party is not None
            if tag == "N3":
                party["address"] = tuple(e for e in seg.elements[:2] if e)
            elif tag == "N4":
                party.update(city=seg.get(1), state=seg.get(2), postal_code=seg.get(3))
            else:
                head.other.append(seg)
        elif tag == "LX":
            loops.close_claim()
            r.loop = "2000"
            loops.header_number = seg.get(1)
            headers.append(HeaderGroup(loops.header_number))
        elif tag in ("TS3", "TS2") and headers:
            last = headers[-1]
            headers[-1] = (HeaderGroup(last.number, seg.elements, last.supplemental)
                           if tag == "TS3" else
                           HeaderGroup(last.number, last.summary, seg.elements))
        elif tag == "CLP":
            loops.open_claim(seg)
        elif tag == "REF":
            ref = Reference(seg.get(1), seg.get(2), seg.get(3))
            if r.loop in ("1000A", "1000B"):
                party = payer if r.loop == "1000A" else payee
                party["references"].append(ref)  # type: ignore[index, union-attr]
            else:
                head.references.append(ref)
        elif tag == "DTM":
            head.dates.append(DateValue(seg.get(1), r.date(seg, 2), seg.get(2)))
        elif tag == "PER" and r.loop in ("1000A", "1000B"):
            party = payer if r.loop == "1000A" else payee
            party["contacts"].append(contact(seg))  # type: ignore[index, union-attr]
        elif tag == "PLB":
            loops.close_claim()
            r.loop = "PLB"
            plb.extend(_provider_adjustments(r, seg))
        else:
            head.other.append(seg)
    else:
        r.seg = segments[-1]
        r.defect("the transaction set has no SE trailer", code="2",
                 level=DefectLevel.TRANSACTION)
    loops.close_claim()
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
        control_number=st.get(2), payment=bpr, trace=trn, payer=freeze_party(payer),
        payee=freeze_party(payee), claims=tuple(loops.claims), provider_adjustments=tuple(plb),
        headers=tuple(headers), currency=currency, references=tuple(head.references),
        dates=tuple(head.dates), other=tuple(head.other),
        interchange_control=envelope.interchange_control,
        group_control=envelope.group_control, version=envelope.version,
        sender_id=envelope.sender_id, receiver_id=envelope.receiver_id,
        declared_segment_count=declared, segment_count=len(segments), position=st.position,
        defects=tuple(r.defects))
