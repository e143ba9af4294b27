"""ISA and GS value checks, with the TA1 and AK9 codes they map to."""

from __future__ import annotations

import pytest

from edi.validation.envelopes import gs_defects, isa_defects
from edi.x12 import parse_segments

ISA = ("ISA*00*          *00*          *ZZ*CLAIMHOUSE     *ZZ*PAYERONE       *240102*1345*^"
       "*00501*000000101*0*T*:~")
GS = "GS*HC*CLAIMHOUSE*PAYERONE*20240102*1345*7*X*005010X222A1~"


def isa(**changes: str):
    fields = ISA.rstrip("~").split("*")
    for key, value in changes.items():
        fields[int(key[1:])] = value
    return parse_segments("*".join(fields) + "~")[0]


def test_clean_isa():
    assert isa_defects(isa()) == []


@pytest.mark.parametrize(("changes", "code", "element"), [
    ({"e01": "99"}, "010", 1),
    ({"e05": "XX"}, "005", 5),
    ({"e07": "??"}, "007", 7),
    ({"e09": "241332"}, "014", 9),
    ({"e10": "2561"}, "015", 10),
    ({"e10": "\u00b2\u00b3\u00b9\u00b9"}, "015", 10),     # superscript digits
    ({"e13": "00000010A"}, "018", 13),
    ({"e14": "2"}, "019", 14),
    ({"e15": "X"}, "020", 15),
    ({"e06": " " * 15}, "006", 6),
])
def test_isa_values(changes, code, element):
    found = isa_defects(isa(**changes))
    assert (code, element) in [(d.code, d.path.element) for d in found]
    assert all(d.level.value == "TA1" for d in found)


def test_gs_values():
    gs = parse_segments(ISA + GS)[1]
    assert gs_defects(gs, lambda v: True) == []
    bad = parse_segments(ISA + GS.replace("20240102*1345", "20241302*102497")
                         .replace("*7*X*", "*A7*Y*"))[1]
    found = gs_defects(bad, lambda v: False)
    assert sorted((d.code, d.path.element) for d in found) == [
        ("1", 4), ("1", 5), ("1", 7), ("2", 8), ("6", 6)]
