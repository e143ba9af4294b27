"""The edi-level 837 reader: TR3-shaped values, defects for bad values, errors for non-X12."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from edi.errors import InterchangeError
from edi.parsers.claim837 import read_837
from edi.x12.defects import DefectLevel, Severity
from edi.x12.tokenizer import Tokenizer

SAMPLE = """ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261122*0930*^*00501*000000001*0*T*:~
GS*HC*SENDER*RECEIVER*20261122*0930*1*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*1*20261122*0930*CH~
NM1*41*2*BILLING SERVICE*****46*S1~
PER*IC*DESK*TE*2175550100~
NM1*40*2*CLEARINGHOUSE*****46*R1~
HL*1**20*1~
PRV*BI*PXC*207Q00000X~
NM1*85*2*MAPLE CLINIC*****XX*1234567893~
N3*100 MAPLE ST~
N4*SPRINGFIELD*IL*627011234~
REF*EI*990000001~
HL*2*1*22*1~
SBR*S**GRP1******CI~
NM1*IL*1*DOE*JOHN****MI*M123~
NM1*PR*2*SECOND PLAN*****PI*SP2~
HL*3*2*23*0~
PAT*19~
NM1*QC*1*DOE*JANE~
N3*1 ELM ST*APT 2~
N4*SPRINGFIELD*IL*62704~
DMG*D8*20150102*F~
CLM*PCN1*100***11:B:1*Y*A*Y*Y*P*AA:::IL~
DTP*439*D8*20260901~
REF*G1*AUTH1~
HI*ABK:S93401A*ABF:V4350XA~
NM1*82*1*CARTER*JANE****XX*1987654328~
PRV*PE*PXC*207Q00000X~
SBR*P*19*GRP9******CI~
CAS*CO*45*10~
AMT*D*70~
OI***Y*P**Y~
NM1*IL*1*DOE*MARY****MI*P999~
NM1*PR*2*FIRST PLAN*****PI*FP1~
DTP*573*D8*20261001~
REF*F8*ICN42~
LX*1~
SV1*HC:99213:25*100*UN*1***1:2~
DTP*472*D8*20260902~
REF*6R*PCN1-1~
LIN**N4*00003029305~
CTP****1*ML~
SVD*FP1*70*HC:99213:25**1~
CAS*PR*3*20~
DTP*573*D8*20261001~
SE*46*0001~
GE*1*1~
IEA*1*000000001~
"""


def test_reads_the_claim_and_its_loops():
    result = read_837(SAMPLE, "s.837")
    assert result.defects == ()
    (claim,) = result.claims
    assert claim.implementation == "005010X222A1" and claim.transaction == "0001"
    assert claim.billing_provider.identifier == "1234567893"
    assert claim.billing_provider.taxonomy == "207Q00000X"
    assert claim.billing_provider.refs[0].value == "990000001"
    assert claim.sbr[0] == "S" and claim.subscriber.identifier == "M123"
    assert claim.payer.identifier == "SP2"
    assert claim.patient.first_name == "JANE" and claim.patient_relationship == "19"
    assert claim.patient.address_lines == ("1 ELM ST", "APT 2")
    assert claim.patient.birth_date == dt.date(2015, 1, 2)
    assert claim.clm05 == ("11", "B", "1") and claim.clm11 == ("AA", "", "", "IL")
    assert claim.charge == Decimal("100")
    assert [h.code for h in claim.health_codes] == ["S93401A", "V4350XA"]
    assert [p.entity for p in claim.providers] == ["82"]
    assert claim.providers[0].taxonomy == "207Q00000X"
    (other,) = claim.other_subscribers
    assert other.sbr[:2] == ("P", "19")
    assert other.adjustments[0].amount == Decimal("10")
    assert [(a.qualifier, a.value) for a in other.amounts] == [("D", "70")]
    assert other.payer.identifier == "FP1" and other.subscriber.identifier == "P999"
    assert [r.value for r in other.payer_refs] == ["ICN42"]
    assert [d.value for d in other.payer_dates] == ["20261001"]
    (line,) = claim.lines
    assert line.procedure == ("HC", "99213", "25") and line.diagnosis_pointers == ("1", "2")
    assert line.ndc == "00003029305" and line.ndc_unit == "ML"
    assert [r.value for r in line.refs] == ["PCN1-1"]
    (svd,) = line.adjudications
    assert svd.payer_id == "FP1" and svd.paid == Decimal("70")
    assert svd.adjustments[0].group == "PR"


def test_bad_amount_is_a_defect_with_its_path():
    result = read_837(SAMPLE.replace("SV1*HC:99213:25*100*", "SV1*HC:99213:25*1O0*"), "s.837")
    (defect,) = result.defects
    assert defect.path.loop == "2400" and defect.path.segment == "SV1"
    assert defect.path.element == 2 and "'1O0' is not a number" in defect.message
    assert result.claims[0].lines[0].charge == Decimal(0)


def test_other_transaction_sets_are_skipped():
    text = SAMPLE.replace("ST*837*0001", "ST*835*0001")
    result = read_837(text)
    assert result.claims == ()
    assert "not an 837" in result.defects[0].message


def test_text_that_is_not_x12_raises():
    with pytest.raises(InterchangeError, match="junk.txt: expected an ISA"):
        read_837("hello", "junk.txt")


def test_institutional_sample(samples_dir: Path):
    import json

    from claims import Submitter, build_837, claim_from_json

    claim = claim_from_json(json.loads(
        (samples_dir / "claims" / "institutional_inpatient.json").read_text()))
    text = build_837([claim], sender_id="S1", receiver_id="R1", interchange_control_number=1,
                     group_control_number=1, submitter=Submitter("B", "B1", phone="1"),
                     receiver_name="R", created=dt.datetime(2026, 11, 22, 9, 30))
    (read,) = read_837(text).claims
    assert read.cl1 == ("1", "7", "01")
    assert [(h.qualifier, h.present_on_admission) for h in read.health_codes][:2] == [
        ("ABK", "Y"), ("ABJ", "")]
    assert read.lines[0].segment == "SV2" and read.lines[0].revenue_code == "0120"


# Lenient reading: a bare ST..SE (as the TR3 prints its examples) and an ISA with blanks
# around its separators are read, each with a warning defect; never refused, never silently.
def _enveloped(bare: str) -> str:
    """The set in SAMPLE's ISA and GS (its ST03 names the guide read)."""
    return SAMPLE[:SAMPLE.index("ST*837")] + bare + "GE*1*1~\nIEA*1*000000001~\n"


