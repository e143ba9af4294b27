"""A bare ST or GS: its delimiters read from the text, and the synthetic envelope around it."""

from __future__ import annotations

import pytest

from edi.errors import InterchangeError
from edi.x12.bare import GUIDE_BY_SET, is_bare_start, read_bare_start, synthetic_trailers


@pytest.mark.parametrize(("text", "bare"), [
    ("ST*835*0001~", True), ("GS|HC|A|B~", True), ("ST 835", False), ("STX*1~", False),
    ("ISA*00*", False), ("ST*", False),
])
def test_bare_start_is_st_or_gs_and_a_separator(text, bare):
    assert is_bare_start(text) is bare


@pytest.mark.parametrize(("text", "element", "terminator"), [
    ("ST*835*0001~BPR*I~", "*", "~"),
    ("ST*837*0001*005010X222A1~\nBHT*0019~", "*", "~"),
    ("ST*270*0001*005010X279A1\r\nBHT*0022\r\n", "*", "\n"),
    ("ST|835|0001\nBPR|I\n", "|", "\n"),
    ("ST*835*0001 ~BPR*I~", "*", "~"),                  # a blank before the terminator
    ("GS*HC*SENDER ID*R-1*20240102*1345*7*X*005010X222A1'ST*837'", "*", "'"),
])
def test_delimiters_are_read_from_the_first_segment(text, element, terminator):
    d = read_bare_start(text).delimiters
    assert (d.element, d.segment, d.component, d.repetition) == (element, terminator, ":", "^")


@pytest.mark.parametrize(("text", "component"), [
    ("ST*835*0001~BPR*I~CLP*A*1~SVC*HC>99213*40*30~", ">"),
    ("ST*837*0001*005010X222A1~HI*ABK<J069~", "<"),
    ("ST*837*0001*005010X223A2~CLM*A1*50***13!A!1~", "!"),
])
def test_component_separator_is_the_one_a_composite_shows(text, component):
    start = read_bare_start(text)
    assert start.delimiters.component == component
    assert f"components {component!r} (as the text shows)" in start.warning


def test_component_separator_defaults_to_the_guides_colon():
    start = read_bare_start("ST*835*0001~BPR*I*10~")
    assert start.delimiters.component == ":" and "(none seen in the text)" in start.warning


def test_component_and_repetition_step_aside_when_they_clash():
    d = read_bare_start("ST:835:0001^BPR:I^").delimiters
    assert (d.element, d.segment) == (":", "^")
    assert d.component not in ":^" and d.repetition not in ":^" + d.component


def test_bare_set_without_st03_is_read_under_the_guide_for_its_st01():
    start = read_bare_start("ST*835*0001~")
    isa, gs = (h.split("*") for h in start.headers)
    assert len("*".join(isa)) + 1 == 106 and isa[13] == start.control_number
    assert (gs[1], gs[8]) == GUIDE_BY_SET["835"] == ("HP", "005010X221A1")
    assert "no ST03, so GS08 005010X221A1" in start.warning


def test_a_set_with_several_guides_says_which_was_chosen():
    start = read_bare_start("ST*837*0001~")
    assert start.headers[1].endswith("*005010X222A1")
    assert "837P, 837I and 837D share ST01 837" in start.warning


def test_st03_names_the_guide():
    start = read_bare_start("ST*277*0001*005010X214~")
    assert start.headers[1].split("*")[1::7] == ["HN", "005010X214"]
    assert "GS08 005010X214 from ST03" in start.warning


def test_unknown_set_gets_no_guide_and_says_so():
    start = read_bare_start("ST*850*0001~")
    assert start.headers[1].split("*")[1] == ""
    assert "no guide known for ST01 850" in start.warning


def test_bare_group_takes_the_interchange_values_from_the_gs():
    start = read_bare_start("GS*HP*PAYER*PROVIDER OFFICE 1234*20240315*0930*55*X*005010X221A1~")
    isa = start.headers[0].split("*")
    assert len(start.headers) == 1
    assert (isa[6], isa[8], isa[9], isa[10]) == (
        "PAYER          ", "PROVIDER OFFICE", "240315", "0930")
    assert "sender and receiver from GS02/GS03" in start.warning


def test_trailers_close_what_was_made_up():
    bare_set = read_bare_start("ST*835*0001~")
    control = bare_set.control_number
    assert synthetic_trailers(bare_set, sets=2, groups=0) == (
        f"GE*2*{int(control)}", f"IEA*1*{control}")
    bare_group = read_bare_start("GS*HP*A*B*20240315*0930*55*X*005010X221A1~")
    assert synthetic_trailers(bare_group, sets=1, groups=3) == (
        f"IEA*3*{bare_group.control_number}",)


def test_the_control_number_follows_the_text():
    one = read_bare_start("ST*835*0001~BPR*I*10~")
    assert read_bare_start("ST*835*0001~BPR*I*10~").control_number == one.control_number
    assert read_bare_start("ST*835*0001~BPR*I*11~").control_number != one.control_number
    assert len(one.control_number) == 9 and one.control_number.isdigit()


@pytest.mark.parametrize(("text", "words"), [
    ("ST*835*0001*BPR*I~", "terminator cannot be told apart"),   # the next id runs on
    ("ST*835*0001", "terminator cannot be told apart"),          # nothing ends the ST
    ("GS*HC*A*B~", "ends before GS08"),
])
def test_unreadable_start_is_an_interchange_error(text, words):
    with pytest.raises(InterchangeError) as err:
        read_bare_start(text, "paste.txt")
    assert err.value.note_code == "026" and words in str(err.value)
    assert "paste.txt" in str(err.value)
