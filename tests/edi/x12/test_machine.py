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
    # the walk stays where it was for both, and moves for the placed ones
    assert [s.moves for s in steps] == [True, True, True, False, False]


def test_finish_reports_required_loops_never_started():
    machine = machine_for(REMIT)
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"))
    missing = machine.finish(steps[-1].state)
    assert {m.child.id for m in missing} >= {"1000A", "1000B"}


def _nm1_code_classes(machine):
    (table,) = machine.classes["NM1"]
    return table


def test_qualifier_values_in_no_list_share_one_step():
    machine = machine_for(REMIT)
    st, bpr, trn = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"))
    before = machine.memo_size()
    steps = {machine.step(trn.state, "REF", (f"Q{i:05d}",)) for i in range(2000)}
    # every value the guide does not list is one key: one step, however many values
    assert len({id(s) for s in steps}) == 1
    assert machine.memo_size() <= before + 1


def test_unknown_segment_ids_share_one_step():
    machine = machine_for(REMIT)
    st = machine.step(machine.initial, "ST", ("835",))
    first = machine.step(st.state, "ZZ1")
    assert all(machine.step(st.state, f"Z{i:04d}") is first for i in range(500))
    assert first.error == "1" and first.segment is None and not first.moves


def test_codes_in_the_same_lists_are_one_class_and_others_are_not():
    machine = machine_for(REMIT)
    table = _nm1_code_classes(machine)
    # NM1 QC (patient, 2100) and 74 (corrected insured) start different children of 2100
    assert table["QC"] != table["74"]
    # a representative stands for its class and is itself a listed code
    assert all(table[rep] == rep for rep in table.values())
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"), ("N1", "PR"),
                 ("N1", "PE"), ("LX", "1"), ("CLP", "A"), ("NM1", "QC"))
    assert steps[-1].segment.qualifier is not None
    assert "QC" in steps[-1].segment.qualifier[1]


def test_step_of_reads_the_qualifier_from_the_segment():
    from edi.x12.delimiters import Delimiters
    from edi.x12.tokenizer import segment_of

    machine = machine_for(REMIT)
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"), ("N1", "PR"))
    seg = segment_of("N1*PE*CLINIC*XX*1234567893", Delimiters(), 5)
    assert machine.step_of(steps[-1].state, seg) is machine.step(steps[-1].state, "N1", ("PE",))
    # a qualifier sent as a composite is read by its first component
    seg = segment_of("N1*PE:X*CLINIC", Delimiters(), 5)
    assert machine.step_of(steps[-1].state, seg) is machine.step(steps[-1].state, "N1", ("PE",))


def _two_qualifier_guide():
    from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef, Usage

    def seg(tag, usage="S", qualifier=None, max_use=1):
        return SegmentDef(tag, tag, Usage(usage), max_use, "0100", (), qualifier=qualifier)

    body = LoopDef("ST_LOOP", "set", Usage.REQUIRED, 1, (
        seg("ST", "R"),
        seg("XX", qualifier=(1, frozenset({"A", "B"}))),
        seg("XX", qualifier=(2, frozenset({"1"}))),
        seg("SE", "R"),
    ))
    return TransactionDef("999", "TEST-TWO-QUALIFIERS", "ZZ", "test", body)


def test_several_qualifier_positions_are_keyed_by_class_each():
    machine = machine_for(_two_qualifier_guide())
    st = machine.step(machine.initial, "ST")
    assert machine.qualifier_positions["XX"] == (1, 2)
    by_first = machine.step(st.state, "XX", ("A", "9"))
    assert by_first.seg_index == 1
    assert machine.step(st.state, "XX", ("B", "7")) is by_first     # A and B: one class
    by_second = machine.step(st.state, "XX", ("Z", "1"))
    assert by_second.seg_index == 2
    assert machine.step(st.state, "XX", ("Y", "1")) is by_second
    # neither qualifier listed: placed by id alone (pass 2), one step for all such values
    none = machine.step(st.state, "XX", ("Q", "Q"))
    assert machine.step(st.state, "XX", ("R", "S")) is none
    # a segment too short to carry the second qualifier reads it as empty
    assert machine.step(st.state, "XX", ("A",)) is by_first


def test_the_step_memo_has_a_last_bound(monkeypatch):
    import edi.x12.machine as machine_module

    monkeypatch.setattr(machine_module, "STEP_LIMIT", 8)
    machine = machine_module.Machine(REMIT)
    generation = machine.generation
    steps = walk(machine, ("ST", "835"), ("BPR", "I"), ("TRN", "1"), ("N1", "PR"),
                 ("N1", "PE"), ("LX", "1"), ("CLP", "A"), ("NM1", "QC"), ("SVC", "HC"),
                 ("DTM", "472"), ("CAS", "CO"), ("SE", "1"))
    assert machine.memo_size() <= 8 and machine.generation > generation
    # steps worked out again after the memo started over are the same steps
    fresh = walk(machine_module.Machine(REMIT), ("ST", "835"), ("BPR", "I"), ("TRN", "1"),
                 ("N1", "PR"), ("N1", "PE"), ("LX", "1"), ("CLP", "A"), ("NM1", "QC"),
                 ("SVC", "HC"), ("DTM", "472"), ("CAS", "CO"), ("SE", "1"))
    assert [(s.seg_index, s.error, s.closed, s.depth) for s in steps] == [
        (s.seg_index, s.error, s.closed, s.depth) for s in fresh]


def test_machines_kept_are_bounded(monkeypatch):
    import edi.x12.machine as machine_module

    monkeypatch.setattr(machine_module, "_machines", {})
    monkeypatch.setattr(machine_module, "MACHINE_LIMIT", 3)
    guides = [_two_qualifier_guide() for _ in range(5)]
    machines = [machine_for(g) for g in guides]
    assert len(machine_module._machines) == 3
    assert machine_for(guides[-1]) is machines[-1]
