"""What a walk step implies for the checks, worked out once per step.

A :class:`~edi.x12.machine.Step` says where a segment landed; what follows from that alone,
whatever the segment's values, is its *plan*: the element checker of the segment definition,
the loop whose money it may carry (balancing.py), the balanced loops it ends, whether it
starts a claim, and the walk figures the validator's hot loop applies. Steps live as long as
their machine, so plans are kept for good; steps of one machine share one guide, hence one
balancer kind.
"""

from __future__ import annotations

from typing import NamedTuple

from edi.validation.balancing import Balancer
from edi.validation.elements import SegmentChecker, checker_for
from edi.x12.machine import OUT_OF_SEQUENCE, Machine, Step

__all__ = ["CLAIM_LOOPS", "UNLIMITED", "StepPlan", "plan_of", "checkers_of"]

#: Loops counted as claims in TransactionResult.claim_count.
CLAIM_LOOPS = frozenset({"2300", "2100", "2200D"})
#: The max use of a child without one, so the hot loop compares without a None test.
UNLIMITED = 1 << 62


class StepPlan(NamedTuple):
    step: Step
    checker: SegmentChecker | None      # None when the segment fits nowhere
    balance_loop: str | None            # the loop whose money the segment may carry
    closes: tuple[str, ...]             # balanced loops it ends, innermost first
    claim: bool                         # starts a claim loop
    attention: bool                     # misplaced, or required children skipped
    state: int                          # walk state after it
    depth: int
    same: bool                          # another use of the child last used at its level
    limit: int                          # max use of that child (UNLIMITED when none)
    opens: bool                         # starts a loop


_plans: dict[int, StepPlan] = {}
_all_checkers: dict[int, tuple[Machine, list[SegmentChecker]]] = {}


def checkers_of(machine: Machine) -> list[SegmentChecker]:
    """The element checkers of every segment of a guide, by the machine's segment index."""
    found = _all_checkers.get(id(machine))
    if found is None or found[0] is not machine:
        found = _all_checkers[id(machine)] = (machine, [checker_for(s) for s in
                                                         machine.segments])
    return found[1]


def plan_of(step: Step, checkers: list[SegmentChecker], balancer: Balancer) -> StepPlan:
    """The (cached) plan of ``step``; ``checkers`` and ``balancer`` are those of its guide."""
    plan = _plans.get(id(step))
    if plan is not None and plan.step is step:
        return plan
    placed = step.segment is not None
    balance_loop = None
    if step.segment is not None and step.error != OUT_OF_SEQUENCE:
        loop_id = step.loops[-1].id
        if (step.segment.id, loop_id) in balancer.tags:
            balance_loop = loop_id
    plan = _plans[id(step)] = StepPlan(
        step, checkers[step.seg_index] if placed else None, balance_loop,
        tuple(lp for lp in step.closed_ids if lp in balancer.loops),
        step.opened is not None and step.opened.id in CLAIM_LOOPS, bool(step.attention),
        step.state, step.depth, step.same,
        step.limit if step.limit is not None else UNLIMITED, step.opened is not None)
    return plan
