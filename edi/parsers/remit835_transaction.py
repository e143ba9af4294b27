"""One 835 ST..SE read into a :class:`~edi.parsers.remit835_values.Remittance`.

This module reads the transaction level: the header (BPR, TRN, CUR, REF, DTM), the payer and
payee (1000A/1000B: N1 with N3, N4, REF, PER, RDM), the header-number groups (2000: LX, TS3,
TS2), the provider adjustments (PLB) and the trailer (SE01 against the count). Claims and
service lines (2100/2110) are read by :class:`~edi.parsers.remit835_claims.ClaimLoops`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from edi.parsers.remit835_claims import CLAIM_SEGMENTS, KEEP, ClaimLoops, LoopBuilder
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
from edi.x12.tokenizer import PieceRun, segment_of

__all__ = ["EnvelopeIds", "TransactionReader", "read_transaction", "runs_of"]


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


class TransactionReader:
    """One ST..SE read a segment batch at a time, handing out claim payments as they close.

    :meth:`read` takes segments until the SE; the claim payments closed so far wait in
    :attr:`claims` for the caller to take (and clear). :attr:`header` is set when the first
    claim payment (CLP) begins: the remittance as read up to there, without claims. After the
    SE (or at the end of the text) :meth:`finish` gives the remittance, still without its
    claims: PLB, header groups, the SE count check and every defect.
    """

    def __init__(self, st: Segment, envelope: EnvelopeIds, source: str) -> None:
        self.st = st
        self.envelope = envelope
        r = self.r = ElementReader(source, st.get(2), st.position)
        r.version = envelope.version
        self.loops = ClaimLoops(r)
        self.claims = self.loops.claims
        self.head = LoopBuilder()
        self.bpr: PaymentInfo | None = None
        self.trn: TraceNumber | None = None
        self.payer: PartyFields | None = None
        self.payee: PartyFields | None = None
        self.headers: list[HeaderGroup] = []
        self.plb: list[ProviderAdjustment] = []
        self.currency: tuple[str, ...] = ()
        self.declared = 0
        self.count = 1                   # segments ST..SE so far
        self.last = st
        self.ended = False               # the SE was read
        self.header: Remittance | None = None

    def read(self, run: PieceRun, start: int = 0) -> int:
        """Read the segment texts of ``run`` from ``start`` up to and including the SE; the
        index after the last segment read.

        While a claim is open its common segments are read by :meth:`ClaimLoops.read`
        straight from the text; every other segment is made a :class:`Segment` (with its file
        ordinal) and read here.
        """
        delims, pieces, first = run
        r = self.r
        loops = self.loops
        loops.sharing = True                # see ClaimLoops.read
        in_claim = CLAIM_SEGMENTS.get
        head = self.head
        i = start
        end = len(pieces)
        while i < end:
            if loops.claim is not None:
                i = loops.read(pieces, i, end, delims, first)
                if i == end:
                    break
            seg = segment_of(pieces[i], delims, first + i)
            i += 1
            r.seg = seg
            tag = seg[0]
            if loops.claim is not None:
                handler = in_claim(tag, KEEP)
                if handler is not None:
                    handler(loops, seg)
                    continue
            # From here on no claim is open, or the segment is one of TRANSACTION_LEVEL_TAGS.
            if tag == "SE":
                self.count += i - start
                self.last = seg
                self._trailer(seg)
                return i
            if tag == "BPR":
                self.bpr = _payment(r, seg)
            elif tag == "TRN":
                self.trn = TraceNumber(seg.get(1), seg.get(2), seg.get(3), seg.get(4))
            elif tag == "CUR":
                self.currency = seg.elements
            elif tag == "N1" and (loops.claim is not None or self.headers):
                # Payer and payee come once, before the first LX (TR3 1000A/1000B).
                r.defect(f"N1*{seg.get(1)} after the claims began is outside the 1000A/1000B "
                         "loops; kept as an unexpected segment", code="2",
                         level=DefectLevel.SEGMENT)
                (loops.target or head).other.append(seg)
            elif tag == "N1":
                r.loop = "1000A" if seg.get(1) == "PR" else "1000B"
                if seg.get(1) == "PR":
                    self.payer = party_fields(seg)
                else:
                    self.payee = party_fields(seg)
            elif tag in ("N3", "N4", "RDM") and r.loop in ("1000A", "1000B"):
                party = self.payer if r.loop == "1000A" else self.payee
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
                self.headers.append(HeaderGroup(loops.header_number))
            elif tag in ("TS3", "TS2") and self.headers:
                last = self.headers[-1]
                self.headers[-1] = (HeaderGroup(last.number, seg.elements, last.supplemental)
                                    if tag == "TS3" else
                                    HeaderGroup(last.number, last.summary, seg.elements))
            elif tag == "CLP":
                if self.header is None:
                    self.header = self._remittance(final=False)
                    r.seg = seg
                loops.open_claim(seg)
            elif tag == "REF":
                ref = Reference(seg.get(1), seg.get(2), seg.get(3))
                if r.loop in ("1000A", "1000B"):
                    party = self.payer if r.loop == "1000A" else self.payee
                    party["references"].append(ref)  # type: ignore[index, union-attr]
                else:
                    head.references.append(ref)
            elif tag == "DTM":
                head.dates.append(DateValue(seg.get(1), r.date(seg, 2), seg.get(2)))
            elif tag == "PER" and r.loop in ("1000A", "1000B"):
                party = self.payer if r.loop == "1000A" else self.payee
                party["contacts"].append(contact(seg))  # type: ignore[index, union-attr]
            elif tag == "PLB":
                loops.close_claim()
                r.loop = "PLB"
                self.plb.extend(_provider_adjustments(r, seg))
            else:
                head.other.append(seg)
        if end > start:
            self.count += end - start
            self.last = segment_of(pieces[end - 1], delims, first + end - 1)
        return end

    @property
    def claim_count(self) -> int:
        """Claim payments (CLP) begun so far."""
        return self.loops.opened

    def _trailer(self, seg: Segment) -> None:
        r = self.r
        self.loops.close_claim()
        r.loop, r.seg = "TRAILER", seg
        try:
            self.declared = read_integer(seg.get(1))
        except NumberFormatError as exc:
            r.defect(f"SE01 segment count should be a number: {exc}", 1, "6")
        if self.declared and self.declared != self.count:
            r.defect(f"SE01 says {self.declared} segments but the set has {self.count}",
                     1, "4", level=DefectLevel.TRANSACTION)
        self.ended = True

    def finish(self) -> Remittance:
        """The remittance without its claims, once the SE (or the end of the text) is read."""
        r = self.r
        if not self.ended:
            r.seg = self.last
            r.defect("the transaction set has no SE trailer", code="2",
                     level=DefectLevel.TRANSACTION)
        self.loops.close_claim()
        r.loop, r.seg = "HEADER", self.st
        if self.bpr is None:
            r.defect("BPR (payment amount and method) is missing", code="3",
                     level=DefectLevel.SEGMENT)
        if self.trn is None:
            r.defect("TRN (check or EFT trace number) is missing", code="3",
                     level=DefectLevel.SEGMENT)
        if self.payer is None:
            r.defect("N1*PR (the payer) is missing", code="3", level=DefectLevel.SEGMENT)
        return self._remittance(final=True)

    def _remittance(self, final: bool) -> Remittance:
        envelope, st, head = self.envelope, self.st, self.head
        return Remittance(
            control_number=st.get(2), payment=self.bpr or PaymentInfo("", ZERO, "", ""),
            trace=self.trn or TraceNumber("", ""), payer=freeze_party(self.payer),
            payee=freeze_party(self.payee), claims=(),
            provider_adjustments=tuple(self.plb), headers=tuple(self.headers),
            currency=self.currency, references=tuple(head.references),
            dates=tuple(head.dates), other=tuple(head.other),
            interchange_control=envelope.interchange_control,
            group_control=envelope.group_control, version=envelope.version,
            sender_id=envelope.sender_id, receiver_id=envelope.receiver_id,
            declared_segment_count=self.declared if final else 0,
            segment_count=self.count if final else 0, position=st.position,
            defects=tuple(self.r.defects))


def read_transaction(segments: list[Segment], envelope: EnvelopeIds,
                     source: str) -> Remittance:
    """Read the segments of one ST..SE (the SE may be missing: a defect then), claims and all."""
    reader = TransactionReader(segments[0], envelope, source)
    for run in runs_of(segments[1:]):
        reader.read(run)
    remittance = reader.finish()
    return replace(remittance, claims=tuple(reader.claims))


def runs_of(segments: list[Segment]) -> list[PieceRun]:
    """``segments`` written back as segment texts, a run for each stretch of consecutive
    ordinals in the same delimiters."""
    runs: list[PieceRun] = []
    for seg in segments:
        delims = seg.delimiters
        piece = delims.element.join((seg.tag, *seg.elements)) if seg.elements else seg.tag
        last = runs[-1] if runs else None
        if (last is not None and last.delimiters == delims
                and last.first + len(last.pieces) == seg.position):
            last.pieces.append(piece)
        else:
            runs.append(PieceRun(delims, [piece], seg.position))
    return runs
