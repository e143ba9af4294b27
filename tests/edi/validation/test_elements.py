"""Element checks: data types, lengths, codes, composites, repetitions and syntax notes."""

from __future__ import annotations

import pytest

from edi.validation.elements import SegmentChecker
from edi.x12 import Delimiters, Segment
from edi.x12.grammar import CompositeDef, ElementDef, SegmentDef, Usage

R, S, N = Usage.REQUIRED, Usage.SITUATIONAL, Usage.NOT_USED


def element(ref, kind, lo, hi, usage=R, codes=None, repeat=1, pattern=None):
    return ElementDef(ref, ref.lower(), usage, kind, lo, hi,
                      frozenset(codes) if codes else None, repeat, pattern=pattern)


DEF = SegmentDef("TST", "test", R, 1, "0100", (
    element("TST01", "ID", 1, 2, codes={"A", "BB"}),
    element("TST02", "R", 1, 6),
    element("TST03", "N0", 1, 3, usage=S),
    element("TST04", "DT", 8, 8, usage=S),
    element("TST05", "TM", 4, 8, usage=S),
    element("TST06", "AN", 2, 5, usage=S),
    CompositeDef("TST07", "comp", S, (
        element("TST07-1", "ID", 2, 2, codes={"HC"}),
        element("TST07-2", "AN", 1, 5),
        element("TST07-3", "AN", 1, 2, usage=N),
    )),
    element("TST08", "AN", 1, 5, usage=S, repeat=2),
    element("TST09", "AN", 1, 9, usage=N),
    element("TST10", "AN", 9, 9, usage=S, pattern="[0-9]{9}"),
), syntax=("P0405", "E0608", "C0910"))

CHECKER = SegmentChecker(DEF)
D = Delimiters("*", ":", "^", "~")


def problems(text: str) -> list[tuple[str, int, int, int]]:
    tag, *elements = text.split("*")
    return [(p.code, p.element, p.component, p.repetition)
            for p in CHECKER.check(Segment(tag, tuple(elements), D))]


def wire(*pairs: tuple[int, str]) -> str:
    """TST with TST01=A, TST02=1 and the given (position, value) pairs."""
    values = {1: "A", 2: "1"}
    values.update(pairs)
    return "*".join(["TST"] + [values.get(i, "") for i in range(1, max(values) + 1)])


@pytest.mark.parametrize(("text", "expected"), [
    (wire(), []),
    (wire((1, "BB"), (2, "-12.25"), (3, "7")), []),
    (wire((1, "C")), [("7", 1, 0, 0)]),                         # code not in the list
    (wire((1, "")), [("1", 1, 0, 0)]),                          # required element missing
    (wire((2, "1234567")), [("5", 2, 0, 0)]),                   # R counts digits: 7 > 6
    (wire((2, "-123.456")), []),                                # ... sign and point are free
    (wire((2, "1.2.3")), [("6", 2, 0, 0)]),                     # not a number
    (wire((3, "12a")), [("6", 3, 0, 0)]),                       # not a whole number
    (wire((3, "1234")), [("5", 3, 0, 0)]),
    (wire((4, "20240230"), (5, "1200")), [("8", 4, 0, 0)]),     # no 30 February
    (wire((4, "20240229"), (5, "2460")), [("9", 5, 0, 0)]),     # minute 60
    (wire((4, "20240229"), (5, "120059")), []),
    (wire((6, "X")), [("4", 6, 0, 0)]),                         # too short
    (wire((6, "AB\x07")), [("6", 6, 0, 0)]),                    # a control character
    (wire((7, "XX:1")), [("7", 7, 1, 0)]),                      # component code
    (wire((7, "HC:123456")), [("5", 7, 2, 0)]),
    (wire((7, "HC")), [("1", 7, 2, 0)]),                        # required component missing
    (wire((7, "HC:1:2")), [("I10", 7, 3, 0)]),                  # not-used component present
    (wire((7, "HC:1::4")), [("13", 7, 4, 0)]),                  # too many components
    (wire((7, "HC:1:")), [("8", 7, 3, 0)]),                     # trailing component separator
    (wire((8, "A^B")), []),                                     # two repetitions allowed
    (wire((8, "A^B^C")), [("12", 8, 0, 3)]),                    # three are not
    (wire((8, "A^TOOLONG")), [("5", 8, 0, 2)]),
    (wire((8, "A:B")), [("6", 8, 0, 0)]),                       # a separator inside data
    (wire((10, "12345678X")), [("I12", 10, 0, 0)]),             # pattern
    (wire((9, "X"), (10, "123456789")), [("I10", 9, 0, 0)]),    # not-used element present
    (wire((9, "X")), [("I10", 9, 0, 0), ("2", 10, 0, 0)]),      # C0910: 09 needs 10
    (wire((4, "20240101")), [("2", 5, 0, 0)]),                  # P0405: 04 without 05
    (wire((6, "AB"), (8, "C")), [("10", 8, 0, 0)]),             # E0608: both present
    (wire((11, "X")), [("3", 11, 0, 0)]),                       # too many elements
])
def test_element_checks(text, expected):
    found = problems(text)
    assert sorted(found) == sorted(expected), (text, found)


