"""What a walk step implies for the checks, worked out once per step.

A :class:`~edi.x12.machine.Step` says where a segment landed; what follows from that alone,
whatever the segment's values, is its *plan*: the element checker of the segment definition,
the loop whose money it may carry (balancing.py), the balanced loops it ends, whether it
starts a claim, and the walk figures the validator's hot loop applies. Plans are kept per
machine beside its steps (:class:`GuidePlans`), so they are bounded as the steps are and start
over when the machine empties its step memo; steps of one machine share one guide, hence one
balancer kind.
"""

from __future__ import annotations

from typing import NamedTuple

from edi.validation.balancing import Balancer
from edi.validation.elements import SegmentChecker, checker_for
from edi.x12.machine import OUT_OF_SEQUENCE, Machine, Step

__all__ = ["CLAIM_LOOPS", "UNLIMITED", "StepPlan", "GuidePlans", "guide_plans", "checkers_of"]

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


#: GuidePlans kept, one per machine (the guides number about a dozen).
GUIDE_LIMIT = 64


class GuidePlans:
    """The element checkers of one guide's segments and the plans of its machine's steps."""

    __slots__ = ("machine", "checkers", "plans", "generation")

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        #: by the machine's segment index
        self.checkers = [checker_for(s) for s in machine.segments]
        self.plans: dict[int, StepPlan] = {}
        self.generation = machine.generation

    def plan(self, step: Step, balancer: Balancer) -> StepPlan:
        """The (cached) plan of ``step``, a step of this guide's machine."""
        plan = self.plans.get(id(step))
        if plan is not None and plan.step is step:
            return plan
        if self.generation != self.machine.generation:
            # the machine let its steps go: so do their plans
            self.plans = {}
            self.generation = self.machine.generation
        placed = step.segment is not None
        balance_loop = None
        if step.segment is not None and step.error != OUT_OF_SEQUENCE:
            loop_id = step.loops[-1].id
            if (step.segment.id, loop_id) in balancer.tags:
                balance_loop = loop_id
        plan = self.plans[id(step)] = StepPlan(
            step, self.checkers[step.seg_index] if placed else None, balance_loop,
            tuple(lp for lp in step.closed_ids if lp in balancer.loops),
            step.opened is not None and step.opened.id in CLAIM_LOOPS, bool(step.attention),
            step.state, step.depth, step.same,
            step.limit if step.limit is not None else UNLIMITED, step.opened is not None)
        return plan

    def size(self) -> int:
        """Plans held (for tests and monitoring of the bound)."""
        return len(self.plans)


_guides: dict[int, GuidePlans] = {}


def guide_plans(machine: Machine) -> GuidePlans:
    """The checkers and plans of ``machine``'s guide (one record per machine)."""
    found = _guides.get(id(machine))
    if found is None or found.machine is not machine:
        if len(_guides) >= GUIDE_LIMIT:
            del _guides[next(iter(_guides))]
        found = _guides[id(machine)] = GuidePlans(machine)
    return found


def checkers_of(machine: Machine) -> list[SegmentChecker]:
    """The element checkers of every segment of a guide, by the machine's segment index."""
    return guide_plans(machine).checkers
