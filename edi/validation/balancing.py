"""SNIP 3: the money in a transaction set must add up.

835 (x12-domain.md section 6.3, X221A1 section 1.10.2.1): a positive CAS or PLB amount
lowers the payment.

* service line (2110): SVC02 - sum of the line's CAS amounts = SVC03
* claim (2100): CLP03 - claim CAS - all line CAS = CLP04
* transaction: sum of CLP04 - sum of PLB amounts = BPR02

837 (section 3.3, X222A1/X223A2 loop 2300 and 2320/2430 notes, RFI 1115 and 1294):

* CLM02 = sum of the service line charges (SV102, SV203, SV303)
* per other payer in 2320 that reports AMT*D: CLM02 = AMT*D paid + its 2320 CAS + the
  2430 CAS of the lines it adjudicated (SVD01 = that payer's 2330B NM109)
* per line and other payer: SV102 = sum of SVD02 + sum of that 2430's CAS

A balancer is fed every placed segment with the id of the loop holding it and is told when a
loop ends; it returns :class:`Imbalance` values. Amounts are read as :class:`~decimal.Decimal`
so cents are exact; unreadable amounts are left to the element checks.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from edi.x12.segment import Segment

__all__ = ["Imbalance", "Balancer", "Balancer835", "Balancer837", "balancer_for"]

ZERO = Decimal(0)


class Imbalance(NamedTuple):
    """An equation that does not hold; ``segment`` is the one carrying the total."""

    code: str               # our code: "835-SVC", "835-CLP", "835-BPR", "837-CLM", ...
    segment: Segment
    element: int
    message: str


_parsed: dict[str, Decimal | None] = {}


def _amount(text: str) -> Decimal | None:
    # Amounts repeat a great deal (0, the same charges and adjustments): parse each once.
    found = _parsed.get(text, _parsed)
    if found is not _parsed:
        return found  # type: ignore[return-value]
    value: Decimal | None
    try:
        value = Decimal(text) if text and "e" not in text.lower() else None
    except InvalidOperation:
        value = None
    if value is not None and not value.is_finite():
        value = None
    if len(_parsed) > 50_000:
        _parsed.clear()
    _parsed[text] = value
    return value


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

    def segment(self, seg: Segment, loop_id: str) -> list[Imbalance]:
        return []

    def loop_end(self, loop_id: str) -> list[Imbalance]:
        return []

    def finish(self) -> list[Imbalance]:
        return []


class Balancer835(Balancer):
    tags = frozenset({("CAS", "2100"), ("CAS", "2110"), ("SVC", "2110"), ("CLP", "2100"),
                      ("PLB", "ST_LOOP"), ("BPR", "ST_LOOP")})
    loops = frozenset({"2100", "2110"})

    def __init__(self) -> None:
        self.bpr: Segment | None = None
        self.paid_total = ZERO
        self.plb_total = ZERO
        self.clp: Segment | None = None
        self.claim_adjustments = ZERO
        self.svc: Segment | None = None
        self.line_adjustments = ZERO

    def segment(self, seg: Segment, loop_id: str) -> list[Imbalance]:
        tag = seg.tag
        if tag == "CAS":
            total = _cas_total(seg)
            if loop_id == "2110":
                self.line_adjustments += total
            self.claim_adjustments += total
        elif tag == "SVC":
            self.svc = seg
            self.line_adjustments = ZERO
        elif tag == "CLP":
            self.clp = seg
            self.claim_adjustments = ZERO
            paid = _amount(seg.get(4))
            if paid is not None:
                self.paid_total += paid
        elif tag == "PLB":
            elements = seg.elements
            for i in range(3, min(len(elements), 14), 2):
                amount = _amount(elements[i])
                if amount is not None:
                    self.plb_total += amount
        elif tag == "BPR":
            self.bpr = seg
        return []

    def loop_end(self, loop_id: str) -> list[Imbalance]:
        if loop_id == "2110" and self.svc is not None:
            svc, self.svc = self.svc, None
            charge, paid = _amount(svc.get(2)), _amount(svc.get(3))
            if charge is None or paid is None:
                return []
            if charge - self.line_adjustments != paid:
                return [Imbalance(
                    "835-SVC", svc, 3,
                    f"SVC03 line payment {_money(paid)} does not equal SVC02 line charge "
                    f"{_money(charge)} minus the line adjustments "
                    f"{_money(self.line_adjustments)} (= {_money(charge - self.line_adjustments)})"
                )]
        elif loop_id == "2100" and self.clp is not None:
            clp, self.clp = self.clp, None
            charge, paid = _amount(clp.get(3)), _amount(clp.get(4))
            if charge is None or paid is None:
                return []
            adjusted = charge - self.claim_adjustments
            if adjusted != paid:
                return [Imbalance(
                    "835-CLP", clp, 4,
                    f"CLP04 claim payment {_money(paid)} does not equal CLP03 total charge "
                    f"{_money(charge)} minus the claim and line adjustments "
                    f"{_money(self.claim_adjustments)} (= {_money(adjusted)})")]
        return []

    def finish(self) -> list[Imbalance]:
        if self.bpr is None:
            return []
        total = _amount(self.bpr.get(2))
        if total is None:
            return []
        expected = self.paid_total - self.plb_total
        if expected != total:
            return [Imbalance(
                "835-BPR", self.bpr, 2,
                f"BPR02 total payment {_money(total)} does not equal the sum of the claim "
                f"payments {_money(self.paid_total)} minus the provider adjustments (PLB) "
                f"{_money(self.plb_total)} (= {_money(expected)})")]
        return []


_LINE_CHARGE = {"SV1": 2, "SV2": 3, "SV3": 2}


class Balancer837(Balancer):
    tags = frozenset({("CLM", "2300"), ("SV1", "2400"), ("SV2", "2400"), ("SV3", "2400"),
                      ("SBR", "2320"), ("AMT", "2320"), ("CAS", "2320"), ("NM1", "2330B"),
                      ("SVD", "2430"), ("CAS", "2430")})
    loops = frozenset({"2300", "2400"})

    def __init__(self) -> None:
        self.clm: Segment | None = None
        self.line_total = ZERO
        self.line_charge: Decimal | None = None
        self.line_seg: Segment | None = None
        # Per other payer (2330B NM109): AMT*D, 2320 CAS, 2430 CAS; in claim order.
        self.payers: list[list] = []          # [payer id, AMT*D segment, paid, cas total]
        self.svd_payer = ""
        self.line_paid: dict[str, Decimal] = {}
        self.line_cas: dict[str, Decimal] = {}
        self.line_svd: dict[str, Segment] = {}
        self.claim_line_cas: dict[str, Decimal] = {}

    def segment(self, seg: Segment, loop_id: str) -> list[Imbalance]:
        tag = seg.tag
        if tag == "CLM":
            self.clm = seg
            self.line_total = ZERO
            self.payers = []
            self.claim_line_cas = {}
        elif tag in _LINE_CHARGE and loop_id == "2400":
            self.line_seg = seg
            self.line_charge = _amount(seg.get(_LINE_CHARGE[tag]))
            self.line_paid, self.line_cas, self.line_svd = {}, {}, {}
            if self.line_charge is not None:
                self.line_total += self.line_charge
        elif tag == "SBR" and loop_id == "2320":
            self.payers.append(["", None, None, ZERO])
        elif self.payers and loop_id == "2320" and tag == "AMT" and seg.get(1) == "D":
            self.payers[-1][1] = seg
            self.payers[-1][2] = _amount(seg.get(2))
        elif self.payers and loop_id == "2320" and tag == "CAS":
            self.payers[-1][3] += _cas_total(seg)
        elif self.payers and loop_id == "2330B" and tag == "NM1":
            self.payers[-1][0] = seg.get(9)
        elif tag == "SVD" and loop_id == "2430":
            payer = self.svd_payer = seg.get(1)
            paid = _amount(seg.get(2)) or ZERO
            self.line_paid[payer] = self.line_paid.get(payer, ZERO) + paid
            self.line_svd.setdefault(payer, seg)
        elif tag == "CAS" and loop_id == "2430":
            total = _cas_total(seg)
            payer = self.svd_payer
            self.line_cas[payer] = self.line_cas.get(payer, ZERO) + total
            self.claim_line_cas[payer] = self.claim_line_cas.get(payer, ZERO) + total
        return []

    def loop_end(self, loop_id: str) -> list[Imbalance]:
        out: list[Imbalance] = []
        if loop_id == "2400" and self.line_charge is not None:
            for payer, paid in self.line_paid.items():
                cas = self.line_cas.get(payer, ZERO)
                if paid + cas != self.line_charge:
                    out.append(Imbalance(
                        "837-COB-LINE", self.line_svd[payer], 2,
                        f"line charge {_money(self.line_charge)} does not equal what payer "
                        f"{payer} paid on the line (SVD02 {_money(paid)}) plus its line "
                        f"adjustments (CAS {_money(cas)})"))
            self.line_charge = None
        elif loop_id == "2300" and self.clm is not None:
            clm, self.clm = self.clm, None
            charge = _amount(clm.get(2))
            if charge is None:
                return out
            if self.line_seg is not None and charge != self.line_total:
                out.append(Imbalance(
                    "837-CLM", clm, 2,
                    f"CLM02 total claim charge {_money(charge)} does not equal the sum of the "
                    f"service line charges {_money(self.line_total)}"))
            for payer, amt, paid, cas in self.payers:
                if amt is None or paid is None:
                    continue      # AMT*D is sent only when that payer adjudicated the claim
                lines = self.claim_line_cas.get(payer, ZERO)
                if paid + cas + lines != charge:
                    out.append(Imbalance(
                        "837-COB-CLAIM", amt, 2,
                        f"CLM02 total claim charge {_money(charge)} does not equal what payer "
                        f"{payer or '(unnamed)'} paid (AMT*D {_money(paid)}) plus its claim "
                        f"adjustments ({_money(cas)}) and line adjustments ({_money(lines)})"))
            self.line_seg = None
        return out


def balancer_for(set_id: str) -> Balancer:
    if set_id == "835":
        return Balancer835()
    if set_id == "837":
        return Balancer837()
    return Balancer()
