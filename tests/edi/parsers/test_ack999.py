"""read_999: inbound 999s into per-group, per-set findings in words."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from edi.acknowledgments import AckControl, build_999, describe
from edi.acknowledgments.codes import ElementError, SegmentError
from edi.errors import InterchangeError, WrongTransactionError
from edi.parsers.ack999 import read_999
from edi.x12 import serialize

GOLDEN = Path(__file__).parent.parent / "acknowledgments" / "golden"
sys.path.insert(0, str(GOLDEN.parent))
from ack_reports import element_defect, report, transaction  # noqa: E402


def test_sample_999(samples_dir: Path) -> None:
    (ack,) = read_999((samples_dir / "x12" / "implementation_ack.999").read_text())
    group = ack.group
    assert (group.functional_id, group.control_number, group.version) == (
        "HC", "103", "005010X224A2")
    assert (group.code, group.accepted, group.sets_received, group.sets_accepted) == (
        "R", False, 1, 0)
    (st,) = group.sets
    assert (st.set_id, st.control_number, st.code, st.accepted) == ("837", "0001", "R", False)
    (note,) = st.segments
    assert (note.segment_id, note.position, note.loop_id, note.code) == ("TOO", 32, "2400", "8")
    assert note.business_unit == ("CLM01", "DPCN-20017")
    (element,) = note.elements
    assert (element.position, element.component, element.data_element, element.code,
            element.bad_value) == (3, 2, "1369", "7", "Q")
    assert note.sentences() == (
        "Segment TOO (position 32, loop 2400) of CLM01 DPCN-20017: the segment has data "
        "element errors.",
        "TOO03-2: the code is not valid (sent: 'Q').")
    assert st.reasons() == ("one or more segments are in error",)


def test_partial_golden_reads_back_what_was_built() -> None:
    (ack,) = read_999((GOLDEN / "partial.999").read_text())
    g = ack.group
    assert (g.code, g.verdict) == ("P", "partially accepted: at least one transaction set was "
                                        "rejected")
    assert [(s.control_number, s.code) for s in g.sets] == [("0001", "A"), ("0002", "R"),
                                                            ("0003", "R")]
    third = g.sets[2]
    assert third.error_codes == ("4", "5")
    assert [n.code for n in third.segments] == ["3", "8"]
    assert third.segments[0].sentences()[0].endswith("a required segment is missing.")


@pytest.mark.parametrize("code", ["1", "7", "8", "I10", "I12"])
def test_built_then_read_round_trip(code: str) -> None:
    r = report([transaction("0042", element_defect(9, 9, "NM1", 3, code, loop="2000A/2010AA"))])
    segments = build_999(r.interchanges[0], AckControl(1, 1, dt.datetime(2026, 1, 1, 9, 0)))
    (ack,) = read_999(serialize(segments))
    (st,) = ack.group.sets
    (note,) = st.segments
    assert (st.control_number, note.segment_id, note.position, note.loop_id) == (
        "0042", "NM1", 9, "2010")
    assert note.elements[0].code == code
    assert note.elements[0].meaning == describe(ElementError, code)


# (table, code, words): every code we read is explained, unknown ones are named
MEANINGS = [
    (SegmentError, "3", "a required segment is missing"),
    (SegmentError, "I4", "the segment is not used in this implementation"),
    (ElementError, "5", "the value is too long"),
    (ElementError, "ZZ", "code 'ZZ' (not in the 005010 list of ElementError)"),
]


@pytest.mark.parametrize(("table", "code", "words"), MEANINGS)
def test_code_meanings(table, code: str, words: str) -> None:
    assert describe(table, code) == words


def test_ak9_without_ak1_is_a_defect_not_a_crash() -> None:
    text = ("ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*"
            "00501*000000001*0*T*:~GS*FA*A*B*20260101*1200*1*X*005010X231A1~"
            "ST*999*0001*005010X231A1~AK9*A*1*1*1~SE*3*0001~GE*1*1~IEA*1*000000001~")
    assert read_999(text) == ()


def test_sample_round_trips(samples_dir: Path) -> None:
    from edi.x12 import parse_segments

    text = (samples_dir / "x12" / "implementation_ack.999").read_text(encoding="utf-8")
    assert serialize(parse_segments(text), line_breaks=True) == text


def test_a_file_that_is_not_a_999_is_named(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "dental_claim.837").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="claim.837: transaction set.s. 837 are not 999"):
        read_999(text, "claim.837")


def test_ik401_that_is_not_ascii_digits_reads_as_position_0(samples_dir: Path) -> None:
    # A superscript two is a digit to str.isdigit() but not to int(): read, not a crash.
    text = (samples_dir / "x12" / "implementation_ack.999").read_text(encoding="utf-8")
    (ack,) = read_999(text.replace("IK4*3:2*", "IK4*\u00b2:2*"))
    (element,) = ack.group.sets[0].segments[0].elements
    assert (element.position, element.component, element.data_element) == (0, 2, "1369")


@pytest.mark.parametrize("value", ["9" * 5000, "1E3", "\u00b3"])
def test_absurd_ik401_position_is_a_defect(samples_dir: Path, value: str) -> None:
    text = (samples_dir / "x12" / "implementation_ack.999").read_text()
    assert "IK4*3:2*" in text
    (ack,) = read_999(text.replace("IK4*3:2*", f"IK4*{value}:2*", 1))
    (defect,) = ack.defects
    assert str(defect.path) == "IK401-1" and "should be a number" in defect.message


def _unpadded(text: str, sender: str) -> str:
    isa, rest = text.split("~", 1)
    fields = [f.strip() for f in isa.split("*")]
    fields[6] = sender
    return "*".join(fields) + "~" + rest


def test_unpadded_isa_with_overlong_sender_is_an_interchange_error(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "implementation_ack.999").read_text()
    with pytest.raises(InterchangeError, match="ISA06: the sender id 'A234567890123456' is 16"):
        read_999(_unpadded(text, "A234567890123456"))


def test_other_sets_are_a_wrong_transaction_error(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text()
    with pytest.raises(WrongTransactionError, match="not 999"):
        read_999(text)


def test_a_bare_999_is_read_with_a_warning(samples_dir: Path) -> None:
    (bare,) = read_999((samples_dir / "x12" / "bare_implementation_ack.999").read_text(), "b.999")
    (enveloped,) = read_999((samples_dir / "x12" / "implementation_ack.999").read_text())
    (warning,) = bare.defects
    assert (warning.severity, warning.level, warning.code, warning.path.segment) == (
        "warning", "TA1", "024", "ISA")
    assert "no ISA/GS envelope" in warning.message and "GS01 FA" in warning.message
    assert enveloped.defects == ()
    # everything the 999 says is read as from the enveloped one; the envelope is made up
    assert (bare.group, bare.control_number) == (enveloped.group, enveloped.control_number)
    assert bare.interchange.sender_id == "UNKNOWN"


def test_a_spaced_isa_warns_on_every_999_of_its_interchange(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "implementation_ack.999").read_text()
    isa, rest = text.split("~", 1)
    head, body = rest.split("ST*", 1)
    body, tail = ("ST*" + body).split("GE*", 1)
    two = body + body.replace("ST*999*0001", "ST*999*0002").replace("SE*9*0001", "SE*9*0002")
    spaced = " * ".join(p.strip() for p in isa.split("*")) + "~" + head + two + "GE*" + tail
    first, second = read_999(spaced, "spaced.999")
    assert (first.control_number, second.control_number) == ("0001", "0002")
    for ack in (first, second):
        (warning,) = ack.defects
        assert warning.severity == "warning" and "blanks around its separators" in warning.message
