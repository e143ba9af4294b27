"""Loops 2100 (claim payment, CLP) and 2110 (service payment, SVC) of one 835 transaction set.

These loops are most of an 835. :meth:`ClaimLoops.read` reads their common segments (CLP,
REF, DTM, AMT, CAS, NM1, SVC, MIA, MOA, LQ) straight from the segment text, in one pass that
builds the values positionally and no :class:`~edi.x12.segment.Segment` where none is kept; a
segment it leaves (one that needs a defect, a rarer one, or one of the transaction level) is
read as a Segment through a table of readers (:data:`CLAIM_SEGMENTS`) that gives the same
values. Segments that end the claims or belong to the transaction level (SE, BPR, CUR, N1, LX,
PLB, and the first CLP) are left to :mod:`edi.parsers.remit835_transaction`; anything else
met inside a claim is kept on the claim or service line it appeared in, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from edi.parsers.construction import ccyymmdd, positional
from edi.parsers.remit835_elements import (
    ElementReader,
    adjustments,
    contact,
    procedure_code,
)
from edi.parsers.remit835_values import (
    CLAIM_STATUS_CODES,
    GROUP_CODES,
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
)
from edi.x12.delimiters import Delimiters
from edi.x12.numbers import MAX_DIGITS, PLAIN_DECIMAL
from edi.x12.segment import Segment

__all__ = ["CLAIM_SEGMENTS", "KEEP", "TRANSACTION_LEVEL_TAGS", "ClaimLoops", "LoopBuilder"]

#: Segments read by the transaction level even while a claim is open: the trailer, the
#: payment, the currency, a misplaced N1 (reported there), and those that close the claim.
TRANSACTION_LEVEL_TAGS = frozenset({"SE", "BPR", "CUR", "N1", "LX", "CLP", "PLB"})


class LoopBuilder:
    """Mutable collection state for one level; frozen into a value when the level closes."""

    __slots__ = ("seg", "parties", "adjustments", "references", "dates", "amounts",
                 "quantities", "contacts", "remarks", "other", "services", "mia", "moa")

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


class ClaimLoops:
    """The open claim (2100) and service line (2110) and the claim payments closed so far.

    :attr:`target` is the innermost open loop (the service line, else the claim, else None).
    :data:`CLAIM_SEGMENTS` says what each segment met inside a claim does; the transaction
    reader looks a segment up there itself rather than calling a method per segment.
    """

    __slots__ = ("r", "claim", "svc", "target", "claims", "header_number", "procedures",
                 "memo", "sharing", "shared", "opened")

    def __init__(self, reader: ElementReader) -> None:
        self.r = reader
        self.claim: LoopBuilder | None = None
        self.svc: LoopBuilder | None = None
        self.target: LoopBuilder | None = None
        self.claims: list[ClaimPayment] = []
        self.header_number = ""          # LX01 of the enclosing 2000 loop
        self.opened = 0                  # claims (CLP) begun
        #: SVC01 texts read without a defect, with their value: a payer restates a few
        #: procedure codes over and over, and the values are frozen, so they are shared.
        self.procedures: dict[str, ProcedureCode] = {}
        #: Values of REF, DTM, AMT, CAS (a tuple of adjustments) and 2100 NM1 segments read
        #: without a defect, under their text (see :meth:`read`); emptied when full.
        self.memo: dict[str, Reference | DateValue | Amount | tuple[Adjustment, ...] | Party] = {}
        self.sharing = True              # the memo is looked in and filled
        self.shared = 0                  # values found in it since it was last emptied

    def open_claim(self, seg: Segment) -> None:
        self.close_claim()
        self.opened += 1
        self.r.loop = "2100"
        self.claim = self.target = LoopBuilder(seg)

    def take(self, seg: Segment) -> bool:
        """File ``seg`` into the open claim; False when no claim is open or the transaction
        level reads it. The reader must already be on ``seg``.
        """
        if self.claim is None:
            return False
        handler = CLAIM_SEGMENTS.get(seg[0], _keep)
        if handler is None:
            return False
        handler(self, seg)
        return True

    def read(self, pieces: list[str], start: int, end: int, delims: Delimiters,
             first: int) -> int:
        """Read ``pieces[start:end]`` (segment texts, ``pieces[i]`` at file ordinal ``first + i``)
        while a claim is open, up to the first one this pass leaves; that one's index.

        A segment is left, untouched, to the transaction reader when it belongs to the
        transaction level (a CLP, which begins the next claim, is read here), is not among
        the common ones, or has anything a defect would be reported for (a missing or unusual amount, a date that does not read,
        a group code outside 5010's): read as a Segment there, it gives the same values and
        its defects. The checks here are the fast paths of :class:`ElementReader`'s, so what
        is read here is what it would read.

        A REF, DTM, AMT, CAS or 2100 NM1 read here is a value of its text alone, so its value
        is kept in :attr:`memo` under that text and shared by the next segment written the
        same (dates of service, allowed amounts, contractual adjustments and the rendering
        provider recur throughout a payment); the values are frozen, so sharing them changes
        nothing a reader of them can see. When the memo fills with fewer than one value in
        four found there again, the segments are too varied to gain from it, and it rests
        (:attr:`sharing` is False) until the transaction reader sets it going again with its
        next run of segments.
        """
        split = str.split
        element = delims.element
        target = self.target
        claim = self.claim
        assert target is not None and claim is not None
        memo = self.memo if self.sharing else None
        known = memo.get if memo is not None else _nothing
        for i in range(start, end):
            piece = pieces[i]
            value = known(piece)
            if value is not None:
                self.shared += 1
                kind = type(value)
                if kind is Reference:
                    target.references.append(value)
                elif kind is DateValue:
                    target.dates.append(value)
                elif kind is Amount:
                    target.amounts.append(value)
                elif kind is tuple:
                    target.adjustments += value
                elif self.svc is None:
                    claim.parties.append(value)
                else:
                    return i                    # an NM1 in a service line is kept there
                continue
            e = split(piece, element)
            tag = e[0]
            n = len(e)
            if tag == "REF":
                if n == 3:
                    value = _reference(e[1], e[2], "")
                elif n > 3:
                    value = _reference(e[1], e[2], e[3])
                else:
                    return i
                target.references.append(value)
            elif tag == "DTM":
                raw = e[2] if n > 2 else ""
                if len(raw) != 8 or not raw.isdigit() or not raw.isascii():
                    return i
                try:
                    date = _from_iso(raw)
                except ValueError:
                    return i
                value = _date_value(e[1], date, raw)
                target.dates.append(value)
            elif tag == "AMT":
                text = e[2] if n > 2 else ""
                if len(text) > 10 or not _plain(text):
                    return i
                value = _amount(e[1], Decimal(text))
                target.amounts.append(value)
            elif tag == "CAS":
                text = e[3] if n == 4 else ""
                if text and e[2] and len(text) <= 10 and _plain(text) and e[1] in GROUP_CODES:
                    # One reason and amount, the usual shape, read as below.
                    value = (_adjustment(e[1], e[2], Decimal(text), None),)
                else:
                    value = _clean_adjustments(e, n)
                    if value is None:
                        return i
                target.adjustments += value
            elif tag == "SVC":
                self.close_service()
                self.r.loop = "2110"
                del e[0]
                seg = _new(Segment, ("SVC", tuple(e), delims, first + i))
                self.svc = self.target = target = LoopBuilder(seg)
                continue
            elif tag == "CLP":
                # The next claim (the first one, read while no claim was open, gave the
                # transaction reader its header).
                del e[0]
                self.open_claim(_new(Segment, ("CLP", tuple(e), delims, first + i)))
                claim = target = self.claim
                assert claim is not None
                continue
            elif tag == "NM1":
                if self.svc is not None:
                    return i
                if n < 10:
                    e += _BLANKS
                # Party's fields in order: entity, name, first, middle, suffix (NM107),
                # entity type (NM102), id qualifier, identifier, then address, city, state,
                # postal code, references and contacts, which a 2100 NM1 never has.
                value = _party(e[1], e[3], e[4], e[5], e[7], e[2], e[8], e[9],
                               (), "", "", "", (), ())
                claim.parties.append(value)
            else:
                if tag == "MOA":
                    del e[0]
                    claim.moa = tuple(e)
                elif tag == "MIA":
                    del e[0]
                    claim.mia = tuple(e)
                elif tag == "LQ" and n > 2 and e[1] == "HE" and self.svc is not None:
                    self.svc.remarks.append(e[2])
                else:
                    return i
                continue
            if memo is not None:
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                    shared, self.shared = self.shared, 0
                    if shared < _MEMO_SIZE // 4:
                        self.sharing = False
                        memo, known = None, _nothing
                        continue
                memo[piece] = value
        return end

    def close_service(self) -> None:
        svc, claim = self.svc, self.claim
        if svc is None or claim is None:
            return
        r = self.r
        s = svc.seg
        assert s is not None
        r.loop = "2110"
        r.seg = s
        e = s.elements
        n = len(e)
        procedure = self.procedures.get(e[0]) if n else None
        if procedure is None:
            procedure = procedure_code(s, 1) or ProcedureCode("", "")
            if not procedure.code:
                r.defect(f"SVC01 {s.get(1)!r} has no procedure or revenue code after the "
                         f"qualifier (the component separator here is "
                         f"{s.delimiters.component!r})", 1, "1")
            elif len(self.procedures) < _PROCEDURES_KEPT:
                self.procedures[e[0]] = procedure
        # Positional, in the field order of ServicePayment; the elements are read in the
        # order their defects are reported, each by ElementReader's fast path when it fits.
        text = e[1] if n > 1 else ""
        charge = Decimal(text) if len(text) <= 10 and _plain(text) else r.money(s, 2)
        text = e[2] if n > 2 else ""
        paid = Decimal(text) if len(text) <= 10 and _plain(text) else r.money(s, 3)
        units = None
        if n > 4:
            text = e[4]
            units = (Decimal(text) if len(text) <= MAX_DIGITS and _plain(text)
                     else r.decimal(s, 5))
        claim.services.append(_service_payment(
            procedure, charge, paid, e[3] if n > 3 else "", units,
            procedure_code(s, 6) if n > 5 else None,
            r.decimal(s, 7) if n > 6 else None, tuple(svc.dates), tuple(svc.adjustments),
            tuple(svc.references), tuple(svc.amounts), tuple(svc.quantities),
            tuple(svc.remarks), tuple(svc.other), s.position))
        self.svc = None
        self.target = claim

    def close_claim(self) -> None:
        self.close_service()
        claim = self.claim
        if claim is None:
            return
        r = self.r
        c = claim.seg
        assert c is not None
        r.loop, r.seg = "2100", c
        e = c.elements + _BLANKS
        status = e[1]
        if status not in CLAIM_STATUS_CODES:
            r.defect(f"CLP02 claim status {status!r} is not one allowed in a 5010 835", 2, "7")
        if not e[0]:
            r.defect("CLP01 (our claim number) is missing", 1, "1")
        # Positional, in the field order of ClaimPayment; each element by ElementReader's
        # fast path when it fits, in the order the defects are reported.
        text = e[2]
        charge = Decimal(text) if len(text) <= 10 and _plain(text) else r.money(c, 3)
        text = e[3]
        paid = Decimal(text) if len(text) <= 10 and _plain(text) else r.money(c, 4)
        text = e[4]
        patient = (Decimal(text) if len(text) <= MAX_DIGITS and _plain(text)
                   else r.decimal(c, 5, "an amount"))
        self.claims.append(_claim_payment(
            e[0], status, charge, paid, patient,
            e[5], e[6], e[7], e[8], e[10],
            r.decimal(c, 12) if e[11] else None, r.decimal(c, 13) if e[12] else None,
            tuple(claim.adjustments), tuple(claim.parties), claim.mia, claim.moa,
            tuple(claim.references), tuple(claim.dates), tuple(claim.contacts),
            tuple(claim.amounts), tuple(claim.quantities), tuple(claim.services),
            tuple(claim.other), self.header_number, c.position))
        self.claim = self.target = None


_BLANKS = ("",) * 13                # CLP has 14 elements at most; CLP14 is not read
#: Distinct SVC01 texts whose values one transaction set keeps (see ClaimLoops.procedures).
_PROCEDURES_KEPT = 512
#: Segment texts whose values ClaimLoops.memo holds at most (about 1 MiB of them).
_MEMO_SIZE = 4096
_claim_payment = positional(ClaimPayment)
_service_payment = positional(ServicePayment)
_party = positional(Party)
_reference = positional(Reference)
_date_value = positional(DateValue)
_amount = positional(Amount)


_new = tuple.__new__
_nothing = {}.get                   # the memo's look-up while it rests
_from_iso = dt.date.fromisoformat
_plain = PLAIN_DECIMAL.fullmatch
_adjustment = positional(Adjustment)


def _clean_adjustments(e: list[str], n: int) -> tuple[Adjustment, ...] | None:
    """The triplets of a CAS split with its id at ``e[0]``, as
    :func:`~edi.parsers.remit835_elements.adjustments` reads them, or None when that would
    report a defect (or read an amount or quantity other than by its fast path)."""
    group = e[1] if n > 1 else ""
    if group not in GROUP_CODES:
        return None
    out = []
    for k in range(2, min(n, 20), 3):          # CAS02/05/08/11/14/17: reason codes
        reason = e[k]
        amount = e[k + 1] if k + 1 < n else ""
        if not reason:
            if amount:
                return None
            continue
        if len(amount) > 10 or not _plain(amount):
            return None
        quantity = None
        if k + 2 < n and e[k + 2]:
            text = e[k + 2]
            if len(text) > MAX_DIGITS or not _plain(text):
                return None
            quantity = Decimal(text)
        out.append(_adjustment(group, reason, Decimal(amount), quantity))
    return tuple(out)


def _cas(loops: ClaimLoops, seg: Segment) -> None:
    loops.target.adjustments.extend(adjustments(loops.r, seg))  # type: ignore[union-attr]


def _dtm(loops: ClaimLoops, seg: Segment) -> None:
    el = seg[1]
    raw = el[1] if len(el) > 1 else ""
    value = ccyymmdd(raw)
    if raw and value is None:
        loops.r.date(seg, 2)            # records the defect
    loops.target.dates.append(  # type: ignore[union-attr]
        _date_value(el[0] if el else "", value, raw))


def _ref(loops: ClaimLoops, seg: Segment) -> None:
    el = seg[1]
    n = len(el)
    loops.target.references.append(  # type: ignore[union-attr]
        _reference(el[0], el[1], el[2]) if n > 2 else
        _reference(*(el + ("", "", "")[n:])))


def _svc(loops: ClaimLoops, seg: Segment) -> None:
    loops.close_service()
    loops.r.loop = "2110"
    loops.svc = loops.target = LoopBuilder(seg)


def _amt(loops: ClaimLoops, seg: Segment) -> None:
    el = seg[1]
    loops.target.amounts.append(  # type: ignore[union-attr]
        _amount(el[0] if el else "", loops.r.money(seg, 2)))


def _nm1(loops: ClaimLoops, seg: Segment) -> None:
    claim = loops.claim
    assert claim is not None
    if loops.svc is not None:
        loops.svc.other.append(seg)
        return
    # 2100 parties: QC patient, IL insured, 74 corrected, 82 rendering, TT crossover...
    # Nothing is added to a 2100 party after its NM1, so it is frozen at once.
    e = seg[1] + _BLANKS
    # Party's fields in order: entity, name, first, middle, suffix (NM107), entity type
    # (NM102), id qualifier, identifier, then address, city, state, postal code, references
    # and contacts, which a 2100 NM1 never has.
    claim.parties.append(_party(e[0], e[2], e[3], e[4], e[6], e[1], e[7], e[8], (), "", "", "",
                                (), ()))


def _mia(loops: ClaimLoops, seg: Segment) -> None:
    loops.claim.mia = seg[1]  # type: ignore[union-attr]


def _moa(loops: ClaimLoops, seg: Segment) -> None:
    loops.claim.moa = seg[1]  # type: ignore[union-attr]


def _per(loops: ClaimLoops, seg: Segment) -> None:
    if loops.svc is not None:
        # The 2110 has no PER (the claim contact is 2100's): kept as the line's other segment,
        # where it is seen, rather than on a list the line's value has no field for.
        loops.svc.other.append(seg)
    else:
        loops.target.contacts.append(contact(seg))  # type: ignore[union-attr]


def _qty(loops: ClaimLoops, seg: Segment) -> None:
    loops.target.quantities.append(  # type: ignore[union-attr]
        Quantity(seg.get(1), loops.r.decimal(seg, 2) or ZERO))


def _lq(loops: ClaimLoops, seg: Segment) -> None:
    svc = loops.svc
    if svc is None:
        loops.target.other.append(seg)  # type: ignore[union-attr]
    elif seg.get(1) == "HE":
        svc.remarks.append(seg.get(2))
    else:
        svc.other.append(seg)


def _keep(loops: ClaimLoops, seg: Segment) -> None:
    loops.target.other.append(seg)  # type: ignore[union-attr]


#: What a segment met while a claim is open does: a reader of it, or None for the segments
#: the transaction level reads (:data:`TRANSACTION_LEVEL_TAGS`). Any other segment is kept on
#: the innermost open loop (``KEEP``).
CLAIM_SEGMENTS: dict[str, Callable[[ClaimLoops, Segment], None] | None] = {
    "CAS": _cas, "DTM": _dtm, "REF": _ref, "SVC": _svc, "AMT": _amt, "NM1": _nm1,
    "MIA": _mia, "MOA": _moa, "PER": _per, "QTY": _qty, "LQ": _lq,
    **dict.fromkeys(TRANSACTION_LEVEL_TAGS),
}
KEEP = _keep
