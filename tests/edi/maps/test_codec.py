"""Transaction definitions survive JSON both ways, compiled and hand-written alike."""

from __future__ import annotations

import pytest

from edi.errors import GrammarError
from edi.maps import definition_for, known_versions
from edi.maps.codec import dumps, loads
from edi.x12.grammar import CompositeDef, ElementDef, LoopDef, SegmentDef, TransactionDef, Usage

TINY = TransactionDef(
    set_id="999", version="TEST", functional_id="FA", name="tiny", aliases=("TEST2",),
    body=LoopDef("ST_LOOP", "set", Usage.REQUIRED, 1, (
        SegmentDef("ST", "header", Usage.REQUIRED, 1, "0100", (
            ElementDef("ST01", "id", Usage.REQUIRED, "ID", 3, 3, frozenset({"999"}),
                       data_element="143"),
        ), qualifier=(1, frozenset({"999"}))),
        LoopDef("2000", "loop", Usage.SITUATIONAL, None, (
            SegmentDef("AK2", "ack", Usage.REQUIRED, 1, "0200", (
                CompositeDef("AK201", "c", Usage.SITUATIONAL, (
                    ElementDef("AK201-1", "x", Usage.REQUIRED, "AN", 1, 5, pattern="[A-Z]+"),
                    ElementDef("AK201-2", "y", Usage.NOT_USED, "N0", 1, 2,
                               external="states"),
                ), repeat=3),
            ), syntax=("P0102",)),
        )),
    )))


def test_round_trip_of_every_field():
    assert loads(dumps(TINY)) == TINY


@pytest.mark.parametrize("key", known_versions(), ids=lambda k: "-".join(k))
def test_every_known_definition_round_trips(key):
    definition = definition_for(*key)
    text = dumps(definition)
    assert loads(text) == definition
    assert dumps(loads(text)) == text


def test_equal_code_lists_are_shared_after_loading():
    loaded = loads(dumps(TINY))
    st = loaded.body.children[0]
    assert st.elements[0].codes is st.qualifier[1] or st.elements[0].codes == st.qualifier[1]


@pytest.mark.parametrize("text", ["not json", '{"format": 99}', '{"format": 1}'])
def test_malformed_text_is_a_grammar_error(text):
    with pytest.raises(GrammarError):
        loads(text)
