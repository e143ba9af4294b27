"""Segments as values and as wire text, both ways."""

from __future__ import annotations

import pytest

from edi.x12 import Delimiters, Segment, make_segment, parse_segments, serialize

STAR = Delimiters("*", ":", "^", "~")
PIPE = Delimiters("|", ">", "!", "\n")

# (tag, element values as make_segment takes them, delimiters, wire text)
CASES = [
    ("NM1", ("85", "2", "CLINIC", None, None, None, None, "XX", "1234567893"), STAR,
     "NM1*85*2*CLINIC*****XX*1234567893~"),
    ("SV1", (("HC", "99213", "25"), "40.00", "UN", "1"), STAR, "SV1*HC:99213:25*40.00*UN*1~"),
    ("HI", (("ABK", "J20.9"), ("ABF", "R05")), STAR, "HI*ABK:J20.9*ABF:R05~"),
    ("CLM", ("A1", "150", None, None, ("11", "B", "1")), PIPE, "CLM|A1|150|||11>B>1\n"),
    ("SE", ("4", "0001"), STAR, "SE*4*0001~"),
    ("LX", ("1",), PIPE, "LX|1\n"),
    # trailing empty elements and components are dropped (X12.6: no "*~")
    ("REF", ("6R", "LINE1", None, None), STAR, "REF*6R*LINE1~"),
    ("SV1", (("HC", "99213", None, None), "40"), STAR, "SV1*HC:99213*40~"),
]


@pytest.mark.parametrize(("tag", "values", "delims", "wire"), CASES)
def test_value_to_wire(tag, values, delims, wire):
    assert make_segment(tag, *values, delimiters=delims).to_text() == wire


@pytest.mark.parametrize(("tag", "values", "delims", "wire"), CASES)
def test_wire_to_value(tag, values, delims, wire):
    isa = _isa(delims)
    segs = parse_segments(isa + wire)
    seg = segs[1]
    built = make_segment(tag, *values, delimiters=delims)
    assert seg.tag == tag
    assert seg.elements == built.elements
    assert serialize(segs[1:]) == wire


def _isa(d: Delimiters) -> str:
    fields = ["00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ",
              "RECEIVER".ljust(15), "240101", "1200", d.repetition, "00501", "000000001", "0",
              "T", d.component]
    return "ISA" + d.element + d.element.join(fields) + d.segment


def test_accessors():
    seg = Segment("SV1", ("HC:99213:25", "40", "", "1^2"), STAR)
    assert seg.get(1) == "HC:99213:25"
    assert seg.get(9) == ""
    assert seg.components(1) == ("HC", "99213", "25")
    assert seg.component(1, 2) == "99213"
    assert seg.component(1, 7) == ""
    assert seg.repeats(4) == ("1", "2")
    assert seg.repeats(3) == ()


def test_to_text_in_other_delimiters_translates_separators():
    seg = Segment("SV1", ("HC:99213", "40"), STAR)
    assert seg.to_text(PIPE) == "SV1|HC>99213|40\n"
