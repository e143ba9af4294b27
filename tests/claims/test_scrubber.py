"""The scrubber: the samples are clean, and each rule fires on the claim that breaks it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from claim_samples import SAMPLE_NAMES, TODAY

from claims import (
    Accident,
    Address,
    Adjustment,
    Diagnosis,
    LineAdjudication,
    Procedure,
    Sex,
    has_errors,
    scrub,
)
from edi.x12.defects import Severity


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_are_clean(name, samples, code_sets):
    findings = scrub(samples[name], code_sets, today=TODAY)
    assert [f.rule_id for f in findings] == ["CS001"], [str(f) for f in findings]
    assert findings[0].severity is Severity.INFO
    assert "CPT, HCPCS Level II" in findings[0].message


def _line(claim, i, **changes):
    lines = list(claim.lines)
    lines[i] = replace(lines[i], **changes)
    return replace(claim, lines=tuple(lines))


def _person(claim, **changes):
    sub = claim.subscriber
    return replace(claim, subscriber=replace(sub, person=replace(sub.person, **changes)))


def _patient(claim, **changes):
    return replace(claim, patient=replace(claim.patient, person=replace(claim.patient.person,
                                                                        **changes)))


def _inst(claim, **changes):
    return replace(claim, institutional=replace(claim.institutional, **changes))


def _adjudication(claim, **changes):
    coverage = claim.other_coverages[0]
    adj = replace(coverage.adjudication, **changes)
    return replace(claim, other_coverages=(replace(coverage, adjudication=adj),))


def _settled_line(claim, j, **changes):
    adj = claim.other_coverages[0].adjudication
    lines = list(adj.lines)
    lines[j] = replace(lines[j], **changes)
    return _adjudication(claim, lines=tuple(lines))


OV, LM, DP, SEC = "office_visit", "lines_with_modifiers", "dependent_patient", \
    "secondary_after_primary"
IP, OP = "institutional_inpatient", "institutional_outpatient"

CASES = [
    # (sample, change, rule id, field)
    (OV, lambda c: replace(c, diagnoses=()), "DX001", "diagnoses"),
    (OV, lambda c: replace(c, diagnoses=(Diagnosis("J0690"), Diagnosis("R051"))), "DX002",
     "diagnoses[0]"),
    (OV, lambda c: replace(c, diagnoses=(Diagnosis("J06"), Diagnosis("R051"))), "DX003",
     "diagnoses[0]"),
    (OV, lambda c: replace(c, diagnoses=(Diagnosis("J069"),) * 13), "DX004", "diagnoses"),
    (OV, lambda c: replace(c, diagnoses=(Diagnosis("J069"), Diagnosis("J069"))), "DX005",
     "diagnoses[1]"),
    (OV, lambda c: replace(c, diagnoses=(Diagnosis("N400"),)), "DX006", "diagnoses[0]"),
    (OV, lambda c: replace(c, diagnoses=(Diagnosis("Z00129"),)), "DX007", "diagnoses[0]"),
    (DP, lambda c: replace(c, diagnoses=(Diagnosis("Z3800"),)), "DX008", "diagnoses[0]"),
    (OV, lambda c: replace(c, lines=c.lines * 26), "LN001", "lines"),
    (OV, lambda c: _line(c, 1, procedure_code="8788"), "LN002", "lines[1].procedure_code"),
    (OV, lambda c: _line(c, 0, modifiers=("2",)), "LN004", "lines[0].modifiers[0]"),
    (OV, lambda c: _line(c, 0, modifiers=("25", "44")), "LN018", "lines[0].modifiers[1]"),
    (OV, lambda c: _line(c, 0, diagnosis_pointers=(3,)), "LN005",
     "lines[0].diagnosis_pointers"),
    (OV, lambda c: _line(c, 0, diagnosis_pointers=()), "LN006", "lines[0].diagnosis_pointers"),
    (OV, lambda c: _line(c, 0, charge=Decimal("-1.00")), "LN007", "lines[0].charge"),
    (OV, lambda c: _line(c, 0, units=Decimal(0)), "LN008", "lines[0].units"),
    (OV, lambda c: _line(c, 0, service_date=None), "LN009", "lines[0].service_date"),
    (OV, lambda c: _line(c, 1, line_control_number="MSFM-10001-1"), "LN010",
     "lines[1].line_control_number"),
    (LM, lambda c: _line(c, 2, ndc="0003029305"), "LN011", "lines[2].ndc"),
    (LM, lambda c: _line(c, 2, ndc_unit=""), "LN012", "lines[2].ndc_quantity"),
    (OP, lambda c: _line(c, 0, revenue_code="450"), "LN013", "lines[0].revenue_code"),
    (OV, lambda c: _line(c, 0, place_of_service="98"), "LN014", "lines[0].place_of_service"),
    (OV, lambda c: _line(c, 0, diagnosis_pointers=(1, 1)), "LN015",
     "lines[0].diagnosis_pointers"),
    (OV, lambda c: _line(c, 0, procedure_code=""), "LN016", "lines[0].procedure_code"),
    (OV, lambda c: _line(c, 0, unit_basis="DA"), "LN017", "lines[0].unit_basis"),
    (OV, lambda c: replace(c, total_charge=Decimal("140.00")), "CL001", "total_charge"),
    (OV, lambda c: replace(c, total_charge=Decimal("0.00"), lines=(
        replace(c.lines[0], charge=Decimal("0.00")),)), "CL002", "total_charge"),
    (OV, lambda c: replace(c, patient_control_number="X" * 21), "CL003",
     "patient_control_number"),
    (OV, lambda c: replace(c, patient_control_number="X" * 18), "CL004",
     "patient_control_number"),
    (OV, lambda c: replace(c, frequency="5"), "CL005", "frequency"),
    (OV, lambda c: replace(c, frequency="7"), "CL006", "payer_claim_number"),
    (OV, lambda c: replace(c, frequency="8"), "CL006", "payer_claim_number"),
    (OV, lambda c: replace(c, payer_claim_number="ICN1"), "CL007", "payer_claim_number"),
    (OV, lambda c: replace(c, place_of_service="98"), "CL008", "place_of_service"),
    (OV, lambda c: replace(c, accident=Accident(("AA",))), "CL009", "accident.state"),
    (OV, lambda c: replace(c, accident=Accident(("XX",))), "CL010", "accident.causes"),
    (OV, lambda c: replace(c, assignment="Z"), "CL010", "assignment"),
    (OV, lambda c: _line(c, 0, service_date=dt.date(2026, 12, 1)), "DT001",
     "lines[0].service_date"),
    (OV, lambda c: _line(c, 0, service_date_end=dt.date(2026, 9, 1)), "DT002",
     "lines[0].service_date_end"),
    (OV, lambda c: replace(c, onset_date=dt.date(2026, 9, 20)), "DT003", "onset_date"),
    (OV, lambda c: _person(c, birth_date=dt.date(2026, 9, 20)), "DT004",
     "subscriber.birth_date"),
    (OV, lambda c: _person(c, birth_date=dt.date(2027, 1, 1)), "DT001",
     "subscriber.birth_date"),
    (OV, lambda c: replace(c, billing_provider=replace(c.billing_provider, npi="1234567890")),
     "PR001", "billing_provider.npi"),
    (LM, lambda c: replace(c, referring_provider=replace(c.referring_provider, npi="123")),
     "PR001", "referring_provider.npi"),
    (OV, lambda c: replace(c, billing_provider=replace(c.billing_provider, tax_id="12-34")),
     "PR002", "billing_provider.tax_id"),
    (OV, lambda c: replace(c, billing_provider=replace(
        c.billing_provider, address=replace(c.billing_provider.address, postal_code="62701"))),
     "PR003", "billing_provider.address"),
    (OV, lambda c: replace(c, billing_provider=replace(
        c.billing_provider, address=replace(c.billing_provider.address, line1="P.O. Box 12"))),
     "PR004", "billing_provider.address.line1"),
    (OV, lambda c: replace(c, rendering_provider=replace(c.rendering_provider,
                                                         taxonomy="207Q99999X")),
     "PR005", "rendering_provider.taxonomy"),
    (OV, lambda c: _person(c, address=None), "PR006", "subscriber.address"),
    (OV, lambda c: _person(c, sex=Sex.UNKNOWN), "PR007", "subscriber.sex"),
    (DP, lambda c: _patient(c, birth_date=None), "PR007", "patient.birth_date"),
    (DP, lambda c: replace(c, patient=replace(c.patient, relationship="18")), "PR008",
     "patient.relationship"),
    (OP, lambda c: _inst(c, attending=None), "PR009", "institutional.attending"),
    (LM, lambda c: replace(c, service_facility=replace(c.service_facility, address=None)),
     "PR010", "service_facility.address"),
    (SEC, lambda c: replace(c, other_coverages=()), "CB001", "other_coverages"),
    (SEC, lambda c: _adjudication(c, paid_amount=Decimal("90.00")), "CB002",
     "other_coverages[0].adjudication"),
    (SEC, lambda c: _adjudication(c, claim_adjustments=(
        Adjustment("CO", "45", Decimal("5.00")),)), "CB002", "other_coverages[0].adjudication"),
    (SEC, lambda c: _settled_line(c, 1, paid_amount=Decimal("19.00")), "CB003",
     "other_coverages[0].adjudication.lines[1]"),
    (SEC, lambda c: _settled_line(c, 1, line_control_number="NOPE"), "CB004",
     "other_coverages[0].adjudication.lines[1].line_control_number"),
    (SEC, lambda c: _settled_line(c, 1, adjustments=(Adjustment("CR", "45", Decimal("5")),)),
     "CB005", "other_coverages[0].adjudication.lines[1].adjustments[0].group"),
    (SEC, lambda c: replace(c, other_coverages=(replace(c.other_coverages[0],
                                                        responsibility="S"),)),
     "CB006", "other_coverages[0].responsibility"),
    (SEC, lambda c: replace(c, other_coverages=(replace(c.other_coverages[0],
                                                        responsibility=""),)),
     "CB006", "other_coverages[0].responsibility"),
    (OP, lambda c: replace(c, institutional=None), "IN001", "institutional"),
    (OP, lambda c: _inst(c, type_of_bill="13"), "IN002", "institutional.type_of_bill"),
    (IP, lambda c: _inst(c, principal_procedure=Procedure("0DTJ4ZX", dt.date(2026, 9, 7))),
     "IN003", "institutional.principal_procedure.code"),
    (IP, lambda c: _inst(c, patient_status="30"), "IN004", "institutional.patient_status"),
    (IP, lambda c: replace(_inst(c, type_of_bill="112"), frequency="2"), "IN005",
     "institutional.discharge_hour"),
    (IP, lambda c: _inst(c, admission_date=None), "IN006", "institutional.admission_date"),
    (OV, lambda c: replace(c, institutional=load_ip().institutional), "IN007", "institutional"),
    (OP, lambda c: replace(c, frequency="7", payer_claim_number="X1"), "IN008",
     "institutional.type_of_bill"),
    (IP, lambda c: _inst(c, admitting_diagnosis="R10"), "DX003",
     "institutional.admitting_diagnosis"),
    (IP, lambda c: _inst(c, statement_to=dt.date(2026, 9, 1)), "DT002",
     "institutional.statement_to"),
]


def load_ip():
    from claim_samples import load_sample
    return load_sample(IP)


@pytest.mark.parametrize(("sample", "change", "rule_id", "field"), CASES,
                         ids=[f"{c[2]}-{c[3]}" for c in CASES])
def test_rule_fires(sample, change, rule_id, field, samples, code_sets):
    findings = scrub(change(samples[sample]), code_sets, today=TODAY)
    hits = [f for f in findings if f.rule_id == rule_id]
    assert hits, [str(f) for f in findings]
    assert field in [f.field for f in hits]


def test_errors_come_first_and_has_errors(samples, code_sets):
    claim = replace(samples[OV], total_charge=Decimal("1.00"), onset_date=dt.date(2026, 9, 30))
    findings = scrub(claim, code_sets, today=TODAY)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=[Severity.ERROR, Severity.WARNING,
                                                 Severity.INFO].index)
    assert has_errors(findings)
    assert not has_errors(scrub(samples[OV], code_sets, today=TODAY))


def test_dates_outside_the_icd_edition_are_noted(samples, code_sets):
    claim = _line(samples[OV], 0, service_date=dt.date(2026, 10, 5))
    assert "CS002" in [f.rule_id for f in scrub(claim, code_sets, today=TODAY)]


def test_configured_lists_flag_unknown_procedures(samples, code_sets):
    sets = replace(code_sets, cpt=frozenset({"99213"}))
    findings = scrub(samples[OV], sets, today=TODAY)
    assert [(f.rule_id, f.field) for f in findings if f.rule_id == "LN003"] == [
        ("LN003", "lines[1].procedure_code")]


def test_split_line_balances_over_every_settlement(samples, code_sets):
    claim = samples[SEC]
    adj = claim.other_coverages[0].adjudication
    first = adj.lines[0]
    halves = (replace(first, paid_amount=Decimal("38.00"), adjustments=first.adjustments[:1]),
              LineAdjudication(first.line_control_number, first.procedure_code,
                               Decimal("38.00"), adjustments=first.adjustments[1:]))
    split = _adjudication(claim, lines=halves + adj.lines[1:])
    assert not has_errors(scrub(split, code_sets, today=TODAY))


def test_addresses_outside_the_us_need_no_zip(samples, code_sets):
    claim = _person(samples[OV], address=Address("1 Rue", "Paris", "", "75001", country="FR"))
    assert not has_errors(scrub(claim, code_sets, today=TODAY))


@pytest.mark.parametrize(("sample", "count", "words"), [
    (OV, 13, "The claim has 13 diagnoses; professional claims carry at most 12."),
    (IP, 26, "The claim has 26 diagnoses; institutional claims carry at most 25."),
])
def test_too_many_diagnoses_names_the_claims_own_limit(sample, count, words, samples,
                                                       code_sets):
    claim = samples[sample]
    codes = ("J069", "R509", "R05", "R0602", "R112", "R197", "R42", "R51", "R5383")
    diagnoses = tuple(Diagnosis(codes[k % len(codes)]) for k in range(count))
    hits = [f for f in scrub(replace(claim, diagnoses=diagnoses), code_sets, today=TODAY)
            if f.rule_id == "DX004"]
    assert [f.message.startswith(words) for f in hits] == [True], [f.message for f in hits]
