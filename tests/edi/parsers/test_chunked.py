"""Going through a large text: segments a chunk at a time, the cyclic collector paused."""

from __future__ import annotations

import edi.parsers.chunked as chunked
from edi.parsers.chunked import ReadingWarnings, text_batches
from edi.x12 import parse_segments
from edi.x12.tokenizer import Tokenizer

TEXT = ("ISA*00*          *00*          *ZZ*S              *ZZ*R              *240102*1345*^"
        "*00501*000000001*0*T*:~\nGS*HC*S*R*20240102*1345*1*X*005010X222A1~\n"
        + "".join(f"ST*837*{n:04d}~\nBHT*0019*00*B{n}*20240102*1345*CH~\nSE*3*{n:04d}~\n"
                  for n in range(1, 400))
        + "GE*399*1~\nIEA*1*000000001~\n")


def test_batches_hold_the_segments_of_the_whole_text(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK", 500)
    batches = list(text_batches(TEXT, "x.837"))
    assert len(batches) > 10
    assert [s for b in batches for s in b] == parse_segments(TEXT, "x.837")


def _spaced(text: str) -> str:
    isa, rest = text.split("~", 1)
    return " * ".join(p.strip() for p in isa.split("*")) + " ~" + rest


def test_reading_warnings_are_handed_out_at_the_isa_they_belong_to():
    second = _spaced(TEXT.replace("*00501*", "*99999*", 1))   # an error note and a warning
    tokenizer = Tokenizer("two.837")
    warnings = ReadingWarnings(tokenizer, "two.837: ")
    isas = [s for batch in text_batches(TEXT + second, "two.837", tokenizer)
            for s in batch if s.tag == "ISA"]
    assert [n.severity for n in tokenizer.problems] == ["warning", "error"]
    assert warnings.at(isas[0]) == ()
    (warning,) = warnings.at(isas[1])      # the version error is the validator's to report
    assert (warning.severity, warning.level, warning.code) == ("warning", "TA1", "024")
    assert warning.path.segment == "ISA" and warning.path.file_position == isas[1].position
    assert warning.message.startswith("two.837: the ISA is written with blanks around")
    assert warnings.at(isas[1]) == ()      # each note is handed out once
