"""Inbound TA1 interchange acknowledgments read into frozen values.

A TA1 answers one interchange we sent: TA101 is our ISA13, TA102/TA103 the date and time we
put in ISA09/ISA10, TA104 the verdict (A accepted, E accepted with errors, R rejected) and
TA105 the interchange note code saying what was wrong (X12.6, TR3 appendix B). TA1 segments
sit directly inside ISA/IEA, alone or ahead of functional groups. An ISA with blanks around its
separators is read as if written without them, with a warning defect on each TA1 it holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from edi.acknowledgments.codes import AckCode, InterchangeNote, describe
from edi.parsers.chunked import ReadingWarnings, text_batches
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.envelope import InterchangeHeader, header_from_isa
from edi.x12.tokenizer import Tokenizer

__all__ = ["InterchangeAcknowledgment", "read_ta1"]


@dataclass(frozen=True, slots=True)
class InterchangeAcknowledgment:
    """One TA1: which of our interchanges it answers and the verdict."""

    envelope: InterchangeHeader          # the ISA the TA1 came in (the partner is the sender)
    control_number: str                  # TA101 = the ISA13 we sent
    date: dt.date | None                 # TA102
    time: dt.time | None                 # TA103
    code: str                            # TA104
    note: str                            # TA105
    defects: tuple[Defect, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.code in (AckCode.ACCEPTED, AckCode.ACCEPTED_WITH_ERRORS)

    @property
    def verdict(self) -> str:
        return describe(AckCode, self.code)

    @property
    def meaning(self) -> str:
        return describe(InterchangeNote, self.note)

    def sentence(self) -> str:
        """The TA1 in words, as a billing office would log it."""
        return (f"Interchange {self.control_number}: {self.verdict}"
                + ("" if self.note == InterchangeNote.NO_ERROR else f"; {self.meaning}") + ".")


def _date(raw: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(raw, "%y%m%d").date()
    except ValueError:
        return None


def _time(raw: str) -> dt.time | None:
    try:
        return dt.datetime.strptime(raw, "%H%M").time()
    except ValueError:
        return None


def read_ta1(text: str, source: str | None = None) -> tuple[InterchangeAcknowledgment, ...]:
    """Every TA1 in ``text``."""
    out: list[InterchangeAcknowledgment] = []
    envelope: InterchangeHeader | None = None
    tokenizer = Tokenizer(source)
    warnings = ReadingWarnings(tokenizer)
    read_leniently: tuple[Defect, ...] = ()
    for seg in (s for batch in text_batches(text, source, tokenizer) for s in batch):
        if seg.tag == "ISA":
            envelope = header_from_isa(seg)
            read_leniently = warnings.at(seg)
        elif seg.tag == "TA1" and envelope is not None:
            defects: list[Defect] = list(read_leniently)
            date, time = _date(seg.get(2)), _time(seg.get(3))
            for n, value, ok in ((2, seg.get(2), date), (3, seg.get(3), time)):
                if ok is None:
                    defects.append(Defect(
                        Severity.WARNING, DefectLevel.ELEMENT, "8" if n == 2 else "9",
                        X12Path(segment="TA1", element=n, file_position=seg.position),
                        f"TA1{n:02d} should be a {'YYMMDD date' if n == 2 else 'HHMM time'}, "
                        f"found {value!r}"))
            if seg.get(4) not in ("A", "E", "R"):
                defects.append(Defect(
                    Severity.ERROR, DefectLevel.ELEMENT, "7",
                    X12Path(segment="TA1", element=4, file_position=seg.position),
                    f"TA104 should be A, E or R, found {seg.get(4)!r}"))
            out.append(InterchangeAcknowledgment(
                envelope, seg.get(1), date, time, seg.get(4), seg.get(5), tuple(defects)))
    return tuple(out)
