"""Acknowledgments we send: the 999 for each functional group and the TA1 for an interchange.

Built from a :class:`edi.validation.report.ValidationReport` as segments, through
:func:`edi.x12.wrap_interchange`, so what is written is exactly what the writer writes. The
code tables (:mod:`edi.acknowledgments.codes`) are shared with the 999 and TA1 parsers, and
the claim status categories (:mod:`edi.acknowledgments.status_categories`) with the 277CA
parser and the claims service that applies its verdicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from edi.acknowledgments.codes import (
    AckCode,
    ElementError,
    GroupError,
    InterchangeNote,
    SegmentError,
    TransactionError,
    describe,
)
from edi.acknowledgments.context import AckContext, BusinessUnit, collect_context
from edi.acknowledgments.implementation import (
    AckControl,
    acknowledge_group,
    build_999,
    group_verdict,
    set_verdict,
)
from edi.acknowledgments.interchange import build_ta1, ta1_needed, ta1_verdict
from edi.acknowledgments.status_categories import Outcome, category_meaning, outcome_of
from edi.validation.report import ValidationReport
from edi.x12.segment import Segment

__all__ = [
    "AckCode",
    "AckContext",
    "AckControl",
    "Acknowledgment",
    "BusinessUnit",
    "ElementError",
    "GroupError",
    "InterchangeNote",
    "Outcome",
    "SegmentError",
    "TransactionError",
    "acknowledge",
    "acknowledge_group",
    "build_999",
    "build_ta1",
    "category_meaning",
    "collect_context",
    "describe",
    "group_verdict",
    "outcome_of",
    "set_verdict",
    "ta1_needed",
    "ta1_verdict",
]


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """One outbound acknowledgment interchange: ``kind`` is ``"TA1"`` or ``"999"``."""

    kind: str
    acknowledges: str            # ISA13 of the interchange answered
    control_number: int          # ISA13 of this acknowledgment
    segments: tuple[Segment, ...]


def acknowledge(report: ValidationReport, control: AckControl,
                context: AckContext | None = None) -> Iterator[Acknowledgment]:
    """Every acknowledgment a file calls for, numbered from ``control`` upwards.

    Per interchange: a TA1 when asked for or when the envelope has problems; a 999 for its
    functional groups unless the TA1 rejects the whole interchange (then nothing inside it
    was processed). Each new interchange takes the next ISA13 and GS06.
    """
    ctx = context or AckContext()
    isa13 = control.interchange_control
    gs06 = control.group_control
    for interchange in report.interchanges:
        acked = interchange.isa.get(13).strip()
        if ta1_needed(interchange):
            segments = build_ta1(interchange, replace(control, interchange_control=isa13))
            yield Acknowledgment("TA1", acked, isa13, tuple(segments))
            isa13 += 1
            if ta1_verdict(interchange)[0] is AckCode.REJECTED:
                continue
        built = build_999(interchange, replace(control, interchange_control=isa13,
                                               group_control=gs06), ctx)
        if built is not None:
            yield Acknowledgment("999", acked, isa13, tuple(built))
            isa13 += 1
            gs06 += 1
