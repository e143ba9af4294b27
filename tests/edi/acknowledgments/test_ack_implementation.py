"""999 and TA1 builders: golden files byte for byte, verdict tables, pyx12's second opinion."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from ack_reports import element_defect, report, segment_defect, transaction

from edi.acknowledgments import (
    AckCode,
    AckContext,
    AckControl,
    BusinessUnit,
    acknowledge,
    build_999,
    build_ta1,
    group_verdict,
    set_verdict,
    ta1_needed,
)
from edi.validation import validate_text
from edi.x12 import make_segment, serialize
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CLAIMHOUSE_REGENERATE_GOLDEN") == "1"
CONTROL = AckControl(interchange_control=9001, group_control=9001,
                     when=dt.datetime(2026, 3, 1, 10, 15))

SEGMENT_COUNT = "4"       # IK5: the SE01 count was wrong
SEGMENTS_IN_ERROR = "5"


def _partial_report():
    return report([
        transaction("0001"),
        transaction("0002", element_defect(22, 30, "CLM", 2, "1")),
        transaction("0003", segment_defect(57, 95, "REF", "3", loop="2000A/2000B/2300[2]"),
                    element_defect(60, 98, "SV1", 1, "7", component=2,
                                   loop="2000A/2000B/2300[2]/2400"),
                    Defect(Severity.ERROR, DefectLevel.TRANSACTION, SEGMENT_COUNT,
                           X12Path(segment="SE", element=1), "SE01 is wrong")),
    ])


_PARTIAL_CONTEXT = AckContext(
    segments={98: make_segment("SV1", ("HC", "9921X"), "40", "UN", "1")},
    units={30: BusinessUnit("CLM01", "PCN-1001"), 95: BusinessUnit("CLM01", "PCN-1002"),
           98: BusinessUnit("CLM01", "PCN-1002")})

CASES = {
    "accepted.999": lambda: build_999(report([transaction("0001"), transaction("0002")])
                                      .interchanges[0], CONTROL),
    "partial.999": lambda: build_999(_partial_report().interchanges[0], CONTROL,
                                     _PARTIAL_CONTEXT),
    "group_rejected.999": lambda: build_999(report(
        [transaction("0001")],
        group_defects=[Defect(Severity.ERROR, DefectLevel.GROUP, "5",
                              X12Path(segment="GE", element=1), "GE01 is wrong")]
    ).interchanges[0], CONTROL),
    "requested.ta1": lambda: build_ta1(report([transaction("0001")], ack_requested=True)
                                       .interchanges[0], CONTROL),
    "rejected.ta1": lambda: build_ta1(report(
        [transaction("0001")],
        interchange_defects=[Defect(Severity.ERROR, DefectLevel.INTERCHANGE, "001",
                                    X12Path(segment="IEA", element=2), "IEA02 differs")]
    ).interchanges[0], CONTROL),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    segments = CASES[name]()
    assert segments is not None
    text = serialize(segments, line_breaks=True)
    target = GOLDEN / name
    if UPDATE:
        target.write_text(text, encoding="ascii")
    assert text == target.read_text(encoding="ascii")


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.endswith(".999")))
def test_our_999s_pass_our_validator(name: str) -> None:
    text = (GOLDEN / name).read_text(encoding="ascii")
    result = validate_text(text, name)
    assert result.ok, [str(d) for d in result.defects]


@pytest.mark.parametrize("name", sorted(CASES))
def test_our_acknowledgments_pass_pyx12(name: str, pyx12_errors) -> None:
    assert pyx12_errors((GOLDEN / name).read_text(encoding="ascii")) == []


def test_partial_999_content() -> None:
    text = (GOLDEN / "partial.999").read_text(encoding="ascii")
    assert "AK1*HC*4401*005010X222A1~" in text
    assert "IK3*CLM*22*2300*8~\nCTX*CLM01:PCN-1001~\nIK4*2*782*1~\nIK5*R*5~" in text
    assert "IK3*REF*57*2300*3~\nCTX*CLM01:PCN-1002~" in text
    assert "IK3*SV1*60*2400*8~\nCTX*CLM01:PCN-1002~\nIK4*1:2*234*7*9921X~" in text
    assert "IK5*R*4*5~" in text
    assert "AK9*P*3*3*1~" in text


def test_envelope_swaps_parties_and_uses_given_numbers() -> None:
    lines = (GOLDEN / "accepted.999").read_text(encoding="ascii").splitlines()
    isa = lines[0].split("*")
    assert (isa[5], isa[6].strip(), isa[7], isa[8].strip()) == ("ZZ", "HARBORHEALTH", "ZZ",
                                                                "MAPLECLINIC")
    assert (isa[13], isa[14], isa[15]) == ("000009001", "0", "T")
    assert lines[1] == "GS*FA*HARBORHEALTH*MAPLECLINIC*20260301*1015*9001*X*005010X231A1~"
    assert lines[2] == "ST*999*0001*005010X231A1~"


# (IK5/AK9 verdict table) defects of each set -> expected set verdicts and group verdict
VERDICTS = [
    ([[], []], ["A", "A"], "A"),
    ([[], [element_defect(5, 5, "NM1", 3, "1")]], ["A", "R"], "P"),
    ([[element_defect(5, 5, "NM1", 3, "1")]], ["R"], "R"),
    ([[element_defect(5, 5, "NM1", 3, "5", severity=Severity.WARNING)]], ["E"], "E"),
]


@pytest.mark.parametrize(("defects", "set_codes", "group_code"), VERDICTS)
def test_verdicts(defects, set_codes, group_code) -> None:
    r = report([transaction(f"{i + 1:04d}", *d) for i, d in enumerate(defects)])
    group = r.interchanges[0].groups[0]
    assert [set_verdict(t).value for t in group.transactions] == set_codes
    assert group_verdict(group) == AckCode(group_code)


def test_acknowledge_numbers_interchanges_and_skips_acknowledgment_groups() -> None:
    r = report([transaction("0001")], ack_requested=True, with_fa_group=True)
    acks = list(acknowledge(r, CONTROL))
    assert [(a.kind, a.control_number, a.acknowledges) for a in acks] == [
        ("TA1", 9001, "000000777"), ("999", 9002, "000000777")]
    body = serialize(acks[1].segments)
    assert body.count("ST*999*") == 1 and "AK1*HC*4401" in body and "AK1*FA" not in body


def test_rejected_interchange_gets_a_ta1_and_no_999() -> None:
    r = report([transaction("0001")], interchange_defects=[
        Defect(Severity.ERROR, DefectLevel.INTERCHANGE, "023", X12Path(segment="ISA"),
               "ended early")])
    assert ta1_needed(r.interchanges[0])
    assert [a.kind for a in acknowledge(r, CONTROL)] == ["TA1"]


def test_no_ta1_when_not_asked_and_clean() -> None:
    r = report([transaction("0001")])
    assert not ta1_needed(r.interchanges[0])
    assert [a.kind for a in acknowledge(r, CONTROL)] == ["999"]


def test_public_api_is_pinned() -> None:
    import edi.acknowledgments as package

    assert sorted(package.__all__) == sorted([
        "AckCode", "AckContext", "AckControl", "Acknowledgment", "BusinessUnit", "ElementError",
        "GroupError", "InterchangeNote", "Outcome", "SegmentError", "TransactionError",
        "acknowledge", "acknowledge_group", "build_999", "build_ta1", "category_meaning",
        "collect_context", "describe", "group_verdict", "outcome_of", "set_verdict",
        "ta1_needed", "ta1_verdict"])


def test_reply_to_a_4010_interchange_gets_a_visible_repetition_separator() -> None:
    from edi.validation import validate_text as check

    text = ("ISA*00*          *00*          *02*SENDER         *ZZ*RECEIVER       *040709*"
            "3339*U*00401*000484889*1*P*^~GS*HC*S*R*20040709*1200*7*X*004010X098A1~"
            "ST*837*0001~SE*2*0001~GE*1*7~IEA*1*000484889~")
    report = check(text, "old.837")
    acks = list(acknowledge(report, CONTROL))
    assert acks and acks[0].kind == "TA1"
    ta1_text = serialize(acks[0].segments)
    isa = acks[0].segments[0]
    assert isa.get(11) == "{" and isa.get(16) == "^"      # "^" is taken by ISA16
    assert isa.get(7) == "ZZ"                             # the sender's '02' is not a qualifier
    assert "TA1*000484889*040709*0000*" in ta1_text        # ISA10 '3339' is no time
    assert check(ta1_text).ok


def test_replies_carry_only_printable_ascii_copied_from_the_file() -> None:
    # A non-ASCII value in error is not echoed in IK404, and ids copied into the reply's
    # envelope lose what X12 cannot carry; the reply reads back with our own readers.
    from edi.parsers import read_999

    text = ("ISA*00*          *00*          *ZZ*SEND\u00c9R         *ZZ*RECEIVER       *260301*"
            "1015*^*00501*000000042*1*P*:~GS*HC*S\u00b2*R*20260301*1015*7*X*005010X222A1~"
            "ST*837*0001*005010X222A1~BHT*0019*00*B\u0663*2026030\u00b9*1015*CH~SE*3*0001~"
            "GE*1*7~IEA*1*000000042~")
    acks = list(acknowledge(validate_text(text, "odd.837"), CONTROL))
    assert [a.kind for a in acks] == ["TA1", "999"]
    for ack in acks:
        written = serialize(ack.segments)
        assert written.isascii() and all(c.isprintable() for c in written)
    isa = acks[1].segments[0]
    assert isa.get(8).strip() == "SENDR" and acks[1].segments[1].get(3) == "S"
    ik4s = [s for s in acks[1].segments if s.tag == "IK4"]
    assert ik4s and all(len(s.elements) == 3 for s in ik4s if s.get(1) == "4")
    (ack999,) = read_999(serialize(acks[1].segments))
    assert ack999.group.sets[0].control_number == "0001"


def test_reply_to_an_isa_with_a_non_ascii_separator_uses_our_delimiters() -> None:
    text = ("ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*260301*1015*\U0001f600*00501*000000042*1*P*:~"
            "GS*HC*S*R*20260301*1015*7*X*005010X222A1~ST*837*0001*005010X222A1~SE*2*0001~"
            "GE*1*7~IEA*1*000000042~")
    acks = list(acknowledge(validate_text(text, "unpadded.837"), CONTROL))
    assert acks and all(serialize(a.segments).isascii() for a in acks)
    assert acks[0].segments[0].get(11) == "^"
