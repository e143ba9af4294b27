"""The loop walker places real segments in their TR3 loops (corpus files of each guide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.maps import definition_for, resolve
from edi.x12 import parse_segments
from edi.x12.walker import Loop, Walker, build_tree, iter_loops

COB_837P = "pypi__badx12-0.2.2-sdist/tests/files/edi/X222-COB-claim-from-billing-provider-to-payer-a.edi"
INST_837I = "LinuxForHealth__x12/src/tests/resources/837_005010X223A3/institutional-claim.837i"
REMIT_835 = "pypi__badx12-0.2.2-sdist/tests/files/edi/X221-multiple-claims-single-check.edi"
ACK_999 = "imsweb__x12-parser/src/test/resources/837_5010/x12_999_rejected.txt"
ACK_277CA = "imsweb__x12-parser/src/test/resources/277_5010/x12_277CA_accepted.txt"


def first_set(corpus_dir: Path, name: str):
    segs = parse_segments((corpus_dir / name).read_text(encoding="utf-8", errors="replace"))
    gs = next(s for s in segs if s.tag == "GS")
    start = next(i for i, s in enumerate(segs) if s.tag == "ST")
    end = next(i for i, s in enumerate(segs) if s.tag == "SE")
    st = segs[start]
    found = resolve(st.get(1), gs.get(8), st.get(3))
    assert found is not None
    return found.definition, segs[start:end + 1]


def placements(definition, segments):
    walker = Walker(definition)
    out = []
    for seg in segments:
        step, _ = walker.feed(seg)
        assert not step.error, f"{seg.to_text()} misplaced: {step.error}"
        out.append((walker.loop_path(step), seg.tag, seg.get(1)))
    return out


def where(placed, tag, first=None):
    return [p for p, t, e1 in placed if t == tag and (first is None or e1 == first)]


def test_837p_cob_claim(corpus_dir):
    placed = placements(*first_set(corpus_dir, COB_837P))
    assert where(placed, "NM1", "85") == ["2000A/2010AA"]
    assert where(placed, "NM1", "87") == ["2000A/2010AB"]
    assert where(placed, "CLM") == ["2000A/2000B/2000C/2300"]
    assert where(placed, "SBR")[1] == "2000A/2000B/2000C/2300/2320"
    assert where(placed, "NM1", "PR")[-1] == "2000A/2000B/2000C/2300/2320/2330B"
    assert where(placed, "SV1") == ["2000A/2000B/2000C/2300/2400",
                                    "2000A/2000B/2000C/2300/2400[2]",
                                    "2000A/2000B/2000C/2300/2400[3]"]
    assert placed[-1][:2] == ("", "SE")


def test_837i_claim_read_with_the_a2_guide(corpus_dir):
    definition, segs = first_set(corpus_dir, INST_837I)
    assert definition.version == "005010X223A2"
    placed = placements(definition, segs)
    assert where(placed, "CL1") == ["2000A/2000B/2300"]
    assert where(placed, "SV2") == ["2000A/2000B/2300/2400", "2000A/2000B/2300/2400[2]"]


def test_835_claims_and_lines(corpus_dir):
    placed = placements(*first_set(corpus_dir, REMIT_835))
    assert where(placed, "N1", "PR") == ["1000A"]
    assert where(placed, "N1", "PE") == ["1000B"]
    assert all(p.startswith("2000") and p.endswith("2100") or "2100[" in p
               for p in where(placed, "CLP"))
    assert all("/2110" in p for p in where(placed, "SVC"))


def test_999_and_277ca(corpus_dir):
    placed = placements(*first_set(corpus_dir, ACK_999))
    assert where(placed, "IK3") == ["2000/2100"]
    assert where(placed, "AK9") == [""]
    placed = placements(*first_set(corpus_dir, ACK_277CA))
    assert where(placed, "STC")[-1] == "2000A/2000B/2000C/2000D/2200D"


def test_unit_loops_stream_one_claim_at_a_time(corpus_dir):
    definition, segs = first_set(corpus_dir, REMIT_835)
    items = list(iter_loops(segs, definition))
    claims = [i for i in items if i.loop.id == "2100"]
    assert claims and all(c.loop.segments[0].tag == "CLP" for c in claims)
    assert all(child.id == "2110" for c in claims for child in c.loop.children)
    assert [a.id for a in claims[0].ancestors] == ["ST_LOOP", "2000"]
    root = items[-1].loop
    assert root.id == "ST_LOOP" and items[-1].ancestors == ()
    # nothing read is lost: every segment is in exactly one yielded tree
    total = sum(len(list(i.loop.all_segments())) for i in items)
    assert total == len(segs)


def test_build_tree_keeps_file_order(corpus_dir):
    definition, segs = first_set(corpus_dir, COB_837P)
    tree = build_tree(segs, definition)
    assert isinstance(tree, Loop)
    assert list(tree.all_segments()) == segs
    claim = next(tree.find("2300"))
    assert claim.segment("CLM") is not None
    assert [c.id for c in claim.children].count("2400") == 3


def test_misplaced_segment_is_reported_not_dropped():
    definition = definition_for("835", "005010X221A1")
    text = ("ISA*00*          *00*          *ZZ*S              *ZZ*R              *240102*1345*^"
            "*00501*000000001*0*T*:~ST*835*0001~BPR*I*0*C*NON************20240102~"
            "TRN*1*1*1234567890~ZZZ*1~N1*PR*PAYER~SE*6*0001~")
    segs = parse_segments(text)[1:]
    walker = Walker(definition)
    steps = [walker.feed(s)[0] for s in segs]
    assert steps[3].error == "1"        # ZZZ is no segment of the 835
    items = list(iter_loops(segs, definition))
    assert sum(len(list(i.loop.all_segments())) for i in items) == len(segs)


@pytest.mark.parametrize("version", ["005010X222A1", "005010X223A2"])
def test_machine_is_shared_per_definition(version):
    definition = definition_for("837", version)
    assert Walker(definition).machine is Walker(definition).machine


def test_iter_file_loops_walks_every_known_set(corpus_dir):
    from edi.x12.walker import iter_file_loops

    def lookup(set_id, gs08, st03):
        found = resolve(set_id, gs08, st03)
        return found.definition if found else None

    text = (corpus_dir / REMIT_835).read_text(encoding="utf-8", errors="replace")
    segs = parse_segments(text)
    items = list(iter_file_loops(segs, lookup))
    roots = [i for i in items if i.loop.id == "ST_LOOP"]
    assert len(roots) == sum(1 for s in segs if s.tag == "ST")
    in_sets = sum(1 for s in segs if s.tag not in ("ISA", "GS", "GE", "IEA"))
    assert sum(len(list(i.loop.all_segments())) for i in items) == in_sets
    # a set without a guide is passed over, not fatal
    assert list(iter_file_loops(segs, lambda *_: None)) == []
