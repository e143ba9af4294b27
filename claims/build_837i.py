"""Loop 2300 and its children for one institutional claim (TR3 005010X223A2).

Differences from the 837P (x12-domain 4.1): CLM05 carries the facility type with qualifier A,
CLM06 is not used, statement dates (DTP*434 RD8) and CL1 are required, diagnoses and
procedures travel in several HI segments with present-on-admission flags, the attending
provider is 2310A, and lines are SV2 with a revenue code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from claims.build_837p import drug_segments, facility_needed
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
from claims.model import Claim, Institutional, ServiceLine
from edi.x12 import Segment

__all__ = ["institutional_claim_segments"]

_PER_HI = 12


def _coded(qualifier: str, code: str, *, date: str = "", amount_text: str = "",
           poa: str = "") -> list[str]:
    """One C022 composite: qualifier, code, date format, date, amount, ..., POA (HIxx-9)."""
    return [qualifier, code, "D8" if date else "", date, amount_text, "", "", "", poa]


def _hi(values: Sequence[list[str]], max_segments: int) -> Iterator[Segment]:
    for start in range(0, min(len(values), _PER_HI * max_segments), _PER_HI):
        yield seg("HI", *values[start:start + _PER_HI])


def _hi_segments(claim: Claim, inst: Institutional) -> Iterator[Segment]:
    if claim.diagnoses:
        principal = claim.diagnoses[0]
        yield seg("HI", _coded("ABK", principal.code,
                                        poa=principal.present_on_admission))
    if inst.admitting_diagnosis:
        yield seg("HI", _coded("ABJ", inst.admitting_diagnosis))
    yield from _hi([_coded("ABF", dx.code, poa=dx.present_on_admission)
                    for dx in claim.diagnoses[1:]], 2)
    if inst.principal_procedure:
        p = inst.principal_procedure
        yield seg("HI", _coded("BBR", p.code, date=d8(p.date)))
    yield from _hi([_coded("BBQ", p.code, date=d8(p.date)) for p in inst.other_procedures], 2)
    yield from _hi([_coded("BH", o.code, date=d8(o.date)) for o in inst.occurrences], 2)
    yield from _hi([_coded("BE", v.code, amount_text=amount(v.amount)) for v in inst.values], 2)
    yield from _hi([_coded("BG", c) for c in inst.conditions], 2)


def _line_segments(claim: Claim, number: int, line: ServiceLine) -> Iterator[Segment]:
    yield seg("LX", str(number))
    procedure = (["HC", line.procedure_code, *line.modifiers[:4]] if line.procedure_code
                 else None)
    non_covered = amount(line.non_covered_charge) if line.non_covered_charge else None
    yield seg("SV2", line.revenue_code, procedure, amount(line.charge),
                       line.unit_basis, quantity(line.units), None, non_covered)
    if line.service_date:
        if line.service_date_end and line.service_date_end != line.service_date:
            yield seg("DTP", "472", "RD8", rd8(line.service_date,
                                                        line.service_date_end))
        else:
            yield seg("DTP", "472", "D8", d8(line.service_date))
    if line.line_control_number:
        yield seg("REF", "6R", clean(line.line_control_number, 30))
    yield from drug_segments(line)
    yield from line_adjudication_segments(claim, line)


def institutional_claim_segments(claim: Claim) -> Iterator[Segment]:
    """Every segment of loop 2300 through the last 2400 for an institutional ``claim``."""
    inst = claim.institutional
    if inst is None:
        raise ValueError(f"claim {claim.patient_control_number}: an institutional claim needs "
                         "its institutional data (type of bill, statement dates)")
    yield seg("CLM", clean(claim.patient_control_number, 38),
                       amount(claim.total_charge), None, None,
                       (inst.facility_type, "A", claim.frequency), None, claim.assignment,
                       claim.benefits_assigned, claim.release_of_information)
    if inst.discharge_hour:
        yield seg("DTP", "096", "TM", inst.discharge_hour)
    yield seg("DTP", "434", "RD8", rd8(inst.statement_from, inst.statement_to))
    if inst.admission_date:
        if inst.admission_hour:
            yield seg("DTP", "435", "DT", d8(inst.admission_date) + inst.admission_hour)
        else:
            yield seg("DTP", "435", "D8", d8(inst.admission_date))
    yield seg("CL1", inst.admission_type or None, inst.admission_source or None,
                       inst.patient_status)
    if claim.prior_authorization:
        yield seg("REF", "G1", clean(claim.prior_authorization, 50))
    if claim.frequency in ("7", "8") and claim.payer_claim_number:
        yield seg("REF", "F8", clean(claim.payer_claim_number, 50))
    if claim.notes:
        yield seg("NTE", "ADD", clean(claim.notes, 80))
    yield from _hi_segments(claim, inst)
    if inst.attending:
        yield provider_name("71", inst.attending)
        prv = taxonomy("AT", inst.attending.taxonomy)
        if prv:
            yield prv
    rendering = claim.rendering_provider
    if rendering and (inst.attending is None or rendering.npi != inst.attending.npi):
        yield provider_name("82", rendering)
    if facility_needed(claim):
        facility = claim.service_facility
        assert facility is not None
        yield seg("NM1", "77", "2", clean(facility.last_name), None, None, None, None,
                           "XX" if facility.npi else None, facility.npi or None)
        if facility.address:
            yield from address_segments(facility.address)
    if claim.referring_provider:
        ref = claim.referring_provider
        yield seg("NM1", "DN", "1", clean(ref.last_name), clean(ref.first_name, 35),
                           clean(ref.middle_name, 25), None, None, "XX", ref.npi)
    yield from other_payer_segments(claim)
    for number, line in enumerate(claim.lines, 1):
        yield from _line_segments(claim, number, line)
