"""The hand-written guides as a whole: public API, registry, and shape rules every guide keeps."""

from __future__ import annotations

import pytest

import edi.maps.hand as hand
from edi.maps import definition_for, known_versions
from edi.maps.hand import DEFINITIONS
from edi.x12.grammar import CompositeDef, LoopDef, SegmentDef, TransactionDef, Usage


def test_public_api_is_pinned() -> None:
    assert sorted(hand.__all__) == sorted([
        "DEFINITIONS", "DENTAL_837", "INQUIRY_270", "RESPONSE_271", "STATUS_REQUEST_276",
        "STATUS_RESPONSE_277"])
    assert [(d.set_id, d.version) for d in DEFINITIONS] == [
        ("270", "005010X279A1"), ("271", "005010X279A1"), ("276", "005010X212"),
        ("277", "005010X212"), ("837", "005010X224A2")]


@pytest.mark.parametrize(("set_id", "label", "expected"), [
    ("270", "005010X279A1", hand.INQUIRY_270),
    ("270", "005010X279", hand.INQUIRY_270),
    ("271", "005010X279A1", hand.RESPONSE_271),
    ("276", "005010X212", hand.STATUS_REQUEST_276),
    ("837", "005010X224A2", hand.DENTAL_837),
    ("837", "005010X224A3", hand.DENTAL_837),
])
def test_registry_serves_hand_definitions(set_id: str, label: str,
                                          expected: TransactionDef) -> None:
    assert definition_for(set_id, label) is expected
    assert (set_id, label) in known_versions()


def _walk(loop: LoopDef, path: str = ""):
    yield path + loop.id, loop
    for child in loop.children:
        if isinstance(child, LoopDef):
            yield from _walk(child, f"{path}{loop.id}/")


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: f"{d.set_id}-{d.version}")
def test_every_loop_is_well_formed(definition: TransactionDef) -> None:
    seen_ids: set[str] = set()
    for where, loop in _walk(definition.body):
        assert isinstance(loop.children[0], SegmentDef), f"{where} has no trigger segment"
        positions = [c.position for c in loop.children if isinstance(c, SegmentDef)]
        assert positions == sorted(positions), f"{where}: positions out of order"
        assert len(set(positions)) == len(positions), f"{where}: duplicate positions"
        if loop.trigger.id == "HL":
            assert loop.trigger.qualifier is not None, f"{where}: HL without HL03 codes"
        # Sibling loops starting with the same segment must be told apart by a qualifier.
        triggers = [c.trigger for c in loop.children if isinstance(c, LoopDef)]
        by_id: dict[str, list[SegmentDef]] = {}
        for t in triggers:
            by_id.setdefault(t.id, []).append(t)
        for tag, same in by_id.items():
            if len(same) > 1:
                codes = [t.qualifier[1] for t in same if t.qualifier]
                assert len(codes) == len(same), f"{where}: {tag} loops lack qualifiers"
                assert not set.intersection(*map(set, codes)), f"{where}: {tag} overlap"
        seen_ids.add(loop.id)
    assert "ST_LOOP" in seen_ids


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: f"{d.set_id}-{d.version}")
def test_element_refs_and_required_envelope(definition: TransactionDef) -> None:
    st, se = definition.body.children[0], definition.body.children[-1]
    assert (st.id, se.id) == ("ST", "SE")
    assert st.elements[0].codes == frozenset({definition.set_id})
    for _, loop in _walk(definition.body):
        for child in loop.children:
            if not isinstance(child, SegmentDef):
                continue
            for n, element in enumerate(child.elements, 1):
                assert element.ref == f"{child.id}{n:02d}"
                if isinstance(element, CompositeDef):
                    assert all(c.ref.startswith(element.ref + "-") for c in element.components)
                elif element.usage is not Usage.NOT_USED:
                    assert element.min_length <= element.max_length
                    assert element.data_element
