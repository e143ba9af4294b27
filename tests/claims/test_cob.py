"""Secondary claims from the primary payer's adjudication (2320/2330/2430)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from builder_support import build
from claim_samples import TODAY
from pyx12_check import pyx12_errors

from claims import (
    CoordinationError,
    OtherCoverage,
    Patient,
    Payer,
    Sex,
    has_errors,
    scrub,
    secondary_claim,
)
from edi.x12 import parse_segments


def test_the_secondary_sample_is_the_office_visit_after_its_primary_payment(
        samples, primary_payment):
    assert secondary_claim(samples["office_visit"], primary_payment) == \
        samples["secondary_after_primary"]


def test_secondary_claim_moves_the_payers(samples, primary_payment):
    secondary = secondary_claim(samples["office_visit"], primary_payment)
    assert secondary.payer.payer_id == "LMI22" and secondary.responsibility == "S"
    assert secondary.subscriber.member_id == "LMI9081772"
    # the patient is the secondary insured too: her demographics come along
    assert secondary.subscriber.person.birth_date is not None and secondary.patient is None
    (settled,) = secondary.other_coverages
    assert settled.payer.payer_id == "PHP01" and settled.responsibility == "P"
    assert settled.adjudication == primary_payment
    assert settled.subscriber.person.sex is Sex.UNKNOWN      # 2330A carries no DMG


def test_secondary_claim_segments(samples, primary_payment, code_sets):
    secondary = secondary_claim(samples["office_visit"], primary_payment)
    assert not has_errors(scrub(secondary, code_sets, today=TODAY))
    text = build([secondary])
    assert pyx12_errors(text) == []
    wire = [s.to_text() for s in parse_segments(text)]
    for expected in ("SBR*P*18*GRP-4410******CI~", "AMT*D*96~", "AMT*EAF*20~", "OI***Y*P**Y~",
                     "NM1*PR*2*Prairie Health Plan*****PI*PHP01~", "DTP*573*D8*20261002~",
                     "REF*F8*PHP2026100200417~", "SVD*PHP01*76*HC:99213**1~", "CAS*CO*45*24~",
                     "CAS*PR*3*20~"):
        assert expected in wire


def test_dependent_on_the_secondary_plan(samples, primary_payment):
    office = samples["office_visit"]
    spouse_plan = replace(office.other_coverages[0], relationship="01", subscriber=replace(
        office.other_coverages[0].subscriber, person=replace(
            office.subscriber.person, first_name="Luis", birth_date=None, sex=Sex.UNKNOWN)))
    claim = replace(office, other_coverages=(spouse_plan,))
    secondary = secondary_claim(claim, primary_payment)
    assert secondary.patient == Patient(office.subscriber.person, "01")
    assert secondary.subscriber.person.first_name == "Luis"
    assert pyx12_errors(build([secondary])) == []


def test_tertiary_after_secondary(samples, primary_payment):
    office = samples["office_visit"]
    tertiary = OtherCoverage(Payer("Third Plan", "TP3"), office.other_coverages[0].subscriber,
                             "T")
    claim = replace(office, other_coverages=office.other_coverages + (tertiary,))
    secondary = secondary_claim(claim, primary_payment)
    assert [c.responsibility for c in secondary.other_coverages] == ["P", "T"]
    secondary_payment = replace(primary_payment, payer=secondary.payer,
                                paid_amount=Decimal("20.00"), lines=(), claim_adjustments=(
                                    *primary_payment.lines[0].adjustments,
                                    *primary_payment.lines[1].adjustments),
                                payer_claim_number="LMI77")
    third = secondary_claim(secondary, secondary_payment)
    assert third.responsibility == "T" and third.payer.payer_id == "TP3"
    assert [c.responsibility for c in third.other_coverages] == ["S", "P"]
    assert pyx12_errors(build([third])) == []


def test_errors(samples, primary_payment):
    office = samples["office_visit"]
    with pytest.raises(CoordinationError, match="no other coverage after payer sequence P"):
        secondary_claim(replace(office, other_coverages=()), primary_payment)
    with pytest.raises(CoordinationError, match="payment is from payer XX"):
        secondary_claim(office, replace(primary_payment, payer=Payer("Other", "XX")))


def test_institutional_secondary_claim(samples, code_sets):
    from claims import Adjustment, LineAdjudication, PriorPayerAdjudication

    outpatient = samples["institutional_outpatient"]
    other = OtherCoverage(Payer("Prairie Health Plan", "PHP01"), replace(
        outpatient.subscriber, member_id="PHP1"), "S")
    claim = replace(outpatient, other_coverages=(other,))
    lines = tuple(LineAdjudication(line.line_control_number, line.procedure_code,
                                   line.charge - Decimal("10.00"),
                                   adjustments=(Adjustment("CO", "45", Decimal("10.00")),),
                                   revenue_code=line.revenue_code)
                  for line in claim.lines)
    paid = sum((x.paid_amount for x in lines), Decimal(0))
    payment = PriorPayerAdjudication(claim.payer, paid, TODAY.replace(month=10),
                                     lines=lines, payer_claim_number="LMI-1")
    secondary = secondary_claim(claim, payment)
    assert not has_errors(scrub(secondary, code_sets, today=TODAY))
    text = build([secondary])
    assert pyx12_errors(text) == []
    assert "SVD*LMI22*840*HC:99284*0450*1~" in text
    assert "OI***Y***Y~" in text
