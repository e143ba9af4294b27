"""SNIP 3 balancing: 835 at line, claim and payment level; 837 claim and COB amounts."""

from __future__ import annotations

import pytest
from edi_samples import cob_837p, text_835, text_837p

from edi.validation import validate_text
from edi.validation.balancing import Balancer835, balancer_for
from edi.x12 import Segment
from edi.x12.defects import DefectLevel


def balancing(report) -> list[str]:
    return [d.code for d in report.defects if d.level is DefectLevel.BALANCING]


def swap(body: list[str], old: str, new: str) -> list[str]:
    at = body.index(old)
    return body[:at] + [new] + body[at + 1:]


def test_cob_claim_balances():
    assert validate_text(text_837p(cob_837p())).defects == ()


def test_cob_paid_amount_out_of_balance():
    report = validate_text(text_837p(swap(cob_837p(), "AMT*D*90.00", "AMT*D*85.00")))
    (d,) = [d for d in report.defects if d.level is DefectLevel.BALANCING]
    assert d.code == "837-COB-CLAIM" and d.path.segment == "AMT"
    assert "PAYERTWO" in d.message and "85.00" in d.message and "150.00" in d.message


def test_cob_line_out_of_balance():
    body = swap(cob_837p(), "SVD*PAYERTWO*30.00*HC:87070**1", "SVD*PAYERTWO*25.00*HC:87070**1")
    report = validate_text(text_837p(body))
    assert balancing(report) == ["837-COB-LINE"]
    (d,) = report.defects
    assert d.path.segment == "SVD" and "50.00" in d.message and "25.00" in d.message


def test_amt_d_may_come_without_line_adjudication():
    # RFI 251: AMT*D without CAS is fine when it balances on its own.
    body = [line for line in cob_837p() if not line.startswith(("SVD", "CAS", "DTP*573"))]
    body = swap(body, "AMT*D*90.00", "AMT*D*150.00")
    body[-1] = f"SE*{len(body)}*0001"
    assert validate_text(text_837p(body)).defects == ()


def test_835_reversal_with_negative_amounts_balances(remit_835):
    body = [
        "ST*835*1001", "BPR*I*0*C*NON************20240105", "TRN*1*REV1*1999999999",
        "N1*PR*PAYER ONE", "N3*PO BOX 1", "N4*CAPITAL CITY*IL*627010000",
        "PER*BL*EDI DESK*TE*5555550199", "N1*PE*RIVERSIDE CLINIC*XX*1234567893", "LX*1",
        "CLP*PATIENT001*22*-150.00*-110.00**12*PAYERCLAIM1", "CAS*CO*45*-40.00",
        "NM1*QC*1*DOE*JANE****MI*MEMBER001",
        "CLP*PATIENT001*1*150.00*110.00**12*PAYERCLAIM1B", "CAS*CO*45*40.00",
        "NM1*QC*1*DOE*JANE****MI*MEMBER001", "SE*16*1001",
    ]
    report = validate_text(text_835(body))
    assert balancing(report) == [], [str(d) for d in report.defects]


@pytest.mark.parametrize(("segments", "codes"), [
    ([("SVC", "HC:1", "100", "80"), ("CAS", "CO", "45", "20")], []),
    ([("SVC", "HC:1", "100", "80"), ("CAS", "CO", "45", "10", "", "3", "5")], ["835-SVC"]),
    ([("SVC", "HC:1", "100", "80"), ("CAS", "CO", "45", "10", "", "3", "10")], []),
])
def test_service_line_equation(segments, codes):
    balancer = Balancer835()
    for values in segments:
        balancer.segment(Segment(values[0], values[1:]), "2110")
    assert [i.code for i in balancer.loop_end("2110")] == codes


def test_plb_amounts_reduce_the_payment():
    balancer = balancer_for("835")
    balancer.segment(Segment("BPR", ("I", "95")), "ST_LOOP")
    balancer.segment(Segment("CLP", ("A", "1", "100", "100")), "2100")
    balancer.loop_end("2100")
    balancer.segment(Segment("PLB", ("P", "20241231", "WO:1", "10", "L6:2", "-5")), "ST_LOOP")
    assert balancer.finish() == ()


def test_unreadable_amounts_are_left_to_element_checks():
    balancer = Balancer835()
    balancer.segment(Segment("SVC", ("HC:1", "ABC", "80")), "2110")
    assert balancer.loop_end("2110") == ()
