"""Delimiters read from the ISA, and the ISA written from delimiters, both ways."""

from __future__ import annotations

import datetime as dt

import pytest

from edi.errors import InterchangeError
from edi.x12 import Delimiters, InterchangeHeader, isa_segment, read_delimiters
from edi.x12.delimiters import ISA_LENGTH, scan_isa

HEADER = InterchangeHeader("ZZ", "SENDER", "ZZ", "RECEIVER", 42, dt.date(2024, 1, 2),
                           dt.time(13, 45), usage="T")

CASES = [
    Delimiters("*", ":", "^", "~"),
    Delimiters("|", ">", "!", "\n"),
    Delimiters("*", ">", "^", "~"),
    Delimiters("\x1d", "\x1f", "\x1e", "\x1c"),
]


@pytest.mark.parametrize("delims", CASES)
def test_isa_round_trip(delims):
    wire = isa_segment(HEADER, delims).to_text()
    assert len(wire) == ISA_LENGTH
    assert read_delimiters(wire) == delims


@pytest.mark.parametrize(("wire", "code"), [
    ("ISA*00*          *00", "023"),                       # ends inside the ISA
    ("ISX*00*", "024"),                                     # not an ISA
    ("ISA1" + "1" * 102, "026"),                            # element separator is a digit
    (("ISA*00*          *00*          *ZZ*S              *ZZ*R              *240101*1200*^"
      "*00501*000000001*0*T*:*"), "004"),                   # terminator = element separator
])
def test_broken_isa_is_an_interchange_error(wire, code):
    with pytest.raises(InterchangeError) as err:
        read_delimiters(wire)
    assert err.value.note_code == code


def test_unpadded_isa_is_read_with_a_problem():
    wire = "ISA*00**00**ZZ*S*ZZ*R*240102*1345*^*00501*000000042*0*T*:~GS*"
    delims, problems = scan_isa(wire)
    assert delims == Delimiters("*", ":", "^", "~")
    assert problems and problems[0][0] == "024"
    assert "padded" in problems[0][1]


def test_version_4010_has_no_repetition_separator():
    wire = isa_segment(HEADER, Delimiters()).to_text().replace("*^*00501*", "*U*00401*")
    delims, problems = scan_isa(wire)
    assert problems == []
    assert delims.repetition != "U"
