"""The posting engine against the hand-worked samples, line by line, to the penny."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from remit_practice import SAMPLES, sample_text, snapshot_index

from edi.parsers.remit835 import read_835
from remittance.posting import EntryKind, Outcome, plan_remittance
from remittance.rules import DEFAULT_RULES, PostingRules

SAMPLE_NAMES = sorted(p.name.removesuffix(".expected.json")
                      for p in SAMPLES.glob("*.expected.json"))
KINDS = [k for k in EntryKind if k is not EntryKind.PAYMENT]


def _plans(name: str, rules: PostingRules = DEFAULT_RULES):
    era = read_835(sample_text(f"{name}.835"), name)
    index = snapshot_index()
    return [plan_remittance(r, index, rules) for r in era.remittances]


def _line_refs() -> dict[int, str]:
    index = snapshot_index()
    return {line.line_id: line.line_control_number
            for claim in index.by_pcn.values() for line in claim.lines}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_postings_match_the_hand_worked_figures(name: str) -> None:
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text())
    plans = _plans(name)
    refs = _line_refs()
    assert len(plans) == len(expected["remittances"])
    for plan, want in zip(plans, expected["remittances"], strict=True):
        remit = plan.remittance
        assert remit.trace.number == want["trace"]
        assert remit.payment.amount == Decimal(want["payment"])
        assert plan.verdict.balanced is want["balanced"]
        assert [(p.reason, p.reference, p.amount) for p in remit.provider_adjustments] == [
            (r, ref, Decimal(a)) for r, ref, a in want["provider_adjustments"]]
        assert len(plan.claims) == len(want["claims"])
        for posting, claim in zip(plan.claims, want["claims"], strict=True):
            assert posting.payment.patient_control_number == claim["pcn"]
            assert posting.outcome == claim["outcome"], posting.reasons
            assert posting.patient_amount == Decimal(claim["patient"])
            assert posting.is_reversal is claim.get("reversal", False)
            assert posting.is_split is claim.get("split", False)
            assert posting.crossover_payer == claim.get("crossover", "")
            assert posting.payment.interest == Decimal(claim.get("interest", "0"))
            lines = [line for line in posting.lines if line.service_index >= 0]
            assert len(lines) == len(claim["lines"])
            for line, wl in zip(lines, claim["lines"], strict=True):
                assert line.procedure_code == wl["code"]
                assert refs.get(line.line_id) == wl["line"]
                if "method" in wl:
                    assert line.method == wl["method"]
                assert line.charge == Decimal(wl["charge"])
                assert line.paid == Decimal(wl["paid"])
                for kind in KINDS:
                    assert line.total(kind) == Decimal(wl.get(str(kind), "0")), (wl, kind)
                # Payment plus adjustments equals the charge, to the penny (TR3 1.10.2.1).
                assert line.balanced is not claim.get("unbalanced_lines", False)


@pytest.mark.parametrize("name", [n for n in SAMPLE_NAMES if n != "era_out_of_balance"])
def test_every_balanced_sample_posts_to_the_penny(name: str) -> None:
    for plan in _plans(name):
        assert plan.verdict.balanced
        for posting in plan.claims:
            for line in posting.lines:
                assert line.paid + line.adjustments == line.charge
            assert sum(line.paid for line in posting.lines) == posting.payment.paid
            assert sum(line.charge for line in posting.lines) == posting.payment.charge


def test_claim_level_adjustments_post_on_a_claim_row() -> None:
    # LinuxForHealth's managed-care example: claim CAS CO A2 50 beside line CAS PR 1 300.
    text = ("ISA*00*          *00*          *ZZ*P              *ZZ*R              *260101*1200*^*"
            "00501*000000001*0*T*:~GS*HP*P*R*20260101*1200*1*X*005010X221A1~ST*835*0001~"
            "BPR*I*450*C*CHK************20260105~TRN*1*77*1999999999~N1*PR*PAYER~N1*PE*US*XX*"
            "1234567893~LX*1~CLP*C1001*1*800*450*300*12*ICN7~CAS*CO*A2*50~"
            "NM1*QC*1*DOE*JANE~SVC*HC:99213*800*500~DTM*472*20260302~CAS*PR*1*300~"
            "SE*14*0001~GE*1*1~IEA*1*000000001~")
    plan = plan_remittance(read_835(text).remittances[0], snapshot_index())
    posting = plan.claims[0]
    claim_row = [line for line in posting.lines if line.service_index < 0]
    assert len(claim_row) == 1
    row = claim_row[0]
    assert row.charge == 0 and row.paid == Decimal("-50")
    assert row.total(EntryKind.CONTRACTUAL) == Decimal("50")
    assert all(line.balanced for line in posting.lines)


def test_office_rules_change_what_a_carc_does() -> None:
    rules = DEFAULT_RULES.with_rule("CO", "97", "write_off")
    plan = _plans("era_basic", rules)[0]
    c1002 = plan.claims[1]
    assert c1002.lines[1].total(EntryKind.CONTRACTUAL) == Decimal("60.00")
    assert c1002.lines[1].total(EntryKind.DENIED) == 0


def test_a_hold_rule_stops_the_claim_not_the_remittance() -> None:
    rules = DEFAULT_RULES.with_rule("CO", "29", "hold")
    plan = _plans("era_basic", rules)[0]
    outcomes = [c.outcome for c in plan.claims]
    assert outcomes == [Outcome.POSTED, Outcome.POSTED, Outcome.HELD, Outcome.POSTED]
    assert "CO 29" in plan.claims[2].reasons[0]
