"""The 835 Health Care Claim Payment/Advice (005010X221A1) read into frozen, typed values.

Sans-I/O: :func:`read_835` takes the text of a file and returns a :class:`RemittanceFile`
holding one :class:`Remittance` per ST..SE (several payers and payments per file are normal).
Every segment the TR3 defines for the 835 lands in a typed field; anything else is kept in an
``other`` tuple on the loop it appeared in, so nothing read is thrown away.

Reading never stops at a bad amount or an unexpected segment: the problem becomes a
:class:`~edi.x12.defects.Defect` with its X12 path, and the caller decides. Balancing (TR3
1.10.2.1) is not checked here; that is the posting side's job.

This module reads the file (envelope, or a bare ST..SE) and re-exports the values; the values
are defined in :mod:`edi.parsers.remit835_values`, one transaction set is read by
:mod:`edi.parsers.remit835_transaction` and its claim loops by
:mod:`edi.parsers.remit835_claims`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from edi.errors import InterchangeError
from edi.parsers.remit835_transaction import EnvelopeIds, read_transaction
from edi.parsers.remit835_values import (
    CLAIM_STATUS_CODES,
    GROUP_CODES,
    Adjustment,
    Amount,
    ClaimPayment,
    Contact,
    DateValue,
    HeaderGroup,
    Party,
    PaymentInfo,
    ProcedureCode,
    ProviderAdjustment,
    Quantity,
    Reference,
    Remittance,
    RemittanceFile,
    ServicePayment,
    TraceNumber,
)
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.delimiters import Delimiters
from edi.x12.segment import Segment
from edi.x12.tokenizer import parse_segments

__all__ = [
    "CLAIM_STATUS_CODES", "GROUP_CODES", "Adjustment", "Amount", "ClaimPayment", "Contact",
    "DateValue", "HeaderGroup", "Party", "PaymentInfo", "ProcedureCode", "ProviderAdjustment",
    "Quantity", "Reference", "Remittance", "RemittanceFile", "ServicePayment", "TraceNumber",
    "read_835",
]


def _bare_delimiters(text: str, source: str) -> Delimiters:
    """Delimiters of a bare ST..SE (no ISA), as some payer portals hand them out.

    Raises :class:`InterchangeError` when they cannot be told apart (``ST~835~0001~`` uses
    one character for both the element separator and the segment terminator).
    """
    element = text[2]
    rest = text[3:].split(element, 2)
    after = rest[1] if len(rest) > 1 else ""
    terminator = next((ch for ch in after if not ch.isalnum()), "~")
    component = ">" if ">" in text and ":" not in text else ":"
    repetition = next(ch for ch in "^|{" if ch not in (element, terminator, component))
    try:
        return Delimiters(element, component, repetition, terminator)
    except ValueError as exc:
        raise InterchangeError(
            f"ST: the bare transaction set's delimiters cannot be told apart (element "
            f"separator {element!r}, segment terminator {terminator!r})", note_code="026",
            source=source) from exc


def _segments(text: str, source: str) -> tuple[list[Segment], list[Defect]]:
    body = text.lstrip("\ufeff\r\n\t ")
    if body.startswith("ISA"):
        notes: list[Defect] = []
        if body[105:106] in ("\n", "\r") and body[106:].lstrip("\r\n").startswith("~"):
            # Line breaks written before each terminator ("...*P*^\n~GS*..."): the fixed-width
            # ISA then names the line break as the terminator. Put them after the "~".
            body = body.replace("\r\n~", "~\n").replace("\n~", "~\n")
            notes.append(Defect(Severity.WARNING, DefectLevel.INTERCHANGE, "004",
                                X12Path(segment="ISA", file_position=1),
                                "line breaks stand before each segment terminator; read as '~'"))
        return parse_segments(body, source), notes
    if body.startswith("ST") and len(body) > 3 and not body[2].isalnum():
        delims = _bare_delimiters(body, source)
        segments = []
        for i, piece in enumerate(p.strip() for p in body.split(delims.segment)):
            if piece:
                parts = piece.split(delims.element)
                segments.append(Segment(parts[0], tuple(parts[1:]), delims, i + 1))
        note = Defect(Severity.WARNING, DefectLevel.INTERCHANGE, "024",
                      X12Path(segment="ST", file_position=1),
                      "the file has no ISA/GS envelope; read as a bare transaction set")
        return segments, [note]
    raise InterchangeError(f"expected an ISA (or ST) segment, found {body[:20]!r}",
                           note_code="024", source=source)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Reading allocates hundreds of thousands of small objects and no cycles; the cyclic
    # collector would rescan them over and over (performance.md: half the reading time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_835(text: str, source: str = "") -> RemittanceFile:
    """Read every 835 transaction set in ``text``.

    Raises :class:`~edi.errors.InterchangeError` only when the text is not X12 at all; other
    problems are defects on the file or on the remittance they belong to.
    """
    with _collector_paused():
        return _read_835(text, source)


def _read_835(text: str, source: str) -> RemittanceFile:
    segments, defects = _segments(text, source)
    envelope = EnvelopeIds()
    remittances: list[Remittance] = []
    current: list[Segment] | None = None
    for seg in segments:
        tag = seg.tag
        if current is not None:
            current.append(seg)
            if tag == "SE":
                remittances.append(read_transaction(current, envelope, source))
                current = None
            continue
        if tag == "ISA":
            envelope = EnvelopeIds(interchange_control=seg.get(13))
        elif tag == "GS":
            envelope = replace(envelope, sender_id=seg.get(2), receiver_id=seg.get(3),
                               group_control=seg.get(6), version=seg.get(8))
        elif tag == "ST":
            if seg.get(1) != "835":
                defects.append(Defect(
                    Severity.ERROR, DefectLevel.TRANSACTION, "1",
                    X12Path(segment="ST", element=1, transaction=seg.get(2),
                            file_position=seg.position),
                    f"transaction set {seg.get(1)!r} is not an 835 remittance; skipped"))
                current = None
                continue
            current = [seg]
    if current is not None:
        remittances.append(read_transaction(current, envelope, source))
    if not remittances:
        defects.append(Defect(Severity.ERROR, DefectLevel.TRANSACTION, "1", X12Path(),
                              "the file holds no 835 transaction set"))
    return RemittanceFile(tuple(remittances), tuple(defects), source)
