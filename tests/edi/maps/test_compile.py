"""The committed JSON definitions are exactly what compiling pyx12's maps gives today."""

from __future__ import annotations

from pathlib import Path

import pytest

import edi.maps
from edi.maps.compile import CODE_SETS_FILE, SOURCES, compile_all, compile_map, output_name
from edi.x12.grammar import CompositeDef, LoopDef, SegmentDef, Usage

MAPS_DIR = Path(edi.maps.__file__).resolve().parent


def test_committed_json_equals_a_fresh_compile():
    fresh = compile_all()
    assert sorted(fresh) == sorted([output_name(s.set_id, s.version) for s in SOURCES]
                                   + [CODE_SETS_FILE])
    for name, text in fresh.items():
        committed = (MAPS_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python -m edi.maps.compile"


def segments(loop: LoopDef):
    for child in loop.children:
        if isinstance(child, LoopDef):
            yield from segments(child)
        else:
            yield child


def find(loop: LoopDef, loop_id: str) -> LoopDef:
    for child in loop.children:
        if isinstance(child, LoopDef):
            if child.id == loop_id:
                return child
            try:
                return find(child, loop_id)
            except KeyError:
                pass
    raise KeyError(loop_id)


@pytest.fixture(scope="module")
def p837():
    return compile_map(SOURCES[0])


def test_837p_carries_usage_repeat_types_codes_and_qualifiers(p837):
    body = p837.body
    assert body.children[0].id == "ST" and body.children[-1].id == "SE"
    claim = find(body, "2300")
    assert claim.max_repeat == 100 and claim.trigger.id == "CLM"
    clm = claim.trigger
    assert clm.usage is Usage.REQUIRED and clm.max_use == 1
    clm01, clm02 = clm.elements[0], clm.elements[1]
    assert (clm01.ref, clm01.data_type, clm01.min_length, clm01.max_length) == (
        "CLM01", "AN", 1, 38)
    assert clm02.data_type == "R"
    clm05 = clm.elements[4]
    assert isinstance(clm05, CompositeDef) and clm05.components[1].codes == {"B"}
    assert clm05.components[0].external == "pos"
    assert find(body, "2010AA").trigger.qualifier == (1, frozenset({"85"}))
    assert find(body, "2010AB").trigger.qualifier == (1, frozenset({"87"}))
    assert find(body, "2000B").trigger.qualifier == (3, frozenset({"22"}))
    line = find(body, "2400")
    assert line.max_repeat == 50
    ref = next(s for s in segments(p837.body) if s.id == "REF" and s.elements[1].pattern)
    assert ref.elements[1].pattern == "[0-9]{9}"
    n4 = next(s for s in segments(body) if s.id == "N4")
    assert "C0605" in n4.syntax or n4.syntax


def test_wrapper_loops_are_folded_into_the_set():
    remit = compile_map(SOURCES[2])
    ids = [c.id for c in remit.body.children]
    assert "HEADER" not in ids and "DETAIL" not in ids
    assert ids[:3] == ["ST", "BPR", "TRN"] and ids[-2:] == ["PLB", "SE"]


def test_x212_nesting_is_repaired():
    x212 = compile_map(next(s for s in SOURCES if s.version == "005010X212"))
    assert [c.id for c in x212.body.children if isinstance(c, LoopDef)] == ["2000A"]
    assert x212.body.children[-1].id == "SE"
    assert find(x212.body, "2000D").children[-1].id == "2000E"


def test_999_ctx_segments_are_told_apart():
    ack = compile_map(next(s for s in SOURCES if s.set_id == "999"))
    ctx = [s for s in find(ack.body, "2100").children if isinstance(s, SegmentDef)
           and s.id == "CTX"]
    assert [sorted(s.qualifier[1])[0] for s in ctx] == ["SITUATIONAL TRIGGER", "CLM01"]


def test_only_stable_external_code_lists_are_carried():
    from edi.maps import external_codes

    assert "IL" in external_codes("states") and "NA" not in external_codes("states")
    assert "US" in external_codes("country")
    assert external_codes("pos") is None and external_codes("remark_code") is None


def test_277ca_follows_the_tr3_examples_where_pyx12_is_stricter():
    ack = compile_map(next(s for s in SOURCES if s.version == "005010X214"))
    provider = find(ack.body, "2200C")
    assert provider.usage is Usage.SITUATIONAL
    assert next(c for c in provider.children if c.id == "STC").usage is Usage.SITUATIONAL
    line_stc = next(c for c in find(ack.body, "2220D").children if c.id == "STC")
    assert line_stc.elements[1].usage is Usage.SITUATIONAL
