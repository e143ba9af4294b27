"""The 837 builder: golden files, pyx12 and our validator both at zero errors, the HL tree.

Golden files live in tests/claims/golden/<sample>.837 and are compared byte for byte. After a
deliberate change to the output, regenerate them with

    CLAIMHOUSE_REGENERATE_GOLDEN=1 /work/venv/bin/python -m pytest tests/claims/test_builder.py

and review the diff before committing.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from builder_support import SUBMITTER, build
from claim_samples import SAMPLE_NAMES
from pyx12_check import pyx12_errors

from claims import Submitter
from edi.validation import validate_text
from edi.x12 import parse_segments

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("CLAIMHOUSE_REGENERATE_GOLDEN") == "1"


def _tags(text: str) -> list[str]:
    return [seg.tag for seg in parse_segments(text)]


def _our_errors(text: str) -> list[str]:
    report = validate_text(text, "built.837")
    return [str(d) for d in report.defects if d.is_error]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_golden(name, samples):
    text = build([samples[name]])
    path = GOLDEN / f"{name}.837"
    if REGENERATE:
        path.write_text(text, encoding="ascii", newline="")
    assert path.exists(), f"no golden file {path}; set CLAIMHOUSE_REGENERATE_GOLDEN=1"
    assert text == path.read_text(encoding="ascii"), f"{name} differs from its golden file"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_each_sample_passes_pyx12_and_our_validator(name, samples):
    text = build([samples[name]])
    assert pyx12_errors(text) == []
    assert _our_errors(text) == []


def test_all_samples_in_one_interchange(samples):
    text = build(samples.values())
    assert pyx12_errors(text) == []
    assert _our_errors(text) == []
    segments = parse_segments(text)
    gs = [s for s in segments if s.tag == "GS"]
    assert [(g.get(6), g.get(8)) for g in gs] == [("101", "005010X222A1"),
                                                 ("102", "005010X223A2")]
    assert [s.get(2) for s in segments if s.tag == "ST"] == ["0001", "0002"]
    assert sum(1 for s in segments if s.tag == "CLM") == len(samples)


def test_output_is_deterministic(samples):
    claims = list(samples.values())
    assert build(claims) == build(claims)
    assert build(claims, line_breaks=False) == build(claims).replace("\n", "")


def test_hl_tree_groups_by_billing_provider_subscriber_and_patient(samples):
    office = samples["office_visit"]
    second = replace(office, patient_control_number="MSFM-20001")
    child = samples["dependent_patient"]
    sibling = replace(child, patient_control_number="MSFM-20002",
                      patient=replace(child.patient, person=replace(child.patient.person,
                                                                    first_name="Max")))
    text = build([office, child, second, sibling])
    assert pyx12_errors(text) == []
    hls = [s.elements for s in parse_segments(text) if s.tag == "HL"]
    # one billing provider, the self subscriber with both of her claims, the parent with two
    # dependents
    assert hls == [("1", "", "20", "1"), ("2", "1", "22", "0"), ("3", "1", "22", "1"),
                   ("4", "3", "23", "0"), ("5", "3", "23", "0")]
    tags = _tags(text)
    assert tags.count("CLM") == 4 and tags.count("PAT") == 2


def test_at_most_100_claims_per_hl(samples):
    base = samples["office_visit"]
    claims = [replace(base, patient_control_number=f"MSFM-{i:05d}") for i in range(150)]
    text = build(claims)
    hls = [s.elements for s in parse_segments(text) if s.tag == "HL"]
    assert [h[2] for h in hls] == ["20", "22", "22"]
    assert pyx12_errors(text) == []


def test_transactions_split_at_5000_claims(samples, monkeypatch):
    import claims.builder as builder

    monkeypatch.setattr(builder, "CLAIMS_PER_TRANSACTION", 2)
    base = samples["office_visit"]
    claims = [replace(base, patient_control_number=f"MSFM-{i:05d}") for i in range(5)]
    text = build(claims)
    segments = parse_segments(text)
    assert [s.get(2) for s in segments if s.tag == "ST"] == ["0001", "0002", "0003"]
    assert [s for s in segments if s.tag == "GE"][0].get(1) == "3"
    assert pyx12_errors(text) == []


def test_delimiters_in_data_are_cleaned(samples):
    claim = samples["office_visit"]
    claim = replace(claim, subscriber=replace(claim.subscriber, person=replace(
        claim.subscriber.person, last_name="O*Brien~Smith:Jr^")))
    text = build([claim])
    assert "NM1*IL*1*O Brien Smith Jr*Ana" in text
    assert pyx12_errors(text) == []


def test_envelope_values(samples):
    text = build([samples["office_visit"]], control=7, usage="P", sender_qualifier="01")
    isa = parse_segments(text)[0]
    assert isa.get(5) == "01" and isa.get(13) == "000000007" and isa.get(15) == "P"
    assert "PER*IC*Billing Desk*TE*2175550100~" in text
    assert "NM1*41*2*Maple Street Billing*****46*MSB0001~" in text


def test_submitter_needs_a_contact():
    with pytest.raises(ValueError, match="contact phone or e-mail"):
        Submitter(name="X", identifier="Y")
    assert SUBMITTER.phone


def test_no_claims_is_an_error():
    with pytest.raises(ValueError, match="no claims"):
        build([])


def test_lines_without_control_numbers_get_generated_ones(samples):
    claim = samples["office_visit"]
    bare = replace(claim, lines=tuple(replace(x, line_control_number="") for x in claim.lines))
    text = build([bare])
    assert "REF*6R*MSFM-10001-1~" in text and "REF*6R*MSFM-10001-2~" in text
