"""837I claim segments, table-driven both ways: claim value -> wire text -> claim value."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from builder_support import build
from pyx12_check import pyx12_errors

from claims import CodedAmount, CodedDate, Diagnosis, Procedure, claims_from_837
from claims.build_837i import institutional_claim_segments


def _inst(claim, **changes):
    return replace(claim, institutional=replace(claim.institutional, **changes))


CASES = [
    ("facility type and frequency", lambda c: c, "CLM*RCH-IP-70931*17938.4***11:A:1**A*Y*Y~"),
    ("statement dates", lambda c: c, "DTP*434*RD8*20260906-20260908~"),
    ("admission with hour", lambda c: c, "DTP*435*DT*202609062210~"),
    ("admission without hour", lambda c: _inst(c, admission_hour=""), "DTP*435*D8*20260906~"),
    ("discharge hour", lambda c: c, "DTP*096*TM*1130~"),
    ("CL1", lambda c: c, "CL1*1*7*01~"),
    ("principal diagnosis with POA", lambda c: c, "HI*ABK:K3580:::::::Y~"),
    ("other diagnoses with POA", lambda c: c, "HI*ABF:E119:::::::Y*ABF:I10:::::::Y~"),
    ("principal procedure", lambda c: c, "HI*BBR:0DTJ4ZZ:D8:20260907~"),
    ("other procedures", lambda c: _inst(c, other_procedures=(
        Procedure("0DTJ0ZZ", dt.date(2026, 9, 7)),)), "HI*BBQ:0DTJ0ZZ:D8:20260907~"),
    ("occurrence", lambda c: _inst(c, occurrences=(CodedDate("11", dt.date(2026, 9, 5)),
                                                   CodedDate("A1", dt.date(2026, 1, 1)))),
     "HI*BH:11:D8:20260905*BH:A1:D8:20260101~"),
    ("value", lambda c: _inst(c, values=(CodedAmount("80", Decimal("2.00")),
                                         CodedAmount("A1", Decimal("15.31")))),
     "HI*BE:80:::2*BE:A1:::15.31~"),
    ("condition", lambda c: _inst(c, conditions=("01", "39")), "HI*BG:01*BG:39~"),
    ("attending", lambda c: c, "NM1*71*1*Brooks*Alan****XX*1345678902~PRV*AT*PXC*207R00000X~"),
    ("days", lambda c: c, "SV2*0120**4200*DA*2~"),
    ("revenue with HCPCS", lambda c: c, "SV2*0300*HC:85025*96*UN*2~"),
    ("non-covered", lambda c: replace(c, lines=(replace(c.lines[0], non_covered_charge=Decimal(
        "100.00")),) + c.lines[1:]), "SV2*0120**4200*DA*2**100~"),
    ("many other diagnoses", lambda c: replace(c, diagnoses=(c.diagnoses[0],) + tuple(
        Diagnosis(code, "N") for code in ("E119", "I10", "J069", "R051", "E6601", "M1711",
                                          "M25561", "J029", "R079", "S93401A", "Z23",
                                          "E785", "N179"))),
     "HI*ABF:N179:::::::N~"),
]


@pytest.mark.parametrize(("label", "change", "wire"), CASES, ids=[c[0] for c in CASES])
def test_claim_value_to_wire_and_back(label, change, wire, samples):
    claim = change(samples["institutional_inpatient"])
    text = build([claim])
    assert wire in text.replace("\n", "")
    assert pyx12_errors(text) == []
    assert claims_from_837(text) == [claim]


def test_outpatient_sample(samples):
    text = build([samples["institutional_outpatient"]])
    assert "CLM*RCH-OP-55012*1395***13:A:1**A*Y*Y~" in text
    assert "SV2*0450*HC:99284:25*850*UN*1~" in text


def test_an_institutional_claim_needs_its_data(samples):
    claim = replace(samples["institutional_outpatient"], institutional=None)
    with pytest.raises(ValueError, match="RCH-OP-55012: an institutional claim needs"):
        list(institutional_claim_segments(claim))
