"""The 837 Health Care Claim (005010X222A1 professional, X223A2 institutional) read into
frozen values shaped like the TR3: one :class:`Claim837` per loop 2300, carrying the billing
provider (2010AA), subscriber and payer (2000B/2010BA/2010BB), patient (2000C), the claim's
provider loops (2310x), other payers (2320/2330x) and lines (2400 with 2410 and 2430).

Sans-I/O: :func:`read_837` takes text and returns values; a clearinghouse hands them to the
claims package to become claim-model values. Amounts or dates that do not read become
defects with their X12 path, never exceptions; only text that is not X12 at all raises.
A bare ST..SE set (as the TR3 prints its examples) or GS..GE group is read in a synthetic
envelope, and an ISA with blanks around its separators as if written without them, each with
a warning defect saying so (see :mod:`edi.x12.bare`).

This module reads the envelope and re-exports the values, which are defined in
:mod:`edi.parsers.claim837_values`; the loops of one transaction set are walked by
:mod:`edi.parsers.claim837_walker`.
"""

from __future__ import annotations

from edi.parsers.chunked import ReadingWarnings, text_batches
from edi.parsers.claim837_values import (
    CasAdjustment,
    Claim837,
    CodedValue,
    Entity,
    HealthCode,
    LineAdjudication837,
    OtherSubscriber837,
    Read837,
    ServiceLine837,
)
from edi.parsers.claim837_walker import TransactionWalker
from edi.x12.collector import collector_paused
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.tokenizer import Tokenizer

__all__ = [
    "CasAdjustment", "Claim837", "CodedValue", "Entity", "HealthCode", "LineAdjudication837",
    "OtherSubscriber837", "Read837", "ServiceLine837", "read_837",
]


#: The segments read here rather than by the set's walker.
_ENVELOPE = frozenset({"ISA", "GS", "ST", "SE"})


def read_837(text: str, source: str = "") -> Read837:
    """Every claim of every 837 transaction set in ``text``.

    Raises :class:`~edi.errors.InterchangeError` when the text is not an X12 interchange (nor
    a bare set or group); transaction sets other than 837 are skipped with a defect.
    """
    with collector_paused():
        return _read(text, source)


def _read(text: str, source: str) -> Read837:
    claims: list[Claim837] = []
    defects: list[Defect] = []
    walker: TransactionWalker | None = None
    feed = None                 # the walker's, bound once per set
    gs08 = ""
    tokenizer = Tokenizer(source or None)
    warnings = ReadingWarnings(tokenizer)
    for batch in text_batches(text, source or None, tokenizer):
        for seg in batch:
            tag = seg.tag
            if tag not in _ENVELOPE:
                if feed is not None:
                    feed(seg)
            elif tag == "GS":
                gs08 = seg.get(8)
            elif tag == "ST":
                if seg.get(1) != "837":
                    defects.append(Defect(
                        Severity.ERROR, DefectLevel.TRANSACTION, "1",
                        X12Path(segment="ST", element=1, transaction=seg.get(2),
                                file_position=seg.position),
                        f"transaction set {seg.get(1)!r} is not an 837 claim; skipped"))
                    continue
                walker = TransactionWalker(seg.get(3) or gs08, seg.get(2), source)
                feed = walker.feed
            elif tag == "SE":
                if walker is not None:
                    walker.close_claim()
                    claims.extend(walker.claims)
                    defects.extend(walker.defects)
                walker = feed = None
            else:                                   # ISA
                defects.extend(warnings.at(seg))
    return Read837(tuple(claims), tuple(defects))
