"""The compiled walk: steps are computed once, required children and order are judged."""

from __future__ import annotations

from edi.maps import definition_for
from edi.x12.machine import OUT_OF_SEQUENCE, machine_for

REMIT = definition_for("835", "005010X221A1")


def walk(machine, *segments):
    state = machine.initial
    steps = []
    for tag, *q in segments:
        step = machine.step(state, tag, tuple(q))
        steps.append(step)
        if step.segment is not None and step.error != OUT_OF_SEQUENCE:
            state = step.state
    return steps


def test_steps_are_memoized():
    machine = machine_for(REMIT)
    first = machine.step(machine.initial, "ST", ("835",))
    assert machine.step(machine.initial, "ST", ("835",)) is first
    assert machine_for(REMIT) is machine


def test_required_children_skipped_are_listed():
    machine = machine_for(REMIT)
    # ST, BPR, then straight to N1*PR: TRN (required) was skipped
    st, bpr, n1 = walk(machine, ("ST", "835"), ("BPR", "I"), ("N1", "PR"))
    assert [m.child.id for m in n1.missing] == ["TRN"]
    assert n1.opened is not None and n1.opened.id == "1000A"
    assert n1.loops[-1].id == "1000A" and n1.depth == 1


def test_closing_a_loop_names_what_it_lacked():
    machine = machine_for(REMIT)
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"), ("N1", "PR"), ("N1", "PE"))
    last = steps[-1]
    assert last.closed_ids == ("1000A",)
    assert {m.child.id for m in last.missing} >= {"N3", "N4", "PER"}


def test_out_of_sequence_and_unknown_segments_leave_the_state():
    machine = machine_for(REMIT)
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"), ("BPR", "I"), ("XYZ",))
    assert steps[3].error == OUT_OF_SEQUENCE and steps[3].segment.id == "BPR"
    assert steps[4].error == "1" and steps[4].segment is None


def test_finish_reports_required_loops_never_started():
    machine = machine_for(REMIT)
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"))
    missing = machine.finish(steps[-1].state)
    assert {m.child.id for m in missing} >= {"1000A", "1000B"}
