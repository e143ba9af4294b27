"""Denial classification: category, action, deadline and dollars at stake."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from remit_practice import sample_text, snapshot_index

from edi.parsers.remit835 import read_835
from remittance.codes import Action, DenialCategory
from remittance.denials import classify_adjustment, denial_findings
from remittance.matching import ClaimIndex
from remittance.posting import plan_remittance

C, A = DenialCategory, Action


@pytest.mark.parametrize(("group", "reason", "remarks", "category", "action"), [
    ("CO", "16", (), C.MISSING_INFORMATION, A.CORRECT_AND_RESUBMIT),
    ("OA", "18", (), C.DUPLICATE, A.CHECK_STATUS),
    ("CO", "27", (), C.ELIGIBILITY, A.VERIFY_ELIGIBILITY),
    ("CO", "29", (), C.TIMELY_FILING, A.APPEAL),
    ("CO", "50", (), C.MEDICAL_NECESSITY, A.APPEAL),
    ("CO", "96", (), C.NON_COVERED, A.APPEAL),
    ("PR", "96", (), C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    ("CO", "97", (), C.BUNDLING, A.CORRECT_AND_RESUBMIT),
    ("CO", "109", (), C.WRONG_PAYER, A.BILL_OTHER_PAYER),
    ("CO", "197", (), C.AUTHORIZATION, A.APPEAL),
    ("CO", "45", (), C.CONTRACTUAL, A.WRITE_OFF),
    ("CO", "253", (), C.REGULATORY, A.WRITE_OFF),
    ("CO", "16", ("MA130",), C.UNPROCESSABLE, A.NEW_CLAIM),
    ("CO", "50", ("MA15",), C.PENDING, A.WAIT),
    ("CO", "Q9", (), C.OTHER, A.REVIEW),
    ("PR", "Q9", (), C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
])
def test_classification_table(group: str, reason: str, remarks: tuple[str, ...],
                              category: DenialCategory, action: Action) -> None:
    rule = classify_adjustment(group, reason, remarks)
    assert (rule.category, rule.action) == (category, action)


def _plan(text: str, index: ClaimIndex | None = None):
    return plan_remittance(read_835(text).remittances[0], index or snapshot_index())


def test_partial_and_full_denials_with_deadline_and_amount() -> None:
    plan = _plan(sample_text("era_basic.835"))
    date = plan.remittance.payment_date
    found = {c.payment.patient_control_number: denial_findings(c, date) for c in plan.claims}
    assert found["C1001"] == ()
    (bundled,) = found["C1002"]
    assert (bundled.category, bundled.action, bundled.amount_at_stake) == (
        C.BUNDLING, A.CORRECT_AND_RESUBMIT, Decimal("60.00"))
    assert bundled.appeal_deadline == dt.date(2026, 8, 8)
    assert bundled.explanation == "line 2 93000: CO 97 included in another service"
    assert bundled.remarks == ("M15",)
    (late,) = found["C1003"]
    assert (late.category, late.action, late.amount_at_stake) == (
        C.TIMELY_FILING, A.APPEAL, Decimal("200.00"))


def test_the_payer_appeal_window_is_data() -> None:
    index = snapshot_index()
    longer = ClaimIndex([replace(c, appeal_days=180) for c in index.by_pcn.values()])
    plan = _plan(sample_text("era_basic.835"), longer)
    (finding,) = denial_findings(plan.claims[2], plan.remittance.payment_date)
    assert finding.appeal_deadline == dt.date(2026, 4, 10) + dt.timedelta(days=180)


def test_no_appeal_rights_means_no_deadline() -> None:
    text = sample_text("era_basic.835").replace("CAS*CO*29*200~", "CAS*CO*16*200~LQ*HE*MA130~")
    plan = _plan(text)
    (finding,) = denial_findings(plan.claims[2], plan.remittance.payment_date)
    assert (finding.category, finding.action) == (C.UNPROCESSABLE, A.NEW_CLAIM)
    assert finding.appeal_deadline is None
    assert "no appeal rights" in finding.explanation


def test_patient_owed_denials_go_to_the_secondary_when_there_is_one() -> None:
    text = sample_text("era_basic.835").replace("CAS*CO*236*90~", "CAS*PR*204*90~").replace(
        "CLP*C1004*1*210*72*18", "CLP*C1004*1*210*72*108")
    plan = _plan(text)
    c1004 = plan.claims[3]
    assert c1004.claim.has_secondary
    # PR 204 is the patient's (not a denial to work); nothing on the denial queue.
    assert denial_findings(c1004, plan.remittance.payment_date) == ()
    zero_paid = sample_text("era_basic.835").replace(
        "CLP*C1003*4*200*0**", "CLP*C1003*4*200*0*200*").replace("CAS*CO*29*200", "CAS*PR*1*200")
    plan = _plan(zero_paid)
    (finding,) = denial_findings(plan.claims[2], plan.remittance.payment_date)
    assert finding.action is A.BILL_PATIENT   # C1003 has no secondary on file


def test_reversals_and_unbilled_claims_raise_no_denials() -> None:
    plan = _plan(sample_text("era_reversal.835"))
    assert denial_findings(plan.claims[0], plan.remittance.payment_date) == ()
