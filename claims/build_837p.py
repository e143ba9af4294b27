"""Loop 2300 and its children for one professional claim (TR3 005010X222A1).

Segment order follows the TR3 (and pyx12's X222A1 map): CLM, DTP*431/439, REF*G1/F8, NTE,
HI, 2310A referring, 2310B rendering, 2310C service facility, 2320 other payers, then per line
2400 LX/SV1/DTP*472/REF*6R, 2410 drug and 2430 prior-payer adjudication.
"""

from __future__ import annotations

from collections.abc import Iterator

from claims.build_cob import line_adjudication_segments, other_payer_segments
from claims.build_parties import (
    address_segments,
    amount,
    clean,
    d8,
    provider_name,
    quantity,
    rd8,
    seg,
    taxonomy,
)
from claims.model import Claim, Provider, ServiceLine
from edi.x12 import Segment

__all__ = ["professional_claim_segments", "diagnosis_segment", "drug_segments",
           "facility_needed"]


def _yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def diagnosis_segment(claim: Claim) -> Segment | None:
    """HI*ABK:principal*ABF:other...: ICD-10-CM without the dot, at most 12 (TR3 2300 HI)."""
    if not claim.diagnoses:
        return None
    values = [("ABK" if i == 0 else "ABF", dx.code) for i, dx in
              enumerate(claim.diagnoses[:12])]
    return seg("HI", *values)


def _clm(claim: Claim) -> Segment:
    related = None
    if claim.accident:
        causes = list(claim.accident.causes[:3])
        causes += [""] * (3 - len(causes))
        related = [*causes, claim.accident.state, claim.accident.country]
    return seg(
        "CLM", clean(claim.patient_control_number, 38), amount(claim.total_charge), None, None,
        (claim.place_of_service, "B", claim.frequency), _yes_no(claim.provider_signature),
        claim.assignment, claim.benefits_assigned, claim.release_of_information, None, related)


def _rendering_needed(claim: Claim, provider: Provider | None) -> bool:
    # 2310B is sent only when the rendering provider is not the billing provider (TR3 2310B
    # situational note; OpenEMR compares the NPIs the same way).
    return provider is not None and provider.npi != claim.billing_provider.npi


def facility_needed(claim: Claim) -> bool:
    """2310C (837I 2310E) is sent unless the facility is the billing provider at its address
    (TR3 2310C situational note: only when the location differs from 2010AA)."""
    facility = claim.service_facility
    if facility is None:
        return False
    billing = claim.billing_provider
    return not (facility.npi == billing.npi and facility.address in (None, billing.address))


def drug_segments(line: ServiceLine) -> list[Segment]:
    """2410 LIN*N4 (11-digit NDC) and CTP quantity with its unit."""
    if not line.ndc:
        return []
    qty = quantity(line.ndc_quantity) if line.ndc_quantity is not None else None
    return [seg("LIN", None, "N4", line.ndc),
            seg("CTP", None, None, None, qty, (line.ndc_unit or "UN",))]


def _service_date(line: ServiceLine) -> Segment | None:
    if line.service_date is None:
        return None
    if line.service_date_end and line.service_date_end != line.service_date:
        return seg("DTP", "472", "RD8", rd8(line.service_date, line.service_date_end))
    return seg("DTP", "472", "D8", d8(line.service_date))


def _line_segments(claim: Claim, number: int, line: ServiceLine) -> Iterator[Segment]:
    yield seg("LX", str(number))
    modifiers = list(line.modifiers[:4])
    procedure = ["HC", line.procedure_code, *modifiers]
    if line.description:
        procedure += [""] * (6 - len(procedure)) + [clean(line.description, 80)]
    pos = line.place_of_service if line.place_of_service != claim.place_of_service else None
    pointers = [str(p) for p in line.diagnosis_pointers[:4]]
    yield seg("SV1", procedure, amount(line.charge), line.unit_basis,
                       quantity(line.units), pos or None, None, pointers)
    date = _service_date(line)
    if date:
        yield date
    if line.line_control_number:
        yield seg("REF", "6R", clean(line.line_control_number, 30))
    yield from drug_segments(line)
    yield from line_adjudication_segments(claim, line)


def professional_claim_segments(claim: Claim) -> Iterator[Segment]:
    """Every segment of loop 2300 through the last 2400 for ``claim``."""
    yield _clm(claim)
    if claim.onset_date:
        yield seg("DTP", "431", "D8", d8(claim.onset_date))
    if claim.accident and claim.accident.date:
        yield seg("DTP", "439", "D8", d8(claim.accident.date))
    if claim.prior_authorization:
        yield seg("REF", "G1", clean(claim.prior_authorization, 50))
    # REF*F8 only for replacement and void claims (RFI 2173, RFI 2110).
    if claim.frequency in ("7", "8") and claim.payer_claim_number:
        yield seg("REF", "F8", clean(claim.payer_claim_number, 50))
    if claim.notes:
        yield seg("NTE", "ADD", clean(claim.notes, 80))
    hi = diagnosis_segment(claim)
    if hi:
        yield hi
    if claim.referring_provider:
        ref = claim.referring_provider
        # 2310A NM102 is always 1: a referring provider is a person (TR3 2310A).
        yield seg("NM1", "DN", "1", clean(ref.last_name), clean(ref.first_name, 35),
                           clean(ref.middle_name, 25), None, None, "XX", ref.npi)
    if _rendering_needed(claim, claim.rendering_provider):
        rendering = claim.rendering_provider
        assert rendering is not None
        yield provider_name("82", rendering)
        prv = taxonomy("PE", rendering.taxonomy)
        if prv:
            yield prv
    if facility_needed(claim):
        facility = claim.service_facility
        assert facility is not None
        yield seg("NM1", "77", "2", clean(facility.last_name), None, None, None, None,
                           "XX" if facility.npi else None, facility.npi or None)
        if facility.address:
            yield from address_segments(facility.address)
    yield from other_payer_segments(claim)
    for number, line in enumerate(claim.lines, 1):
        yield from _line_segments(claim, number, line)
