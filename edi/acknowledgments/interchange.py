"""The TA1 interchange acknowledgment: the verdict on an ISA/IEA envelope.

A TA1 is sent when the sender asked for one (ISA14 = 1) or when the envelope itself is broken
(TR3 appendix B, TA1 segment notes): TA101 repeats ISA13, TA102/TA103 the interchange's date
and time, TA104 says A, E or R, and TA105 gives the interchange note code of the first
problem. It travels alone in its own ISA/IEA, with no functional group.
"""

from __future__ import annotations

import datetime as dt

from edi.acknowledgments.codes import AckCode, InterchangeNote
from edi.acknowledgments.implementation import AckControl, reply_delimiters, reply_header
from edi.validation.report import InterchangeResult
from edi.x12.defects import Severity
from edi.x12.envelope import Interchange, wrap_interchange
from edi.x12.segment import Segment, make_segment
from edi.x12.tokenizer import is_synthetic

__all__ = ["ta1_needed", "ta1_verdict", "build_ta1"]

_NOTES = frozenset(c.value for c in InterchangeNote)


def _digits(raw: str, width: int, fmt: str = "") -> str:
    """``raw`` when it is ``width`` digits (and a real date or time for ``fmt``), else ""."""
    raw = raw.strip()
    if len(raw) != width or not (raw.isascii() and raw.isdigit()):
        return ""
    if fmt:
        try:
            dt.datetime.strptime(raw, fmt)
        except ValueError:
            return ""
    return raw


def ta1_verdict(interchange: InterchangeResult) -> tuple[AckCode, InterchangeNote]:
    """TA104 and TA105 for an interchange, from its envelope-level defects."""
    errors = [d for d in interchange.defects if d.severity is Severity.ERROR]
    warnings = [d for d in interchange.defects if d.severity is Severity.WARNING]
    for found, verdict in ((errors, AckCode.REJECTED), (warnings, AckCode.ACCEPTED_WITH_ERRORS)):
        for d in found:
            code = d.code if d.code in _NOTES else InterchangeNote.INVALID_CONTENT.value
            return verdict, InterchangeNote(code)
    return AckCode.ACCEPTED, InterchangeNote.NO_ERROR


def ta1_needed(interchange: InterchangeResult) -> bool:
    """True when ISA14 asks for a TA1 or the envelope has an error or warning to report.

    Never for the synthetic envelope read around a bare ST..SE or GS..GE: its ISA13 was made
    up here, so a TA1 would acknowledge an interchange its sender never sent (the reading
    warning is in the validation report instead).
    """
    if is_synthetic(interchange.isa):
        return False
    if interchange.isa.get(14).strip() == "1":
        return True
    return ta1_verdict(interchange)[0] is not AckCode.ACCEPTED


def build_ta1(interchange: InterchangeResult, control: AckControl) -> list[Segment]:
    """A whole interchange (ISA, TA1, IEA) acknowledging ``interchange``."""
    received = interchange.header
    isa = interchange.isa
    delimiters = reply_delimiters(interchange, control)
    header = reply_header(interchange, control, delimiters)
    verdict, note = ta1_verdict(interchange)
    # TA101-TA103 repeat ISA13, ISA09 and ISA10 as received, so the sender can match them.
    # Values that are not of the right shape are sent as read by the lenient header reader.
    control_number = _digits(isa.get(13), 9) or f"{received.control_number:09d}"
    date = _digits(isa.get(9), 6, "%y%m%d") or received.date.strftime("%y%m%d")
    time = _digits(isa.get(10), 4, "%H%M") or received.time.strftime("%H%M")
    ta1 = make_segment("TA1", control_number, date, time, verdict.value, note.value,
                       delimiters=delimiters)
    isa_out, iea = wrap_interchange(Interchange(header, (), delimiters))
    return [isa_out, ta1, iea]
