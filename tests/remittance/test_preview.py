"""The posting preview in words."""

from __future__ import annotations

from remit_practice import sample_text, snapshot_index

from edi.parsers.remit835 import read_835
from remittance import describe_plan, plan_remittance


def preview(name: str, n: int = 0) -> str:
    remit = read_835(sample_text(name)).remittances[n]
    return "\n".join(describe_plan(plan_remittance(remit, snapshot_index())))


def test_preview_of_a_payment() -> None:
    text = preview("era_basic.835")
    assert "4 claim payment(s): 4 to post, 0 held, 0 unmatched" in text
    assert "Line 1 97110 GP: charge 120.00, paid 72.00 (the payer changed the code to 97112)" \
        in text
    assert "(matched by procedure without modifiers)" in text
    assert "interest paid on this claim: 1.25" in text
    assert "remarks: M15 separately billed services were bundled" in text
    # Timely filing is decided at posting, from the claim's 999/277CA acceptance history.
    assert ("DENIAL timely filing: appeal, 200.00 at stake, appeal by 2026-08-08\n"
            "      posting keeps the appeal only with a 999/277CA acceptance within the "
            "payer's filing limit on file; otherwise it is written off") in text


def test_preview_of_special_cases() -> None:
    text = preview("era_two_payers.835")
    assert "split claim (MA15): the remaining lines come on another remittance" in text
    assert "crossed over by the payer to STATE MEDICAID: do not bill it again" in text
    assert "NOT MATCHED to any claim of ours: goes to the unmatched queue" in text
    reversal = preview("era_reversal.835")
    assert "REVERSAL of an earlier payment" in reversal
    assert "HELD: CO 22 (another payer may be primary) 150.00 needs a person" in reversal
    held = preview("era_out_of_balance.835")
    assert "OUT OF BALANCE: nothing will be posted until a person releases it" in held
    assert "problem: payment CHK90001: claim payments 30.00" in held
