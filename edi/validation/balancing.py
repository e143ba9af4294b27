"""SNIP 3: the money in a transaction set must add up.

835 (x12-domain.md section 6.3, X221A1 section 1.10.2.1): a positive CAS or PLB amount
lowers the payment.

* service line (2110): SVC02 - sum of the line's CAS amounts = SVC03
* claim (2100): CLP03 - claim CAS - all line CAS = CLP04
* transaction: sum of CLP04 - sum of PLB amounts = BPR02

837 (section 3.3, X222A1/X223A2 loop 2300 and 2320/2430 notes, RFI 1115 and 1294):

* CLM02 = sum of the service line charges (SV102, SV203, SV302)
* per other payer in 2320 that reports AMT*D: CLM02 = AMT*D paid + its 2320 CAS + the
  2430 CAS of the lines it adjudicated (SVD01 = that payer's 2330B NM109)
* per line and other payer: SV102 = sum of SVD02 + sum of that 2430's CAS

Work is split in two so the validator can memoize the first half: :meth:`Balancer.prepare`
reads a segment's amounts once (a *payload*, or None when the segment does not count), and
:meth:`Balancer.apply` adds a payload up each time the segment occurs. A segment is carried as
a *ref*, the :class:`Segment` or its (text, delimiters, position), and only made a Segment when
an equation fails and the defect must name it. Amounts are :class:`~decimal.Decimal`, so
cents are exact; unreadable amounts are left to the element checks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from edi.x12.delimiters import Delimiters
from edi.x12.numbers import NumberFormatError, read_decimal
from edi.x12.segment import Segment
from edi.x12.tokenizer import segment_of

__all__ = ["Imbalance", "Balancer", "Balancer835", "Balancer837", "balancer_for", "Ref"]

ZERO = Decimal(0)
NONE: tuple[()] = ()

#: A segment as the validator holds it: the value, or its text, delimiters and position.
Ref = Segment | tuple[str, Delimiters, int]


class Imbalance(NamedTuple):
    """An equation that does not hold; ``segment`` is the one carrying the total."""

    code: str               # our code: "835-SVC", "835-CLP", "835-BPR", "837-CLM", ...
    segment: Segment
    element: int
    message: str


def _seg(ref: Ref) -> Segment:
    return ref if isinstance(ref, Segment) else segment_of(*ref)


def _amount(text: str) -> Decimal | None:
    found = _amounts.get(text, _UNREAD)
    if found is _UNREAD:
        found = _read_amount(text)
        if len(_amounts) < _AMOUNTS_KEPT:
            _amounts[text] = found
    return found  # type: ignore[return-value]


def _read_amount(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return read_decimal(text)
    except NumberFormatError:       # the element check reports it; it balances as absent
        return None


#: Amounts read so far (Decimals are immutable; charges and payments repeat across claims).
_amounts: dict[str, Decimal | None] = {}
_AMOUNTS_KEPT = 8192
_UNREAD = object()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _cas_total(seg: Segment) -> Decimal:
    # CAS03, 06, 09, 12, 15, 18: the amount of each (reason, amount, quantity) triplet.
    total = ZERO
    elements = seg.elements
    for i in range(2, min(len(elements), 18), 3):
        amount = _amount(elements[i])
        if amount is not None:
            total += amount
    return total


class Balancer:
    """Does nothing; the base of the transaction-specific balancers.

    ``tags`` are the segments it wants to see, as (segment id, loop id) pairs, and ``loops``
    the loops whose end it wants to hear about; the checker calls it for nothing else.
    """

    tags: frozenset[tuple[str, str]] = frozenset()
    loops: frozenset[str] = frozenset()

    def prepare(self, seg: Segment, loop_id: str) -> tuple | None:
        """What ``seg`` adds (read once per distinct segment), or None if nothing."""
        return None

    def apply(self, payload: tuple, ref: Ref) -> tuple[Imbalance, ...]:
        return NONE

    def segment(self, seg: Segment, loop_id: str) -> tuple[Imbalance, ...]:
        """prepare and apply in one step."""
        payload = self.prepare(seg, loop_id)
        return self.apply(payload, seg) if payload is not None else NONE

    def loop_end(self, loop_id: str) -> tuple[Imbalance, ...]:
        return NONE

    def finish(self) -> tuple[Imbalance, ...]:
        return NONE


class Balancer835(Balancer):
    tags = frozenset({("CAS", "2100"), ("CAS", "2110"), ("SVC", "2110"), ("CLP", "2100"),
                      ("PLB", "ST_LOOP"), ("BPR", "ST_LOOP")})
    loops = frozenset({"2100", "2110"})

    def __init__(self) -> None:
        self.bpr: tuple[Ref, Decimal | None] | None = None
        self.paid_total = ZERO
        self.plb_total = ZERO
        self.clp: tuple[Ref, Decimal | None, Decimal | None] | None = None
        self.claim_adjustments = ZERO
        self.svc: tuple[Ref, Decimal | None, Decimal | None] | None = None
        self.line_adjustments = ZERO

    def prepare(self, seg: Segment, loop_id: str) -> tuple | None:
        tag = seg.tag
        if tag == "CAS":
            return ("CAS", loop_id == "2110", _cas_total(seg))
        if tag in ("SVC", "CLP"):
            # SVC02/SVC03 and CLP03/CLP04: charge and payment
            at = 1 if tag == "SVC" else 2
            return (tag, _amount(seg.get(at + 1)), _amount(seg.get(at + 2)))
        if tag == "PLB":
            elements = seg.elements
            total = ZERO
            for i in range(3, min(len(elements), 14), 2):
                amount = _amount(elements[i])
                if amount is not None:
                    total += amount
            return ("PLB", total)
        if tag == "BPR":
            return ("BPR", _amount(seg.get(2)))
        return None

    def apply(self, payload: tuple, ref: Ref) -> tuple[Imbalance, ...]:
        kind = payload[0]
        if kind == "CAS":
            if payload[1]:
                self.line_adjustments += payload[2]
            self.claim_adjustments += payload[2]
        elif kind == "SVC":
            self.svc = (ref, payload[1], payload[2])
            self.line_adjustments = ZERO
        elif kind == "CLP":
            self.clp = (ref, payload[1], payload[2])
            self.claim_adjustments = ZERO
            if payload[2] is not None:
                self.paid_total += payload[2]
        elif kind == "PLB":
            self.plb_total += payload[1]
        else:
            self.bpr = (ref, payload[1])
        return NONE

    def loop_end(self, loop_id: str) -> tuple[Imbalance, ...]:
        if loop_id == "2110" and self.svc is not None:
            (ref, charge, paid), self.svc = self.svc, None
            if charge is None or paid is None or charge - self.line_adjustments == paid:
                return NONE
            return (Imbalance(
                "835-SVC", _seg(ref), 3,
                f"SVC03 line payment {_money(paid)} does not equal SVC02 line charge "
                f"{_money(charge)} minus the line adjustments "
                f"{_money(self.line_adjustments)} (= {_money(charge - self.line_adjustments)})"),)
        if loop_id == "2100" and self.clp is not None:
            (ref, charge, paid), self.clp = self.clp, None
            if charge is None or paid is None:
                return NONE
            adjusted = charge - self.claim_adjustments
            if adjusted == paid:
                return NONE
            return (Imbalance(
                "835-CLP", _seg(ref), 4,
                f"CLP04 claim payment {_money(paid)} does not equal CLP03 total charge "
                f"{_money(charge)} minus the claim and line adjustments "
                f"{_money(self.claim_adjustments)} (= {_money(adjusted)})"),)
        return NONE

    def finish(self) -> tuple[Imbalance, ...]:
        if self.bpr is None or self.bpr[1] is None:
            return NONE
        ref, total = self.bpr
        expected = self.paid_total - self.plb_total
        if expected == total:
            return NONE
        return (Imbalance(
            "835-BPR", _seg(ref), 2,
            f"BPR02 total payment {_money(total)} does not equal the sum of the claim "
            f"payments {_money(self.paid_total)} minus the provider adjustments (PLB) "
            f"{_money(self.plb_total)} (= {_money(expected)})"),)


_LINE_CHARGE = {"SV1": 2, "SV2": 3, "SV3": 2}


class _Payer:
    """One other payer of a claim (2320): who, what it paid, what it adjusted."""

    __slots__ = ("id", "amt", "paid", "cas")

    def __init__(self) -> None:
        self.id = ""
        self.amt: Ref | None = None
        self.paid: Decimal | None = None
        self.cas = ZERO


class Balancer837(Balancer):
    tags = frozenset({("CLM", "2300"), ("SV1", "2400"), ("SV2", "2400"), ("SV3", "2400"),
                      ("SBR", "2320"), ("AMT", "2320"), ("CAS", "2320"), ("NM1", "2330B"),
                      ("SVD", "2430"), ("CAS", "2430")})
    loops = frozenset({"2300", "2400"})

    def __init__(self) -> None:
        self.clm: tuple[Ref, Decimal | None] | None = None
        self.line_total = ZERO
        self.line_charge: Decimal | None = None
        self.has_lines = False
        self.payers: list[_Payer] = []
        self.svd_payer = ""
        self.line_paid: dict[str, Decimal] = {}
        self.line_cas: dict[str, Decimal] = {}
        self.line_svd: dict[str, Ref] = {}
        self.claim_line_cas: dict[str, Decimal] = {}

    def prepare(self, seg: Segment, loop_id: str) -> tuple | None:
        tag = seg.tag
        if tag == "CLM":
            return ("CLM", _amount(seg.get(2)))
        if tag in _LINE_CHARGE:
            return ("LINE", _amount(seg.get(_LINE_CHARGE[tag])))
        if tag == "SBR":
            return ("SBR",)
        if tag == "AMT":
            return ("AMT", _amount(seg.get(2))) if seg.get(1) == "D" else None
        if tag == "CAS":
            return ("CAS", loop_id == "2430", _cas_total(seg))
        if tag == "NM1":
            return ("PAYER", seg.get(9))
        if tag == "SVD":
            return ("SVD", seg.get(1), _amount(seg.get(2)) or ZERO)
        return None

    def apply(self, payload: tuple, ref: Ref) -> tuple[Imbalance, ...]:
        kind = payload[0]
        if kind == "CLM":
            self.clm = (ref, payload[1])
            self.line_total = ZERO
            self.has_lines = False
            self.payers = []
            self.claim_line_cas = {}
        elif kind == "LINE":
            self.has_lines = True
            self.line_charge = payload[1]
            self.line_paid, self.line_cas, self.line_svd = {}, {}, {}
            if payload[1] is not None:
                self.line_total += payload[1]
        elif kind == "SBR":
            self.payers.append(_Payer())
        elif kind == "CAS":
            if payload[1]:
                payer = self.svd_payer
                self.line_cas[payer] = self.line_cas.get(payer, ZERO) + payload[2]
                self.claim_line_cas[payer] = self.claim_line_cas.get(payer, ZERO) + payload[2]
            elif self.payers:
                self.payers[-1].cas += payload[2]
        elif kind == "AMT":
            if self.payers:
                self.payers[-1].amt, self.payers[-1].paid = ref, payload[1]
        elif kind == "PAYER":
            if self.payers:
                self.payers[-1].id = payload[1]
        elif kind == "SVD":
            payer = self.svd_payer = payload[1]
            self.line_paid[payer] = self.line_paid.get(payer, ZERO) + payload[2]
            self.line_svd.setdefault(payer, ref)
        return NONE

    def loop_end(self, loop_id: str) -> tuple[Imbalance, ...]:
        out: list[Imbalance] = []
        if loop_id == "2400" and self.line_charge is not None:
            for payer, paid in self.line_paid.items():
                cas = self.line_cas.get(payer, ZERO)
                if paid + cas != self.line_charge:
                    out.append(Imbalance(
                        "837-COB-LINE", _seg(self.line_svd[payer]), 2,
                        f"line charge {_money(self.line_charge)} does not equal what payer "
                        f"{payer} paid on the line (SVD02 {_money(paid)}) plus its line "
                        f"adjustments (CAS {_money(cas)})"))
            self.line_charge = None
        elif loop_id == "2300" and self.clm is not None:
            (ref, charge), self.clm = self.clm, None
            if charge is None:
                return NONE
            if self.has_lines and charge != self.line_total:
                out.append(Imbalance(
                    "837-CLM", _seg(ref), 2,
                    f"CLM02 total claim charge {_money(charge)} does not equal the sum of the "
                    f"service line charges {_money(self.line_total)}"))
            for p in self.payers:
                if p.amt is None or p.paid is None:
                    continue      # AMT*D is sent only when that payer adjudicated the claim
                lines = self.claim_line_cas.get(p.id, ZERO)
                if p.paid + p.cas + lines != charge:
                    out.append(Imbalance(
                        "837-COB-CLAIM", _seg(p.amt), 2,
                        f"CLM02 total claim charge {_money(charge)} does not equal what payer "
                        f"{p.id or '(unnamed)'} paid (AMT*D {_money(p.paid)}) plus its claim "
                        f"adjustments ({_money(p.cas)}) and line adjustments ({_money(lines)})"))
        return tuple(out)


def balancer_for(set_id: str) -> Balancer:
    if set_id == "835":
        return Balancer835()
    if set_id == "837":
        return Balancer837()
    return Balancer()
