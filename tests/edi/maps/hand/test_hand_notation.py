"""The notation of hand-written guides: tokens to element definitions, and its errors."""

from __future__ import annotations

import pytest

from edi.errors import GrammarError
from edi.maps.hand.notation import loop, seg, transaction
from edi.x12.grammar import CompositeDef, ElementDef, Usage

# (token for NM101, usage, codes, repeat, min, max, external)
ELEMENT_TOKENS = [
    ("R", Usage.REQUIRED, None, 1, 2, 3, None),
    ("S", Usage.SITUATIONAL, None, 1, 2, 3, None),
    ("-", Usage.NOT_USED, None, 1, 2, 3, None),
    ("R=PR,2B", Usage.REQUIRED, frozenset({"PR", "2B"}), 1, 2, 3, None),
    ("S*5", Usage.SITUATIONAL, None, 5, 2, 3, None),
    ("R[2-2]", Usage.REQUIRED, None, 1, 2, 2, None),
    ("S!entity_id", Usage.SITUATIONAL, None, 1, 2, 3, "entity_id"),
    ("R@benefit_entity", Usage.REQUIRED, None, 1, 2, 3, None),
]


@pytest.mark.parametrize(("token", "usage", "codes", "repeat", "low", "high", "external"),
                         ELEMENT_TOKENS)
def test_element_token(token, usage, codes, repeat, low, high, external) -> None:
    element = seg("NM1", "R", 1, token).elements[0]
    assert isinstance(element, ElementDef)
    assert (element.ref, element.data_element, element.data_type) == ("NM101", "98", "ID")
    assert (element.usage, element.repeat, element.min_length, element.max_length,
            element.external) == (usage, repeat, low, high, external)
    if token.startswith("R@"):
        assert element.codes and "P3" in element.codes
    else:
        assert element.codes == codes


def test_composite_and_unlisted_elements() -> None:
    s = seg("SV3", "R", 1, "R(R=AD R!cdt S) R")
    sv301 = s.elements[0]
    assert isinstance(sv301, CompositeDef)
    assert [c.ref for c in sv301.components[:3]] == ["SV301-1", "SV301-2", "SV301-3"]
    assert sv301.components[0].codes == frozenset({"AD"})
    assert sv301.components[3].usage is Usage.NOT_USED
    assert all(e.usage is Usage.NOT_USED for e in s.elements[2:])
    assert len(s.elements) == 11


def test_qualifiers_follow_the_compiled_rule() -> None:
    assert seg("HL", "R", 1, "R - R=22 R").qualifier == (3, frozenset({"22"}))
    assert seg("REF", "S", 1, "R=6R R").qualifier == (1, frozenset({"6R"}))
    assert seg("HI", "S", 1, "R(R=ABK R)").qualifier == (1, frozenset({"ABK"}))
    assert seg("NM1", "R", 1, "S=PR R").qualifier is None      # situational: no qualifier


@pytest.mark.parametrize("spec", ["R(R", "Q", "R R R R R R R R R R R R R", "R=AD(R)"])
def test_bad_specs_name_the_segment(spec: str) -> None:
    with pytest.raises(GrammarError, match="NM1|parentheses"):
        seg("NM1", "R", 1, spec)


def test_unknown_segment_and_trigger_rules() -> None:
    with pytest.raises(GrammarError, match="XYZ"):
        seg("XYZ", "R", 1)
    inner = loop("2100", "Name", "R", 1, seg("NM1", "R", 1, "R"))
    with pytest.raises(GrammarError, match="trigger"):
        loop("2000", "Level", "R", 1, inner)


def test_transaction_wraps_st_and_se_and_numbers_positions() -> None:
    t = transaction("270", "005010X279A1", "HS", "Inquiry", seg("BHT", "R", 1, "R R"),
                    aliases=("005010X279",))
    ids = [c.id for c in t.body.children]
    assert ids == ["ST", "BHT", "SE"]
    assert [c.position for c in t.body.children] == ["0100", "0200", "0300"]
    st03 = t.body.children[0].elements[2]
    assert st03.codes == frozenset({"005010X279A1", "005010X279"})
