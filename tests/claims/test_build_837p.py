"""837P claim segments, table-driven both ways: claim value -> wire text -> claim value."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from builder_support import build
from pyx12_check import pyx12_errors

from claims import Accident, Diagnosis, claims_from_837
from claims.build_837p import professional_claim_segments


def _line(claim, **changes):
    return replace(claim, lines=(replace(claim.lines[0], **changes),) + claim.lines[1:])


CASES = [
    ("modifiers and description",
     lambda c: _line(c, modifiers=("25", "59"), description="Visit*extended"),
     "SV1*HC:99213:25:59:::Visit extended*120*UN*1***1:2~"),
    ("minutes and decimal units",
     lambda c: _line(c, unit_basis="MJ", units=Decimal("1.5")), "SV1*HC:99213*120*MJ*1.5***1:2~"),
    ("line place of service", lambda c: _line(c, place_of_service="02"),
     "SV1*HC:99213*120*UN*1*02**1:2~"),
    ("date range", lambda c: _line(c, service_date_end=dt.date(2026, 9, 15)),
     "DTP*472*RD8*20260914-20260915~"),
    ("auto accident", lambda c: replace(c, accident=Accident(("AA", "EM"), "IL", "",
                                                             dt.date(2026, 9, 1))),
     "CLM*MSFM-10001*145***11:B:1*Y*A*Y*Y**AA:EM::IL~"),
    ("accident date", lambda c: replace(c, accident=Accident(("OA",), date=dt.date(2026, 9, 1))),
     "DTP*439*D8*20260901~"),
    ("replacement", lambda c: replace(c, frequency="7", payer_claim_number="ICN7"),
     "REF*F8*ICN7~"),
    ("prior authorization", lambda c: replace(c, prior_authorization="PA1"), "REF*G1*PA1~"),
    ("no signature", lambda c: replace(c, provider_signature=False, assignment="C",
                                       benefits_assigned="N", release_of_information="I"),
     "CLM*MSFM-10001*145***11:B:1*N*C*N*I~"),
    ("twelve diagnoses", lambda c: replace(c, diagnoses=tuple(
        Diagnosis(code) for code in ("J069", "R051", "I10", "E119", "M1711", "M25561", "Z23",
                                     "J029", "R079", "K3580", "S93401A", "E6601"))),
     "HI*ABK:J069*ABF:R051*ABF:I10*ABF:E119*ABF:M1711*ABF:M25561*ABF:Z23*ABF:J029*ABF:R079*"
     "ABF:K3580*ABF:S93401A*ABF:E6601~"),
    ("note", lambda c: replace(c, notes="Resubmitted with records"),
     "NTE*ADD*Resubmitted with records~"),
]


@pytest.mark.parametrize(("label", "change", "wire"), CASES, ids=[c[0] for c in CASES])
def test_claim_value_to_wire_and_back(label, change, wire, samples):
    claim = change(samples["office_visit"])
    text = build([claim])
    assert wire in text.replace("\n", "")
    assert pyx12_errors(text) == []
    back = claims_from_837(text)[0]
    # the builder cleans delimiter characters out of free text; everything else comes back
    expected = (_line(claim, description="Visit extended") if claim.lines[0].description
                else claim)
    assert back == expected


def test_rendering_provider_equal_to_billing_is_not_repeated(samples):
    claim = samples["office_visit"]
    same = replace(claim, rendering_provider=replace(claim.rendering_provider,
                                                     npi=claim.billing_provider.npi))
    tags = [s.tag + s.get(1) for s in professional_claim_segments(same)]
    assert "NM182" not in tags and "PRVPE" not in tags


def test_void_repeats_the_claim_with_the_payer_number(samples):
    text = build([samples["void"]])
    assert "CLM*MSFM-10002V*611***11:B:8*Y*A*Y*Y~" in text
    assert "REF*F8*LMI26091800312~" in text


def test_original_claims_never_send_ref_f8(samples):
    claim = replace(samples["office_visit"], payer_claim_number="ICN1")
    assert "REF*F8" not in build([claim])


def test_service_facility_that_is_the_billing_provider_is_not_sent(samples):
    claim = samples["lines_with_modifiers"]
    same = replace(claim, service_facility=replace(claim.billing_provider, taxonomy=""))
    assert "NM1*77" not in build([same])
    elsewhere = replace(claim, service_facility=replace(
        claim.service_facility, npi=claim.billing_provider.npi))
    assert "NM1*77*2*Maple Street Procedure Suite*****XX*1234567893~" in build([elsewhere])


def test_dependent_claims_carry_the_subscribers_address(samples):
    from claims import Address

    claim = samples["dependent_patient"]
    claim = replace(claim, subscriber=replace(claim.subscriber, person=replace(
        claim.subscriber.person, address=Address("17 Cedar Avenue", "Springfield", "IL",
                                                 "62702"))))
    text = build([claim])
    assert "NM1*IL*1*Nguyen*Minh****MI*PHP556600100~\nN3*17 Cedar Avenue~" in text
    assert pyx12_errors(text) == []
    assert claims_from_837(text) == [claim]
