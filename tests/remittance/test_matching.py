"""Matching claim payments and lines to our claims, including when the payer changed things."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from remit_practice import snapshot_index

from edi.parsers.remit835 import read_835
from remittance.matching import (
    ClaimIndex,
    ClaimSnapshot,
    LineSnapshot,
    MatchMethod,
    match_claim,
    match_lines,
)

HEAD = ("ISA*00*          *00*          *ZZ*P              *ZZ*R              *260101*1200*^*"
        "00501*000000001*0*T*:~GS*HP*P*R*20260101*1200*7*X*005010X221A1~ST*835*0001~"
        "BPR*I*0*C*NON************20260105~TRN*1*T1*1999999999~N1*PR*PAYER~N1*PE*US~LX*1~")


def payment(body: str):
    text = HEAD + body + "SE*3*0001~GE*1*7~IEA*1*000000001~"
    return read_835(text).remittances[0].claims[0]


def test_by_patient_control_number_case_insensitively() -> None:
    claim, method = match_claim(payment("CLP*c1001*1*185*0**MB*X~"), snapshot_index())
    assert claim.patient_control_number == "C1001"
    assert method is MatchMethod.PATIENT_CONTROL_NUMBER


def test_by_payer_claim_number_when_clp01_is_garbled() -> None:
    base = snapshot_index().by_pcn["C1002"]
    stored = ClaimSnapshot(**{**{f: getattr(base, f) for f in base.__dataclass_fields__},
                              "payer_claim_number": "ICN-OLD-1"})
    claim, method = match_claim(payment("CLP*XX*1*280*0**MB*ICN-OLD-1~"), ClaimIndex([stored]))
    assert (claim.claim_id, method) == (base.claim_id, MatchMethod.PAYER_CLAIM_NUMBER)


def test_by_line_control_number() -> None:
    claim, method = match_claim(
        payment("CLP*TRUNC*1*60*0**MB*X~SVC*HC:93000*60*0~REF*6R*C1002-2~"), snapshot_index())
    assert (claim.patient_control_number, method) == ("C1002", MatchMethod.LINE_CONTROL_NUMBER)


def test_falls_back_to_patient_dates_and_charge() -> None:
    found = payment("CLP*WRONG*1*200*0**MB*X~NM1*QC*1*SMITH*ANNA~"
                    "SVC*HC:99203*200*0~DTM*472*20260304~")
    claim, method = match_claim(found, snapshot_index())
    assert (claim.patient_control_number, method) == ("C1003",
                                                      MatchMethod.PATIENT_DATES_CHARGE)
    wrong_date = payment("CLP*WRONG*1*200*0**MB*X~NM1*QC*1*SMITH*ANNA~"
                         "SVC*HC:99203*200*0~DTM*472*20260404~")
    assert match_claim(wrong_date, snapshot_index()) == (None, MatchMethod.NONE)
    wrong_charge = payment("CLP*WRONG*1*201*0**MB*X~NM1*QC*1*SMITH*ANNA~")
    assert match_claim(wrong_charge, snapshot_index()) == (None, MatchMethod.NONE)


def test_a_claim_we_never_billed_is_unmatched() -> None:
    assert match_claim(payment("CLP*NOPE*1*10*0**MB*X~NM1*QC*1*NOBODY*NO~"),
                       snapshot_index()) == (None, MatchMethod.NONE)


def _lines(body: str, pcn: str):
    index = snapshot_index()
    return match_lines(payment(body), index.by_pcn[pcn])


def test_lines_by_dropped_modifier_and_by_restated_code() -> None:
    matches = _lines("CLP*C1004*1*210*0**MB*X~SVC*HC:97112:GP*120*0**4*HC:97110:GP~"
                     "DTM*472*20260305~SVC*HC:97140:GP*90*0~DTM*472*20260305~", "C1004")
    assert [m.line.line_control_number for m in matches] == ["C1004-1", "C1004-2"]
    assert [m.method for m in matches] == [MatchMethod.PROCEDURE,
                                           MatchMethod.PROCEDURE_WITHOUT_MODIFIERS]


def test_lines_by_charge_and_date_when_the_code_changed_silently() -> None:
    matches = _lines("CLP*C1002*1*280*0**MB*X~SVC*HC:99215*220*0~DTM*472*20260303~"
                     "SVC*HC:93000*60*0~", "C1002")
    assert matches[0].line.line_control_number == "C1002-1"
    assert matches[0].method is MatchMethod.CHARGE_AND_DATE


def test_modifiers_glued_onto_the_code() -> None:
    matches = _lines("CLP*C1002*1*220*0**MB*X~SVC*HC:9921425*220*0~", "C1002")
    assert matches[0].line.line_control_number == "C1002-1"


def test_a_split_line_maps_every_piece_to_the_billed_line() -> None:
    line = LineSnapshot(7, 1, "L-1", "97110", ("GP",), Decimal("120"), Decimal("4"),
                        dt.date(2026, 3, 5))
    claim = ClaimSnapshot(1, "S1", "", Decimal("120"), dt.date(2026, 3, 5),
                          dt.date(2026, 3, 5), (line,))
    matches = match_lines(payment("CLP*S1*1*120*0**MB*X~SVC*HC:97110:GP*60*0**2~"
                                  "SVC*HC:97110:GP*60*0**2~"), claim)
    assert [m.line.line_id for m in matches] == [7, 7]


def test_an_unknown_line_stays_unmatched() -> None:
    matches = _lines("CLP*C1003*1*50*0**MB*X~SVC*HC:11111*50*0~DTM*472*20260101~", "C1003")
    assert matches[0].line is None and matches[0].method is MatchMethod.NONE


def test_institutional_lines_by_revenue_code() -> None:
    room = LineSnapshot(1, 1, "", "", (), Decimal("900"), Decimal("1"), dt.date(2026, 3, 5),
                        revenue_code="0450")
    lab = LineSnapshot(2, 2, "", "80053", (), Decimal("900"), Decimal("1"), dt.date(2026, 3, 5),
                       revenue_code="0301")
    claim = ClaimSnapshot(1, "I1", "", Decimal("1800"), dt.date(2026, 3, 5),
                          dt.date(2026, 3, 5), (room, lab))
    matches = match_lines(payment("CLP*I1*1*1800*0**MA*X~SVC*HC:80053*900*0*0301~"
                                  "SVC*NU:450*900*0~"), claim)
    assert [m.line.line_id for m in matches] == [2, 1]