def _lenient_warning(defect) -> tuple:
    return (defect.severity, defect.level, defect.code, defect.path.segment)


@pytest.mark.parametrize(("name", "guide"), [
    ("bare_professional_claim.837", "005010X222A1"),
    ("bare_institutional_claim.837", "005010X223A2"),
])
def test_a_bare_set_is_read_with_a_warning(samples_dir: Path, name: str, guide: str):
    bare = (samples_dir / "x12" / name).read_text(encoding="utf-8")
    result = read_837(bare, name)
    (warning,) = result.defects
    assert _lenient_warning(warning) == (Severity.WARNING, DefectLevel.INTERCHANGE, "024", "ISA")
    assert "no ISA/GS envelope" in warning.message and f"GS08 {guide} from ST03" in warning.message
    assert warning.path.file_position == 0             # the ISA is not in the file
    # The claims are those of the same set in an envelope; positions are the bare file's own.
    enveloped = read_837(_enveloped(bare), name)
    assert enveloped.defects == ()
    assert len(result.claims) == len(enveloped.claims) == 1
    (claim,), (wrapped,) = result.claims, enveloped.claims
    assert claim.implementation == guide
    assert bare.splitlines()[claim.file_position - 1].startswith("CLM*")
    assert claim == dataclasses.replace(wrapped, file_position=claim.file_position)


def test_a_spaced_isa_is_read_with_a_warning():
    isa, rest = SAMPLE.split("~\n", 1)
    spaced = " * ".join(part.strip() for part in isa.split("*")) + " ~\n" + rest
    result = read_837(spaced, "spaced.837")
    (warning,) = result.defects
    assert _lenient_warning(warning) == (Severity.WARNING, DefectLevel.INTERCHANGE, "024", "ISA")
    assert "blanks around its separators" in warning.message
    assert warning.path.file_position == 1
    assert result.claims == read_837(SAMPLE, "s.837").claims


def test_only_the_interchange_read_leniently_is_warned_about():
    isa, rest = SAMPLE.split("~\n", 1)
    spaced = " * ".join(part.strip() for part in isa.split("*")) + " ~\n" + rest
    result = read_837(SAMPLE + spaced + SAMPLE)
    (warning,) = result.defects
    assert warning.path.file_position == SAMPLE.count("~") + 1      # the second ISA
    assert len(result.claims) == 3


def test_envelope_errors_are_left_to_the_validator():
    # An unknown ISA12 is a validation finding (TA1 017), not something read leniently.
    text = SAMPLE.replace("*00501*", "*99999*", 1)
    assert [n.code for n in parse_problems(text)] == ["017"]
    result = read_837(text)
    assert result.defects == () and len(result.claims) == 1


def parse_problems(text: str) -> list:
    tokenizer = Tokenizer()
    tokenizer.feed(text)
    tokenizer.close()
    return tokenizer.problems


def test_a_bare_group_is_read_with_a_warning():
    group = SAMPLE[SAMPLE.index("GS*"):SAMPLE.index("IEA*")]
    result = read_837(group, "group.837")
    (warning,) = result.defects
    assert _lenient_warning(warning) == (Severity.WARNING, DefectLevel.INTERCHANGE, "024", "ISA")
    assert "no ISA interchange header" in warning.message and "GS02/GS03" in warning.message
    assert [c.clm[0] for c in result.claims] == ["PCN1"]
    assert result.claims[0].file_position == group.count("~", 0, group.index("CLM*")) + 1