def test_messages_name_the_element_and_the_value():
    (p,) = CHECKER.check(Segment("TST", ("C", "1"), D))
    assert p.message == "TST01 (tst01): 'C' is not a valid code here"
    assert p.value == "C"


def test_dtp_range_is_checked_by_its_format():
    dtp = SegmentDef("DTP", "date", R, 1, "0100", (
        element("DTP01", "ID", 3, 3), element("DTP02", "ID", 2, 3),
        element("DTP03", "AN", 1, 35)))
    checker = SegmentChecker(dtp)
    ok = Segment("DTP", ("472", "RD8", "20240101-20240131"), D)
    backwards = Segment("DTP", ("472", "RD8", "20240131-20240101"), D)
    assert checker.check(ok) == []
    assert [p.code for p in checker.check(backwards)] == ["8"]


# Values recognised without the verdict cache (listed codes, free text, R, Nn) get the very
# verdict the value check gives: each value is judged both ways, then the text recogniser
# (given the segment's text) must agree too.
FAST = {1: ["A", "BB", "B", "A:", "AB"],
        2: ["1", "-1", "1.5", "-.5", "5.", ".", "-", "1234567", "12345.6", "1.2.3", "١",
            "+1", "1e5", " 1"],
        3: ["1", "-12", "123", "1234", "1.0", "-", "١٢", "+1"],
        6: ["AB", "ABCDE", "A", "ABCDEF", "A:B", "A\x07B", "ÉTÉ", "A B"]}


@pytest.mark.parametrize(("position", "value"),
                         [(p, v) for p, values in FAST.items() for v in values])
def test_fast_verdicts_equal_the_value_check(position, value, monkeypatch):
    from edi.validation import elements

    monkeypatch.setattr(elements, "_RECOGNIZE_AFTER", 0)
    text = wire((position, value))
    slot = CHECKER.slots[position - 1]
    expected = ["6"] if ":" in value else (
        [] if slot.check(value) is None else [slot.check(value)[0]])
    mine = [code for code, pos, _, _ in problems(text) if pos == position]
    assert mine == expected
    tag, *elements = text.split("*")
    assert CHECKER.check(Segment(tag, tuple(elements), D), text) == \
        CHECKER.check(Segment(tag, tuple(elements), D))


def test_checkers_kept_are_bounded(monkeypatch):
    import edi.validation.elements as elements

    monkeypatch.setattr(elements, "_checkers", {})
    monkeypatch.setattr(elements, "CHECKER_LIMIT", 4)
    definitions = [SegmentDef("REF", "Reference", Usage.SITUATIONAL, 1, "0100", ())
                   for _ in range(10)]
    checkers = [elements.checker_for(d) for d in definitions]
    assert len(elements._checkers) == 4
    assert elements.checker_for(definitions[-1]) is checkers[-1]
