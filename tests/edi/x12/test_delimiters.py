"""Delimiters read from the ISA, and the ISA written from delimiters, both ways."""

from __future__ import annotations

import datetime as dt

import pytest

from edi.errors import InterchangeError
from edi.x12 import Delimiters, InterchangeHeader, isa_segment, read_delimiters
from edi.x12.delimiters import ISA_LENGTH, is_spaced_isa, scan_isa, unspace_isa

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


# An ISA with blanks around its separators, as pasted from a guide or an e-mail.
WIRE = isa_segment(HEADER, Delimiters()).to_text()
SPACED = ("ISA * 00 *  * 00 *            * ZZ * SENDER * ZZ * RECEIVER        * 240102 * 1345 "
          "* ^ * 00501 * 000000042 * 0 * T * :  ~\nGS * HC * S ~\n")


@pytest.mark.parametrize("text", [SPACED, SPACED.replace("ISA * 00 *", "ISA*00 *"),
                                  SPACED.replace("*", "|").replace("~\n", "\r\n")])
def test_spaced_isa_is_rewritten_at_its_fixed_widths(text):
    assert is_spaced_isa(text)
    isa, used = unspace_isa(text)
    element = "|" if "|" in text else "*"
    terminator = "\n" if "\r\n" in text else "~"
    assert isa == WIRE.replace("*", element).replace("~", terminator)
    assert text[used:].lstrip("\n").startswith(("GS", "HC"))
    assert read_delimiters(isa).segment == terminator


def test_an_ordinary_isa_is_not_spaced():
    assert not is_spaced_isa(WIRE)
    assert not is_spaced_isa("ISA*00**00**ZZ*S*ZZ*R*240102*1345*^*00501*000000042*0*T*:~")


@pytest.mark.parametrize(("text", "code", "words"), [
    (SPACED.replace("* :  ~", "* ~"), "026", "ISA16 cannot be told"),   # ISA16 missing
    (SPACED.replace(":  ~", ": :"), "026", "segment terminator"),       # ISA16 twice
    (SPACED.replace(":  ~", ": A"), "026", "segment terminator"),       # a letter
    (SPACED[:60], "023", "ends inside"),
    ("ISA  1 00", "026", "cannot be an element separator"),
    (SPACED.replace("* ^ *", "* ^^ *"), "026", "ISA11"),
])
def test_spaced_isa_that_cannot_be_told_apart_is_an_interchange_error(text, code, words):
    with pytest.raises(InterchangeError) as err:
        unspace_isa(text, "mail.txt")
    assert err.value.note_code == code and words in str(err.value)
    assert "mail.txt" in str(err.value)
