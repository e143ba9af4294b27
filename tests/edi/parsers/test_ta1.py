"""read_ta1: which interchange a TA1 answers and its verdict in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edi.errors import InterchangeError
from edi.parsers.ta1 import read_ta1

TEMPLATE = ("ISA*00*          *00*          *ZZ*HARBORHEALTH   *ZZ*CLAIMHOUSE     *260305*1405*^*"
            "00501*000005501*0*T*:~TA1*{ta1}~IEA*0*000005501~")


def test_sample_ta1(samples_dir: Path) -> None:
    (ack,) = read_ta1((samples_dir / "x12" / "interchange_ack.ta1").read_text())
    assert (ack.control_number, ack.date, ack.time, ack.code, ack.note) == (
        "000000103", dt.date(2026, 3, 5), dt.time(14, 0), "A", "000")
    assert ack.accepted and ack.envelope.sender_id == "HARBORHEALTH"
    assert ack.sentence() == "Interchange 000000103: accepted."


# (TA1 elements, accepted, sentence)
CASES = [
    ("000000907*260301*0930*R*001", False,
     "Interchange 000000907: rejected; the ISA13 and IEA02 control numbers do not match."),
    ("000000907*260301*0930*E*024", True,
     "Interchange 000000907: accepted, but errors were noted; the interchange content is "
     "invalid."),
    ("000000907*260301*0930*R*099", False,
     "Interchange 000000907: rejected; code '099' (not in the 005010 list of "
     "InterchangeNote)."),
]


@pytest.mark.parametrize(("elements", "accepted", "sentence"), CASES)
def test_verdicts_in_words(elements: str, accepted: bool, sentence: str) -> None:
    (ack,) = read_ta1(TEMPLATE.format(ta1=elements))
    assert ack.accepted is accepted
    assert ack.sentence() == sentence
    assert ack.defects == ()


def test_bad_date_and_code_become_defects() -> None:
    (ack,) = read_ta1(TEMPLATE.format(ta1="000000907*261399*2599*Q*000"))
    assert ack.date is None and ack.time is None
    assert [(d.path.element, d.code) for d in ack.defects] == [(2, "8"), (3, "9"), (4, "7")]


def test_sample_round_trips(samples_dir: Path) -> None:
    from edi.x12 import parse_segments, serialize

    text = (samples_dir / "x12" / "interchange_ack.ta1").read_text(encoding="utf-8")
    assert serialize(parse_segments(text), line_breaks=True) == text


def test_unpadded_isa_with_overlong_receiver_is_an_interchange_error() -> None:
    text = TEMPLATE.format(ta1="000000905*260305*1400*A*000").replace(
        "*ZZ*CLAIMHOUSE     *", "*ZZ*CLAIMHOUSE-RECEIVER*")
    with pytest.raises(InterchangeError, match="ISA08: the receiver id .* is 19 characters"):
        read_ta1(text)


def test_a_spaced_isa_is_read_with_a_warning(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "interchange_ack.ta1").read_text()
    isa, rest = text.split("~", 1)
    spaced = " * ".join(p.strip() for p in isa.split("*")) + " ~" + rest.replace("*", " * ")
    (ack,) = read_ta1(spaced, "spaced.ta1")
    (plain,) = read_ta1(text)
    (warning,) = ack.defects
    assert (warning.severity, warning.level, warning.code, warning.path.segment) == (
        "warning", "TA1", "024", "ISA")
    assert "blanks around its separators" in warning.message
    assert (ack.envelope, ack.control_number, ack.date, ack.time, ack.code, ack.note) == (
        plain.envelope, plain.control_number, plain.date, plain.time, plain.code, plain.note)
