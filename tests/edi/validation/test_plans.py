"""Step plans: worked out once per walk step, from the step alone."""

from __future__ import annotations

from edi.maps import definition_for
from edi.validation.balancing import balancer_for
from edi.validation.plans import UNLIMITED, guide_plans
from edi.x12.delimiters import Delimiters
from edi.x12.tokenizer import segment_of
from edi.x12.walker import Walker

D = Delimiters()


def _walk(texts):
    walker = Walker(definition_for("835", "005010X221A1"))
    guide = guide_plans(walker.machine)
    balancer = balancer_for("835")
    plans = []
    for n, text in enumerate(texts, 1):
        step, _ = walker.feed(segment_of(text, D, n))
        plans.append(guide.plan(step, balancer))
    return plans, guide, balancer


def test_claim_and_line_plans():
    plans, guide, balancer = _walk([
        "ST*835*0001", "BPR*I*1*C*CHK************20240105", "TRN*1*1*1999999999",
        "N1*PR*PAYER", "N1*PE*CLINIC*XX*1234567893", "LX*1",
        "CLP*A*1*10*10**12*X", "SVC*HC:1*10*10", "SVC*HC:2*0*0", "CLP*B*1*10*10**12*Y"])
    bpr, clp, svc1, svc2, clp2 = plans[1], plans[6], plans[7], plans[8], plans[9]
    assert bpr.balance_loop == "ST_LOOP" and not bpr.claim
    assert clp.claim and clp.opens and clp.balance_loop == "2100" and clp.closes == ()
    assert svc1.opens and svc1.closes == () and svc1.balance_loop == "2110"
    assert svc2.closes == ("2110",) and svc2.same
    assert clp2.closes == ("2110", "2100") and clp2.claim
    assert plans[2].limit != UNLIMITED
    assert plans[2].checker is guide.checkers[plans[2].step.seg_index]
    # one plan per step, kept
    assert guide.plan(svc2.step, balancer) is svc2


def test_a_segment_that_fits_nowhere_has_no_checker():
    plans, _, _ = _walk(["ST*835*0001", "ZZZ*1"])
    assert plans[1].checker is None and plans[1].attention and plans[1].balance_loop is None


def test_plans_start_over_when_the_machine_lets_its_steps_go(monkeypatch):
    import edi.x12.machine as machine_module
    from edi.validation.plans import GuidePlans

    monkeypatch.setattr(machine_module, "STEP_LIMIT", 4)
    machine = machine_module.Machine(definition_for("835", "005010X221A1"))
    guide = GuidePlans(machine)
    balancer = balancer_for("835")
    state = machine.initial
    sizes = []
    for tag, qualifier in [("ST", ()), ("BPR", ()), ("TRN", ()), ("N1", ("PR",)),
                           ("N1", ("PE",)), ("LX", ()), ("CLP", ()), ("SVC", ()),
                           ("CAS", ("CO",)), ("SE", ())]:
        step = machine.step(state, tag, qualifier)
        guide.plan(step, balancer)
        state = step.state
        sizes.append(guide.size())
    # never more plans than the machine keeps steps (plus the one just made)
    assert max(sizes) <= 4 + 1 and machine.generation >= 2
