"""Coordination-of-benefits segments: loops 2320/2330A/2330B and line-level 2430.

What the prior payers decided (their 835, as :class:`claims.model.PriorPayerAdjudication`)
travels to the next payer so it can balance: per payer, CLM02 = AMT*D + every CAS at 2320 and
2430 (RFI 1294), and per line SV102 = SVD02 + the line's CAS (x12-domain 3.3). Adjustments are
grouped one CAS per group code with up to six reason/amount/quantity triplets, as OpenEMR does
with the 835 it received.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from claims.build_parties import (
    address_segments,
    amount,
    clean,
    d8,
    person_name,
    quantity,
    seg,
)
from claims.model import Adjustment, Claim, ClaimKind, OtherCoverage, ServiceLine
from edi.x12 import Segment

__all__ = ["other_payer_segments", "line_adjudication_segments", "cas_segments"]

_TRIPLETS_PER_CAS = 6     # CAS02..CAS19
_MAX_CAS = 5              # TR3 2320/2430 CAS max use


def cas_segments(adjustments: Sequence[Adjustment]) -> list[Segment]:
    """CAS segments, one per group code in first-seen order, six triplets each."""
    by_group: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        by_group.setdefault(adjustment.group, []).append(adjustment)
    out: list[Segment] = []
    for group, items in by_group.items():
        for start in range(0, len(items), _TRIPLETS_PER_CAS):
            values: list[str | None] = [group]
            for a in items[start:start + _TRIPLETS_PER_CAS]:
                values += [a.reason, amount(a.amount),
                           quantity(a.quantity) if a.quantity is not None else None]
            out.append(seg("CAS", *values))
    if len(out) > _MAX_CAS:
        raise ValueError(f"{len(out)} CAS segments needed; the 837 allows {_MAX_CAS}")
    return out


def _coverage_segments(claim: Claim, coverage: OtherCoverage) -> Iterator[Segment]:
    sub = coverage.subscriber
    professional = claim.kind == ClaimKind.PROFESSIONAL
    yield seg("SBR", coverage.responsibility, coverage.relationship,
                       clean(sub.group_number, 50) or None, clean(sub.group_name) or None,
                       (sub.insurance_type or None) if professional else None, None, None,
                       None, sub.claim_filing_indicator or None)
    adj = coverage.adjudication
    if adj is not None:
        yield from cas_segments(adj.claim_adjustments)
        paid = seg("AMT", "D", amount(adj.paid_amount))
        remaining = (seg("AMT", "EAF", amount(adj.patient_responsibility))
                     if adj.patient_responsibility is not None else None)
        # TR3 order differs: 837P lists D, A8, EAF; 837I lists D, EAF, A8.
        yield paid
        if remaining:
            yield remaining
    # OI03 benefits assignment, OI04 patient signature source (837P only), OI06 release.
    yield seg("OI", None, None, claim.benefits_assigned,
                       "P" if professional else None, None, claim.release_of_information)
    yield person_name("IL", sub.person, "MI", clean(sub.member_id, 80))
    if sub.person.address:
        yield from address_segments(sub.person.address)
    yield seg("NM1", "PR", "2", clean(coverage.payer.name), None, None, None, None,
                       "PI", clean(coverage.payer.payer_id, 80))
    if adj is not None:
        yield seg("DTP", "573", "D8", d8(adj.paid_date))
        if adj.payer_claim_number:
            yield seg("REF", "F8", clean(adj.payer_claim_number, 50))


def other_payer_segments(claim: Claim) -> Iterator[Segment]:
    """Every 2320 loop (with 2330A/2330B) for the claim's other coverages, at most 10."""
    for coverage in claim.other_coverages[:10]:
        yield from _coverage_segments(claim, coverage)


def line_adjudication_segments(claim: Claim, line: ServiceLine) -> Iterator[Segment]:
    """2430 loops for ``line``: one per prior-payer line settlement that names it (REF*6R).

    A line the payer split comes back as several settlements; each gets its own 2430 under the
    one billed line (RFI 1507).
    """
    institutional = claim.kind == ClaimKind.INSTITUTIONAL
    for coverage in claim.other_coverages[:10]:
        adj = coverage.adjudication
        if adj is None:
            continue
        for settled in adj.lines:
            if settled.line_control_number != line.line_control_number:
                continue
            code = settled.procedure_code or line.procedure_code
            procedure = ["HC", code, *settled.modifiers[:4]] if code else None
            revenue = (settled.revenue_code or line.revenue_code) if institutional else None
            # SVD01 repeats the 2330B NM109 of the payer that settled the line (TR3 2430).
            yield seg("SVD", clean(coverage.payer.payer_id, 80),
                               amount(settled.paid_amount),
                               procedure, revenue, quantity(settled.paid_units))
            yield from cas_segments(settled.adjustments)
            yield seg("DTP", "573", "D8", d8(settled.paid_date or adj.paid_date))
